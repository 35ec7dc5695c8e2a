package dev.roundabout.lb.micrometer;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.health.EndpointHealth;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener of {@link LoadBalancerMetrics#listener()}: counts events and tells the metrics when
 * an endpoint joins or leaves.
 *
 * <p>Thread-safe. Called on the balancer's update path, one event at a time; read on scrape
 * threads. Each count is its own atomic, so a scrape may see one event counted and the next not
 * yet: counts are read one after the other, not together.
 */
final class EventCounts implements LoadBalancerListener {
  private final LoadBalancerMetrics metrics;
  private final AtomicLong ejected = new AtomicLong();
  private final AtomicLong circuitOpened = new AtomicLong();
  private final AtomicLong restored = new AtomicLong();
  private final AtomicLong healthCheckFailed = new AtomicLong();
  /** 1 while in panic; written only on the update path, which is serialized. */
  private volatile int panic;

  EventCounts(LoadBalancerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void onEndpointAdded(String balancer, Endpoint endpoint) {
    metrics.endpointAdded(balancer, endpoint);
  }

  @Override
  public void onEndpointRemoved(String balancer, Endpoint endpoint) {
    metrics.endpointRemoved(balancer, endpoint);
  }

  @Override
  public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
    (reason == EndpointHealth.CIRCUIT_OPEN ? circuitOpened : ejected).incrementAndGet();
  }

  @Override
  public void onEndpointRestored(String balancer, Endpoint endpoint) {
    restored.incrementAndGet();
  }

  @Override
  public void onHealthCheckFailed(String balancer, Endpoint endpoint) {
    healthCheckFailed.incrementAndGet();
  }

  @Override
  public void onPanicEntered(String balancer, int available, int total) {
    panic = 1;
  }

  @Override
  public void onPanicExited(String balancer, int available, int total) {
    panic = 0;
  }

  double ejected() {
    return ejected.get();
  }

  double circuitOpened() {
    return circuitOpened.get();
  }

  double restored() {
    return restored.get();
  }

  double healthCheckFailed() {
    return healthCheckFailed.get();
  }

  double panic() {
    return panic;
  }

  @Override
  public String toString() {
    return "LoadBalancerMetrics.listener()";
  }
}
