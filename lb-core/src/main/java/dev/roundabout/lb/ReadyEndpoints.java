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

  /**
   * The configured weight of the endpoint at {@code index}, 1 to 10,000. Stable while the endpoint
   * stays: pickers that build a structure from weights (hash rings, tables) or weigh load by weight
   * use it, together with {@link #admit} for slow start.
   */
  int weight(int index);

  /**
   * The weight with slow start applied, for pickers that hand out shares by weight (weighted round
   * robin, weighted random), at least 1. While no endpoint is in slow start it is
   * {@link #weight}; while some endpoint is, every weight is multiplied by 100 and a ramping
   * endpoint's also by its ramp fraction, so that only the ratios are meaningful. A picker that
   * uses it does not call {@link #admit}.
   */
  default int effectiveWeight(int index) {
    return weight(index);
  }

  /**
   * Whether a pick may go to the endpoint at {@code index}: always, except for an endpoint in slow
   * start, which is admitted with the probability of its ramp fraction (one random draw). Pickers
   * that do not use {@link #effectiveWeight} call it on their choice, and move on to their next
   * candidate when it says no; that is how slow start reaches every picker.
   */
  default boolean admit(int index) {
    return true;
  }

  /** Whether some endpoint is in slow start: when false, {@link #admit} is always true. */
  default boolean ramping() {
    return false;
  }

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
