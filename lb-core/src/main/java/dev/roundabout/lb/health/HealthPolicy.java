package dev.roundabout.lb.health;

/**
 * A health policy: an immutable, reusable configuration that creates the {@link HealthTracker} of
 * one load balancer, as a {@code PickerFactory} creates a {@code Picker}. Implementations are
 * immutable and thread-safe; {@link #newTracker} is called by {@code LoadBalancer.Builder.build()},
 * once for each balancer, on the thread that builds it.
 *
 * <p>{@link OutlierDetector}, {@link ActiveHealthChecker} and {@link CircuitBreakerHealthTracker}
 * are policies, and {@link HealthTrackers#allOf} combines policies into one. A policy may be given
 * to any number of balancers: each gets a tracker of its own, whose state (counts, ejections,
 * breakers, checks) no other balancer sees.
 *
 * <pre>{@code
 * OutlierDetector detector = OutlierDetector.builder().consecutiveFailures(3).build();
 * LoadBalancer orders = LoadBalancer.builder("orders").endpoints(ordersList).healthTracker(detector).build();
 * LoadBalancer payments = LoadBalancer.builder("payments").endpoints(paymentsList).healthTracker(detector).build();
 * }</pre>
 *
 * <p>A tracker of your own is a policy written as {@code () -> new MyTracker(...)}. A lambda that
 * returns one tracker instance every time would make that tracker serve several balancers, which
 * the built-in trackers refuse (their second start throws {@link IllegalStateException}).
 */
@FunctionalInterface
public interface HealthPolicy {
  /**
   * Returns a new tracker for one balancer. The balancer starts it ({@link HealthTracker#start})
   * before anything else and closes it when it closes. Creating a tracker must start nothing (no
   * thread, no timer, no registration): that work belongs in {@code start}, so that a build that
   * fails before the start leaves nothing behind.
   *
   * @throws RuntimeException to fail the balancer's build
   */
  HealthTracker newTracker();
}
