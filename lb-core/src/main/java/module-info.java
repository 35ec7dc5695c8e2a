/**
 * Roundabout core: endpoints, pickers, leases and the load balancer.
 *
 * <p>Only {@code dev.roundabout.lb} is exported; the algorithms ({@code dev.roundabout.lb.pick}) and
 * machinery ({@code dev.roundabout.lb.internal}) are reached through {@link dev.roundabout.lb.Pickers}
 * and {@link dev.roundabout.lb.LoadBalancer}.
 */
module dev.roundabout.lb {
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive io.github.resilience4j.core;
  requires static org.jspecify;

  exports dev.roundabout.lb;
  exports dev.roundabout.lb.health;
}
