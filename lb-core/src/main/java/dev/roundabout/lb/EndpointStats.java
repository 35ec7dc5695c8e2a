package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import java.time.Duration;
import java.util.Optional;

/**
 * A point-in-time copy of what a load balancer knows of one endpoint, from
 * {@link LoadBalancer#stats()}: for metrics and dashboards, not for the pick path.
 *
 * <p>Immutable and thread-safe. The figures are read one after the other, not atomically together.
 */
public final class EndpointStats {
  private final Endpoint endpoint;
  private final EndpointHealth health;
  private final int inFlight;
  private final long successes;
  private final long failures;
  private final long latencyEwmaNanos;

  EndpointStats(
      Endpoint endpoint, EndpointHealth health, int inFlight, long successes, long failures, long latencyEwmaNanos) {
    this.endpoint = endpoint;
    this.health = health;
    this.inFlight = inFlight;
    this.successes = successes;
    this.failures = failures;
    this.latencyEwmaNanos = latencyEwmaNanos;
  }

  /** The endpoint. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The endpoint's health at the balancer's last snapshot ({@code AVAILABLE} without a tracker). */
  public EndpointHealth health() {
    return health;
  }

  /** Leases acquired on this endpoint and not yet closed. */
  public int inFlight() {
    return inFlight;
  }

  /** Outcomes reported as {@link Lease#success()} since the endpoint joined. */
  public long successes() {
    return successes;
  }

  /** Outcomes reported as {@link Lease#failure(Throwable)} since the endpoint joined. */
  public long failures() {
    return failures;
  }

  /**
   * The exponentially weighted moving average of reported latencies (the newest sample weighs
   * 0.2), or empty before the first reported outcome.
   */
  public Optional<Duration> latencyEwma() {
    return latencyEwmaNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(latencyEwmaNanos));
  }

  @Override
  public String toString() {
    return endpoint.address()
        + "{" + health.label()
        + ", inFlight=" + inFlight
        + ", successes=" + successes
        + ", failures=" + failures
        + ", latencyEwma=" + (latencyEwmaNanos < 0 ? "none" : Duration.ofNanos(latencyEwmaNanos))
        + '}';
  }
}
