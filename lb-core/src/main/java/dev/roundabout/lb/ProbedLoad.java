package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a server answered to a {@link LoadProbe}: the requests it has in flight now (started and
 * not yet answered, from every client) and its recent latency (the typical time it took to
 * answer a request over the last moments, such as the median of the last few seconds).
 *
 * <p>Immutable and thread-safe.
 */
public final class ProbedLoad {
  private static final Duration MAX_LATENCY = Duration.ofHours(1);
  private static final long MAX_LATENCY_NANOS = MAX_LATENCY.toNanos();

  private final int requestsInFlight;
  private final long latencyNanos;

  private ProbedLoad(int requestsInFlight, long latencyNanos) {
    this.requestsInFlight = requestsInFlight;
    this.latencyNanos = latencyNanos;
  }

  /**
   * A probe result of {@code requestsInFlight} requests in flight and a recent latency of
   * {@code latency}.
   *
   * @throws NullPointerException if {@code latency} is null
   * @throws IllegalArgumentException if {@code requestsInFlight} or {@code latency} is negative,
   *     or {@code latency} is longer than an hour
   */
  public static ProbedLoad of(int requestsInFlight, Duration latency) {
    checkNotNull(latency, "latency");
    checkArgument(!latency.isNegative() && latency.compareTo(MAX_LATENCY) <= 0, "latency", latency, "0 to PT1H");
    return ofNanos(requestsInFlight, latency.toNanos());
  }

  /**
   * A probe result of {@code requestsInFlight} requests in flight and a recent latency of
   * {@code latencyNanos} nanoseconds.
   *
   * @throws IllegalArgumentException if {@code requestsInFlight} or {@code latencyNanos} is
   *     negative, or {@code latencyNanos} is longer than an hour
   */
  public static ProbedLoad ofNanos(int requestsInFlight, long latencyNanos) {
    checkArgument(requestsInFlight >= 0, "requestsInFlight", requestsInFlight, "0 or more");
    checkArgument(latencyNanos >= 0 && latencyNanos <= MAX_LATENCY_NANOS, "latencyNanos", latencyNanos,
        "0 to " + MAX_LATENCY_NANOS);
    return new ProbedLoad(requestsInFlight, latencyNanos);
  }

  /** The requests the server has in flight, from every client, 0 or more. */
  public int requestsInFlight() {
    return requestsInFlight;
  }

  /** The server's recent latency. */
  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }

  /** The server's recent latency in nanoseconds, 0 or more. */
  public long latencyNanos() {
    return latencyNanos;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ProbedLoad p && requestsInFlight == p.requestsInFlight && latencyNanos == p.latencyNanos;
  }

  @Override
  public int hashCode() {
    return 31 * requestsInFlight + Long.hashCode(latencyNanos);
  }

  @Override
  public String toString() {
    return "ProbedLoad{inFlight=" + requestsInFlight + ", latency=" + latency() + '}';
  }
}
