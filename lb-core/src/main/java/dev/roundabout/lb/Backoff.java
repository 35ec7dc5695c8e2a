package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between retries that grow exponentially from an initial delay to a maximum, with jitter
 * so that many clients that failed together do not retry together: the n-th retry waits
 * {@code min(max, initial x 2^(n-1))}, scaled by a random factor in {@code [1 - jitter, 1]}.
 * Immutable and thread-safe.
 */
public final class Backoff {
  /** The default jitter: 20 percent. */
  public static final double DEFAULT_JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final double jitter;

  private Backoff(long initialNanos, long maxNanos, double jitter) {
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.jitter = jitter;
  }

  /**
   * Exponential backoff from {@code initial} to {@code max}, with {@value #DEFAULT_JITTER} jitter.
   *
   * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is less
   */
  public static Backoff exponential(Duration initial, Duration max) {
    checkNotNull(initial, "initial");
    checkNotNull(max, "max");
    checkArgument(!initial.isNegative() && !initial.isZero(), "initial", initial, "a positive duration");
    checkArgument(max.compareTo(initial) >= 0, "max", max, "at least initial " + initial);
    return new Backoff(initial.toNanos(), max.toNanos(), DEFAULT_JITTER);
  }

  /**
   * This backoff with jitter {@code fraction} (0: none, 1: anywhere from zero to the delay).
   *
   * @throws IllegalArgumentException if {@code fraction} is outside 0-1
   */
  public Backoff jitter(double fraction) {
    checkArgument(fraction >= 0 && fraction <= 1, "jitter", fraction, "0-1");
    return new Backoff(initialNanos, maxNanos, fraction);
  }

  /**
   * The delay before retry number {@code failures} (1 after the first failure), in nanoseconds.
   *
   * @throws IllegalArgumentException if {@code failures} is below 1
   */
  public long delayNanos(int failures, RandomGenerator random) {
    checkArgument(failures >= 1, "failures", failures, "1 or more");
    checkNotNull(random, "random");
    long delay = initialNanos;
    for (int i = 1; i < failures && delay < maxNanos; i++) {
      delay = delay > maxNanos / 2 ? maxNanos : delay * 2;
    }
    delay = Math.min(delay, maxNanos);
    double factor = 1 - jitter * random.nextDouble();
    return Math.max(1, (long) (delay * factor));
  }

  @Override
  public String toString() {
    return "Backoff{" + Duration.ofNanos(initialNanos) + " to " + Duration.ofNanos(maxNanos) + ", jitter " + jitter + '}';
  }
}
