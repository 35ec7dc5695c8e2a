package dev.roundabout.lb;

import java.util.Arrays;

/**
 * Caps retries so that they cannot multiply the load in an outage: over the last
 * {@value #WINDOW_SECONDS} seconds, retries may add at most {@code percent} of the requests, plus
 * a floor of {@code minRetriesPerSecond} for quiet times. When every endpoint fails, a client
 * therefore sends at most {@code 1 + percent / 100} times its normal load, not {@code maxAttempts}
 * times. The default, {@link #ofDefaults()}, is 20% plus 10 retries a second.
 *
 * <p>Used by the OkHttp interceptor and by lb-sim's simulated clients through {@link RetryRules},
 * and by any client that retries on its own. A hedge ({@link Hedger}) spends from it as a retry
 * does, so that retries and hedges together stay within it. Thread-safe (a lock per request and per retry, not on
 * the pick path). A budget serves one client (one interceptor); the counts are kept in one-second
 * buckets of the ticker time passed in.
 */
public final class RetryBudget {
  /** The window over which requests and retries are counted, in seconds. */
  public static final int WINDOW_SECONDS = 10;

  private static final long SECOND = 1_000_000_000L;

  private final int percent;
  private final int minRetriesPerSecond;
  private final long[] requests = new long[WINDOW_SECONDS];
  private final long[] retries = new long[WINDOW_SECONDS];
  /** When the current one-second bucket began, in ticker time; compared by differences only. */
  private long bucketStart;
  private int slot;
  private boolean started;

  private RetryBudget(int percent, int minRetriesPerSecond) {
    this.percent = percent;
    this.minRetriesPerSecond = minRetriesPerSecond;
  }

  /**
   * A budget of {@code percent} (0 to 100) of recent requests plus {@code minRetriesPerSecond}.
   *
   * @throws IllegalArgumentException if {@code percent} is outside 0-100 or
   *     {@code minRetriesPerSecond} is negative
   */
  public static RetryBudget of(int percent, int minRetriesPerSecond) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent: " + percent + " (expected: 0-100)");
    }
    if (minRetriesPerSecond < 0) {
      throw new IllegalArgumentException("minRetriesPerSecond: " + minRetriesPerSecond + " (expected: 0 or more)");
    }
    return new RetryBudget(percent, minRetriesPerSecond);
  }

  /** 20% of recent requests plus 10 retries a second. */
  public static RetryBudget ofDefaults() {
    return of(20, 10);
  }

  /** Counts one request (its first attempt) at {@code nowNanos}, ticker time. */
  public synchronized void onRequest(long nowNanos) {
    advance(nowNanos);
    requests[slot()]++;
  }

  /** Takes one retry from the budget at {@code nowNanos} if there is one left; true if it did. */
  public synchronized boolean tryRetry(long nowNanos) {
    if (!hasRoom(nowNanos)) {
      return false;
    }
    retries[slot()]++;
    return true;
  }

  /** Whether a retry at {@code nowNanos} would be allowed, without taking it. */
  synchronized boolean hasRoom(long nowNanos) {
    advance(nowNanos);
    long allowed = sum(requests) * percent / 100 + (long) minRetriesPerSecond * WINDOW_SECONDS;
    return sum(retries) < allowed;
  }

  private int slot() {
    return slot;
  }

  /**
   * Moves the window to {@code nowNanos}. Time is compared by differences, as
   * {@code System.nanoTime} requires, so the budget keeps working when the ticker wraps around.
   */
  private void advance(long nowNanos) {
    long elapsed = nowNanos - bucketStart;
    if (!started || elapsed >= WINDOW_SECONDS * SECOND) {
      Arrays.fill(requests, 0);
      Arrays.fill(retries, 0);
      bucketStart = nowNanos;
      slot = 0;
      started = true;
      return;
    }
    while (elapsed >= SECOND) { // at most WINDOW_SECONDS - 1 steps; a negative difference stays put
      slot = (slot + 1) % WINDOW_SECONDS;
      requests[slot] = 0;
      retries[slot] = 0;
      bucketStart += SECOND;
      elapsed -= SECOND;
    }
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  @Override
  public String toString() {
    return "RetryBudget{" + percent + "% + " + minRetriesPerSecond + "/s}";
  }
}
