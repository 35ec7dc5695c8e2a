package dev.roundabout.lb.health;

import java.util.Arrays;

/**
 * Successes and failures over a sliding time window, kept in ten buckets of a tenth of the window
 * each: the counts cover between nine tenths and all of the window.
 *
 * <p>Not thread-safe: the owner guards it.
 */
final class RollingCounts {
  static final int BUCKETS = 10;

  private final long bucketNanos;
  private final long[] successes = new long[BUCKETS];
  private final long[] failures = new long[BUCKETS];
  private long currentBucket = Long.MIN_VALUE;

  RollingCounts(long windowNanos) {
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
  }

  void record(boolean success, long now) {
    advance(now);
    int slot = (int) Math.floorMod(currentBucket, (long) BUCKETS);
    if (success) {
      successes[slot]++;
    } else {
      failures[slot]++;
    }
  }

  long calls(long now) {
    advance(now);
    return sum(successes) + sum(failures);
  }

  long failures(long now) {
    advance(now);
    return sum(failures);
  }

  void clear() {
    Arrays.fill(successes, 0);
    Arrays.fill(failures, 0);
  }

  /** Moves the window to {@code now}, emptying the buckets it left behind. */
  private void advance(long now) {
    long bucket = Math.floorDiv(now, bucketNanos);
    if (currentBucket == Long.MIN_VALUE || bucket - currentBucket >= BUCKETS || bucket < currentBucket) {
      if (currentBucket != Long.MIN_VALUE && bucket != currentBucket) {
        clear();
      }
      currentBucket = bucket;
      return;
    }
    while (currentBucket < bucket) {
      currentBucket++;
      int slot = (int) Math.floorMod(currentBucket, (long) BUCKETS);
      successes[slot] = 0;
      failures[slot] = 0;
    }
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }
}
