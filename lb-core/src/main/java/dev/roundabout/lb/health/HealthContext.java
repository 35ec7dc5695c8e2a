package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Ticker;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What a load balancer gives the {@link HealthTracker} it starts: its name, clock and randomness,
 * its endpoints, and a way to say that health changed.
 *
 * <p>Thread-safe.
 */
public interface HealthContext {
  /** The balancer's name, for logs and names (a circuit breaker's, say). */
  String balancerName();

  /** The balancer's clock: every time-driven decision of a tracker reads it, never another. */
  Ticker ticker();

  /** The balancer's randomness (jitter). */
  RandomGenerator random();

  /** The balancer's current full endpoint list. */
  List<Endpoint> endpoints();

  /**
   * Says that the health of some endpoint may have changed: the balancer asks every tracker again
   * and publishes a new snapshot. Cheap and non-blocking; callable from any thread, any number of
   * times (requests made while a rebuild is pending are merged).
   */
  void refresh();
}
