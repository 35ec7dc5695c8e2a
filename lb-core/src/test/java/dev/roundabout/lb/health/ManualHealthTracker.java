package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A tracker whose verdicts the test sets, and that records what the balancer tells it. */
public final class ManualHealthTracker implements HealthTracker {
  private final Map<String, EndpointHealth> verdicts = new ConcurrentHashMap<>();
  public final List<String> outcomes = new ArrayList<>();
  public final AtomicInteger trialPermits = new AtomicInteger();
  public final AtomicInteger released = new AtomicInteger();
  public final List<String> changes = new ArrayList<>();
  public volatile boolean closed;
  private @Nullable HealthContext context;

  /** Sets the health of {@code endpoint} and asks the balancer to rebuild. */
  public void set(Endpoint endpoint, EndpointHealth health) {
    verdicts.put(endpoint.address(), health);
    if (context != null) {
      context.refresh();
    }
  }

  @Override
  public void start(HealthContext context) {
    this.context = context;
  }

  @Override
  public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    changes.add("+" + added + " -" + removed);
  }

  @Override
  public EndpointHealth health(Endpoint endpoint, long nowNanos) {
    return verdicts.getOrDefault(endpoint.address(), EndpointHealth.AVAILABLE);
  }

  @Override
  public synchronized void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
    outcomes.add(endpoint.address() + (success ? " ok" : " failed"));
  }

  @Override
  public boolean tryTrial(Endpoint endpoint) {
    return trialPermits.getAndUpdate(p -> Math.max(0, p - 1)) > 0;
  }

  @Override
  public void releaseTrial(Endpoint endpoint) {
    released.incrementAndGet();
  }

  @Override
  public void close() {
    closed = true;
  }
}
