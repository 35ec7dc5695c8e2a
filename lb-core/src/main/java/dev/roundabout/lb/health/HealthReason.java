package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;
import static dev.roundabout.lb.internal.Preconditions.quote;

import org.jspecify.annotations.Nullable;

/**
 * Why a {@link HealthTracker} keeps an endpoint out of the ordinary picks, as
 * {@link HealthTracker#reason} reports it and {@code LoadBalancer.describe()} shows it: the health
 * it explains, what caused it ({@code "5 failures in a row"}), and, when the tracker knows it, when
 * it ends on the balancer's {@code Ticker} (the end of an ejection, of an open circuit's wait).
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthReason {
  private final EndpointHealth health;
  private final String detail;
  private final boolean hasEnd;
  private final long endNanos;

  private HealthReason(EndpointHealth health, String detail, boolean hasEnd, long endNanos) {
    this.health = health;
    this.detail = detail;
    this.hasEnd = hasEnd;
    this.endNanos = endNanos;
  }

  /**
   * A reason for {@code health} with no known end.
   *
   * @param detail what caused it, for a person: {@code "5 failures in a row"}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code health} is {@code AVAILABLE} (nothing to explain)
   *     or {@code detail} is blank
   */
  public static HealthReason of(EndpointHealth health, String detail) {
    checkNotNull(health, "health");
    checkNotNull(detail, "detail");
    checkArgument(health != EndpointHealth.AVAILABLE, "health", health,
        "a health that keeps the endpoint out, not AVAILABLE");
    checkArgument(!detail.isBlank(), "detail", quote(detail), "a non-blank text");
    return new HealthReason(health, detail, false, 0);
  }

  /**
   * This reason, ending at {@code endNanos} on the balancer's {@code Ticker} (the value its
   * {@code read()} will reach when the endpoint is expected back).
   */
  public HealthReason until(long endNanos) {
    return new HealthReason(health, detail, true, endNanos);
  }

  /** The health this reason explains. */
  public EndpointHealth health() {
    return health;
  }

  /** What caused it, for a person. */
  public String detail() {
    return detail;
  }

  /** Whether the tracker knows when the endpoint is expected back. */
  public boolean hasEnd() {
    return hasEnd;
  }

  /**
   * When the endpoint is expected back, in ticker nanoseconds.
   *
   * @throws IllegalStateException if the reason has no end ({@link #hasEnd()} is false)
   */
  public long endNanos() {
    checkState(hasEnd, "reason '" + this + "' has no end (expected: hasEnd() first)");
    return endNanos;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HealthReason r && health == r.health && detail.equals(r.detail) && hasEnd == r.hasEnd
        && endNanos == r.endNanos;
  }

  @Override
  public int hashCode() {
    return (health.hashCode() * 31 + detail.hashCode()) * 31 + (hasEnd ? Long.hashCode(endNanos) : -1);
  }

  /** {@code ejected: 5 failures in a row}, with {@code  (until 1234567890)} when it has an end. */
  @Override
  public String toString() {
    return health.label() + ": " + detail + (hasEnd ? " (until " + endNanos + ")" : "");
  }
}
