package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.LoadBalancerException;
import dev.roundabout.lb.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * Health from resilience4j circuit breakers: each balancer given this policy gets one breaker per
 * endpoint, named {@code "<balancer>/<host:port>"} in the registry. Every outcome a lease reports
 * goes to the endpoint's breaker. An endpoint whose breaker is OPEN takes no call; once the
 * breaker's wait in the open state is over the endpoint is on {@link EndpointHealth#TRIAL trial}:
 * a call to it goes through only with the breaker's permission ({@code tryAcquirePermission}),
 * which also makes the breaker move from OPEN to HALF_OPEN (resilience4j does that only when
 * asked), and HALF_OPEN admits its permitted number of trial calls. When the trials succeed the
 * breaker closes and the endpoint is available again.
 *
 * <p>{@link #of(CircuitBreakerRegistry)} takes breakers from your registry, so that your
 * configuration and metrics apply (balancers that share a registry need distinct names, or they
 * share breakers); when the balancer uses a custom {@code Ticker}, give the registry's
 * configuration the same time ({@code CircuitBreakerConfig.custom().clock(..)}, with
 * {@link #clock(Ticker)}). {@link #ofDefaults()} uses resilience4j's default configuration, in a
 * registry of each balancer's own, on that balancer's ticker. The breakers of endpoints that leave
 * the balancer, and all of them when it closes, are removed from the registry. A failure reported
 * without an exception ({@code Lease.failure()}) reaches the breaker as a
 * {@link LoadBalancerException} "call failed without an exception".
 *
 * <p>Immutable and thread-safe: a configuration, which may be given to any number of balancers;
 * each gets breakers of its own ({@link #newTracker}).
 */
public final class CircuitBreakerHealthTracker implements HealthPolicy {
  private final @Nullable CircuitBreakerRegistry registry; // null: resilience4j's defaults, per balancer

  private CircuitBreakerHealthTracker(@Nullable CircuitBreakerRegistry registry) {
    this.registry = registry;
  }

  /**
   * A policy whose breakers come from {@code registry} (with its default configuration).
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public static CircuitBreakerHealthTracker of(CircuitBreakerRegistry registry) {
    return new CircuitBreakerHealthTracker(checkNotNull(registry, "registry"));
  }

  /**
   * A policy with resilience4j's default breaker configuration, timed by each balancer's ticker.
   */
  public static CircuitBreakerHealthTracker ofDefaults() {
    return new CircuitBreakerHealthTracker(null);
  }

  /** New breakers for one balancer, created as its endpoints join. */
  @Override
  public HealthTracker newTracker() {
    return new CircuitBreakerTracker(registry);
  }

  /**
   * {@code ticker} as a {@link Clock}, for a breaker configuration that must keep the balancer's
   * time: {@code CircuitBreakerConfig.custom().clock(CircuitBreakerHealthTracker.clock(ticker))}.
   * Its instants count from the ticker's origin, not from the epoch: fit for measuring waits only.
   *
   * @throws NullPointerException if {@code ticker} is null
   */
  public static Clock clock(Ticker ticker) {
    return new TickerClock(checkNotNull(ticker, "ticker"));
  }

  @Override
  public String toString() {
    return "CircuitBreakerHealthTracker{" + (registry == null ? "defaults" : "registry") + '}';
  }

  /** The balancer's ticker as a clock, for resilience4j's open-state wait. */
  private static final class TickerClock extends Clock {
    private final Ticker ticker;

    TickerClock(Ticker ticker) {
      this.ticker = ticker;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      long nanos = ticker.read();
      return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
  }
}
