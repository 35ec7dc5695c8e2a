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
 * goes to the endpoint's breaker, and the endpoint's health follows the breaker's state as the
 * breaker reports it (its state-transition events, each of which asks the balancer for a refresh;
 * none rebuilds anything on the thread that caused it):
 *
 * <ul>
 *   <li>CLOSED (and DISABLED, METRICS_ONLY): available.
 *   <li>OPEN: circuit open, no call, for the wait the breaker drew when it opened: from its
 *       {@code waitIntervalFunctionInOpenState} (a fixed wait, an exponential backoff, a
 *       randomized wait: each attempt's own), or from its {@code transitionOnResult}. The tracker
 *       sees that draw as the breaker makes it, reads the breaker's clock, and wakes the balancer
 *       at the first instant the breaker would permit a call (resilience4j permits once its clock
 *       is past the end of the wait); from then on the endpoint is on
 *       {@link EndpointHealth#TRIAL trial}.
 *   <li>On trial, a call goes to the endpoint only through {@code LoadBalancer.acquire}, and only
 *       if the breaker permits it: the tracker asks {@code tryAcquirePermission} there and nowhere
 *       else. resilience4j moves an open breaker to HALF_OPEN only when asked, unless
 *       {@code automaticTransitionFromOpenToHalfOpenEnabled} has its own scheduler do it at the
 *       end of the wait (that transition wakes the balancer too); so without it, the first trial
 *       call is the one that half-opens the breaker.
 *   <li>HALF_OPEN: on trial, for as many calls as the breaker permits; the tracker asks for no
 *       more, so that the breaker's count of calls not permitted stays true. When the trials
 *       succeed the breaker closes and the endpoint is available again; when they fail it opens
 *       for its next wait (the next attempt of its interval function).
 *   <li>FORCED_OPEN: circuit open until the breaker leaves it.
 * </ul>
 *
 * <p>To see the draws, the tracker creates each breaker with a copy of the registry's default
 * configuration whose two functions are wrapped (they return what the originals return). A wait
 * the tracker cannot see leaves the endpoint on trial at once, and every {@code acquire} asks the
 * breaker, which refuses until the wait is over and counts each refusal as a call not permitted:
 * that is a wait set by hand ({@code transitionToOpenStateFor}, {@code transitionToOpenStateUntil})
 * or the wait of a breaker the tracker did not create, already in the registry under the same name
 * (balancers that share a registry need distinct names, or they share breakers).
 *
 * <p>{@link #of(CircuitBreakerRegistry)} takes breakers from your registry, so that your
 * configuration and metrics apply; when the balancer uses a custom {@code Ticker}, give the
 * registry's configuration the same time ({@code CircuitBreakerConfig.custom().clock(..)}, with
 * {@link #clock(Ticker)}). {@link #ofDefaults()} uses resilience4j's default configuration, in a
 * registry of each balancer's own, on that balancer's ticker. The breakers the tracker created
 * leave the registry when their endpoints leave the balancer, and all of them when it closes. A
 * failure reported without an exception ({@code Lease.failure()}) reaches the breaker as a
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
