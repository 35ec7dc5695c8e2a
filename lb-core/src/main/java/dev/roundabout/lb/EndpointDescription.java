package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthReason;
import dev.roundabout.lb.internal.DurationText;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint in a {@link LoadBalancerDescription}: its health and why it is out, whether picks
 * may choose it, its slow-start share, whether it drains, and its figures.
 *
 * <p>Immutable and thread-safe.
 */
public final class EndpointDescription {
  private final EndpointHealth health;
  private final @Nullable HealthReason reason;
  private final boolean ready;
  private final boolean draining;
  private final double slowStartShare;
  private final EndpointStats stats;
  private final String state;

  EndpointDescription(
      EndpointStats stats,
      @Nullable HealthReason reason,
      boolean ready,
      boolean draining,
      double slowStartShare,
      long now) {
    this.health = stats.health();
    this.reason = reason;
    this.ready = ready;
    this.draining = draining;
    this.slowStartShare = slowStartShare;
    this.stats = stats;
    this.state = stateText(now);
  }

  /** The endpoint as last delivered. */
  public Endpoint endpoint() {
    return stats.endpoint();
  }

  /**
   * Its health in the described snapshot; for a draining endpoint, the health it had when it was
   * removed.
   */
  public EndpointHealth health() {
    return health;
  }

  /** Why its health tracker keeps it out, or null: it is available, or the tracker did not say. */
  public @Nullable HealthReason reason() {
    return reason;
  }

  /**
   * Whether ordinary picks may choose it: an available endpoint, or, in panic, any endpoint health
   * has seen that answers. An endpoint on trial takes only the trial calls its tracker admits.
   */
  public boolean ready() {
    return ready;
  }

  /** Whether it was removed from the list and still has calls in flight: it takes no new call. */
  public boolean draining() {
    return draining;
  }

  /** Its share of its weight in slow start, in (0, 1); exactly 1 when it is not in slow start. */
  public double slowStartShare() {
    return slowStartShare;
  }

  /** Its figures (in flight, successes, failures, latency), read when the description was taken. */
  public EndpointStats stats() {
    return stats;
  }

  /**
   * Its state as the description's table shows it: {@code available},
   * {@code slow start at 35% of weight}, {@code ejected for 25s more: 5 failures in a row, ...},
   * {@code draining: removed from the list}...
   */
  public String state() {
    return state;
  }

  private String stateText(long now) {
    if (draining) {
      return "draining: removed from the list, calls in flight finish";
    }
    StringBuilder text = new StringBuilder();
    if (health == EndpointHealth.AVAILABLE) {
      text.append(ready ? "available" : "available, left out in panic: no answer to its latest call");
    } else {
      text.append(health.label());
      HealthReason r = reason;
      if (r != null && r.hasEnd()) {
        text.append(" for ").append(DurationText.human(r.endNanos() - now)).append(" more");
      }
      if (r != null) {
        text.append(": ").append(r.detail());
      }
      if (ready) {
        text.append("; picked in panic");
      }
    }
    if (slowStartShare < 1) {
      text.append(", slow start at ").append(Math.round(slowStartShare * 100)).append("% of weight");
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return endpoint().address() + ": " + state;
  }
}
