package dev.roundabout.lb.health;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.TransitionCheckResult;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Sees the wait one resilience4j breaker draws when it opens, so that the tracker knows when the
 * breaker will permit a call again without asking it. resilience4j keeps the end of an open
 * state's wait to itself; it draws the wait from its configuration, on the thread that opens the
 * breaker, just before it reports the transition on that same thread: from
 * {@code waitIntervalFunctionInOpenState} (a fixed wait, a backoff, a randomized one), or from a
 * {@code transitionOnResult} that opens for a duration or until an instant. {@link #observe}
 * returns the configuration with both functions wrapped: they return what the originals return,
 * and remember it with the drawing thread; the transition event {@link #take}s it.
 *
 * <p>Thread-safe.
 */
final class OpenWaits {
  private @Nullable Thread drawer;
  private @Nullable Duration drawnWait;
  private @Nullable Instant drawnUntil;

  /** {@code base} with its wait-interval and transition-on-result functions observed. */
  CircuitBreakerConfig observe(CircuitBreakerConfig base) {
    IntervalFunction waits = base.getWaitIntervalFunctionInOpenState();
    Function<Either<Object, Throwable>, TransitionCheckResult> onResult = base.getTransitionOnResult();
    IntervalFunction observedWaits = attempt -> {
      Long millis = waits.apply(attempt);
      drawn(millis == null ? null : Duration.ofMillis(millis), null);
      return millis;
    };
    Function<Either<Object, Throwable>, TransitionCheckResult> observedOnResult = result -> {
      TransitionCheckResult check = onResult.apply(result);
      if (check != null && check.isTransitionToOpen()) {
        drawn(check.getWaitDuration(), check.getWaitUntil()); // used if the breaker, closed, opens on it
      }
      return check;
    };
    return CircuitBreakerConfig.from(base)
        .waitIntervalFunctionInOpenState(observedWaits)
        .transitionOnResult(observedOnResult)
        .build();
  }

  private synchronized void drawn(@Nullable Duration wait, @Nullable Instant until) {
    drawer = Thread.currentThread();
    drawnWait = wait;
    drawnUntil = until;
  }

  /**
   * The end of the wait this thread drew since the last transition, computed as the breaker does
   * (its clock now, plus the wait in whole milliseconds; or the instant it was given), or null if
   * this thread drew none; forgets the draw either way.
   */
  synchronized @Nullable Instant take(Clock clock) {
    Instant end = null;
    if (drawer == Thread.currentThread()) {
      Duration wait = drawnWait;
      end = drawnUntil != null ? drawnUntil : wait != null ? clock.instant().plusMillis(wait.toMillis()) : null;
    }
    drawer = null;
    drawnWait = null;
    drawnUntil = null;
    return end;
  }
}
