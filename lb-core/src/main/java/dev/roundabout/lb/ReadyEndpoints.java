package dev.roundabout.lb;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints a {@link Picker} chooses from, as the load balancer hands them to
 * {@link PickerFactory#create}: an immutable, indexed list (never empty), the live load of each
 * endpoint, and the balancer's randomness and time.
 *
 * <p>Thread-safe. The list never changes; {@link #inFlight(int)} is read live and is meant for
 * {@link Picker#pick}. Index-based accessors allocate nothing.
 */
public interface ReadyEndpoints {
  /** The name of the load balancer. */
  String balancerName();

  /** The number of ready endpoints, at least 1. */
  int size();

  /** The endpoint at {@code index}, {@code 0 <= index < size()}. */
  Endpoint endpoint(int index);

  /** The weight the picker should use for the endpoint at {@code index}, at least 1. */
  int weight(int index);

  /**
   * The number of leases open on the endpoint at {@code index} right now (read live, racy by
   * nature: another thread may acquire or release at the same moment).
   */
  int inFlight(int index);

  /** The balancer's randomness; thread-safe unless the user injected one that is not. */
  RandomGenerator random();

  /** The balancer's clock. */
  Ticker ticker();

  /**
   * The picker this one replaces, or null for the balancer's first picker. A factory may take
   * state from it (a cursor) when it is of its own kind.
   */
  @Nullable Picker previous();
}
