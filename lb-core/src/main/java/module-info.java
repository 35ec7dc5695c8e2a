/**
 * Roundabout core: endpoints, pickers, leases and the load balancer.
 *
 * <p>Only {@code dev.roundabout.lb} is exported; the algorithms ({@code dev.roundabout.lb.pick}) and
 * machinery ({@code dev.roundabout.lb.internal}) are reached through {@link dev.roundabout.lb.Pickers}
 * and {@link dev.roundabout.lb.LoadBalancer}.
 */
// resilience4j's jars are automatic modules (no module-info of their own), and its types
// (CircuitBreakerRegistry, CircuitBreaker) are part of the health API, so the requires stay transitive.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.roundabout.lb {
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive io.github.resilience4j.core;
  // Optional at run time; transitive since @Nullable appears in exported signatures.
  requires static transitive org.jspecify;

  exports dev.roundabout.lb;
  exports dev.roundabout.lb.health;
}
