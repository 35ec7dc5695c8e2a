package dev.roundabout.lb.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The latencies of the last few seconds, as a log-linear histogram: a percentile of them costs a
 * walk over a fixed array, and recording one is an index computation and an atomic increment (no
 * allocation, no lock). Values are kept to within 1/8 of their power of two (12.5%), from 1 µs to
 * about 18 minutes; smaller and larger values count in the end buckets.
 *
 * <p>Time is cut in slices of {@code windowNanos / 2}; the histogram holds the current slice and
 * the one before it, so a percentile covers between half a window and a whole window of samples.
 *
 * <p>Thread-safe. Recording races with a slice change: a thread that read the slice index just
 * before the change records into the slice that has just become the previous one, which is still
 * counted; a sample can be lost only by a thread that stalled across two changes. The percentile
 * is recomputed at most once per {@code refreshNanos}, and in between read from one volatile field.
 */
public final class RecentLatencies {
  private static final int MIN_EXPONENT = 10; // 2^10 ns, about 1 µs
  private static final int MAX_EXPONENT = 40; // 2^40 ns, about 18 minutes
  private static final int SUB_BITS = 3;
  private static final int SUBS = 1 << SUB_BITS;
  static final int BUCKETS = (MAX_EXPONENT - MIN_EXPONENT + 1) * SUBS;

  private final long sliceNanos;
  private final long refreshNanos;
  private final AtomicLongArray[] slices = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
  private volatile int current;
  /** When the current slice began, in ticker time (compared by differences only). */
  private volatile long sliceStart;
  private volatile boolean started;
  /** The last percentile computed, -1 when too few samples; and when it was computed. */
  private volatile long cached = -1;
  private volatile long cachedAt;
  private volatile boolean computed;

  /**
   * Latencies of the last {@code windowNanos} (at least half of it), with percentiles recomputed
   * at most every {@code refreshNanos}.
   */
  public RecentLatencies(long windowNanos, long refreshNanos) {
    Preconditions.checkArgument(windowNanos >= 2, "windowNanos", windowNanos, "2 or more");
    Preconditions.checkArgument(refreshNanos >= 0, "refreshNanos", refreshNanos, "0 or more");
    this.sliceNanos = windowNanos / 2;
    this.refreshNanos = refreshNanos;
  }

  /** Records {@code latencyNanos} (clamped to the histogram's range) at {@code nowNanos}. */
  public void record(long latencyNanos, long nowNanos) {
    advance(nowNanos);
    slices[current].incrementAndGet(bucketOf(latencyNanos));
  }

  /**
   * The latency at {@code percentile} (0 to 100, exclusive) of the samples held at
   * {@code nowNanos}, as the upper bound of its bucket; -1 when they are fewer than
   * {@code minSamples}. Recomputed at most every {@code refreshNanos}.
   */
  public long percentile(double percentile, long minSamples, long nowNanos) {
    advance(nowNanos);
    if (computed && nowNanos - cachedAt < refreshNanos) {
      return cached;
    }
    long value = compute(percentile, minSamples);
    cached = value;
    cachedAt = nowNanos;
    computed = true;
    return value;
  }

  private long compute(double percentile, long minSamples) {
    AtomicLongArray a = slices[0];
    AtomicLongArray b = slices[1];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += a.get(i) + b.get(i);
    }
    if (total < Math.max(1, minSamples)) {
      return -1;
    }
    long rank = (long) Math.ceil(percentile / 100 * total); // nearest rank, 1-based
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += a.get(i) + b.get(i);
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(BUCKETS - 1);
  }

  private void advance(long nowNanos) {
    if (started && nowNanos - sliceStart < sliceNanos) {
      return;
    }
    synchronized (this) {
      long elapsed = nowNanos - sliceStart;
      if (!started || elapsed >= 2 * sliceNanos) {
        clear(slices[0]);
        clear(slices[1]);
        sliceStart = nowNanos;
        started = true;
        computed = false;
      } else if (elapsed >= sliceNanos) {
        int next = 1 - current;
        clear(slices[next]);
        sliceStart += sliceNanos;
        current = next;
        computed = false;
      }
    }
  }

  private static void clear(AtomicLongArray counts) {
    for (int i = 0; i < BUCKETS; i++) {
      counts.set(i, 0);
    }
  }

  /** The bucket of {@code nanos}: 8 per power of two. */
  static int bucketOf(long nanos) {
    if (nanos < (1L << MIN_EXPONENT)) {
      return 0;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(nanos);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (nanos >>> (exponent - SUB_BITS)) & (SUBS - 1);
    return (exponent - MIN_EXPONENT) * SUBS + sub;
  }

  /** The largest value of bucket {@code index}. */
  static long upperBound(int index) {
    int exponent = index / SUBS + MIN_EXPONENT;
    int sub = index % SUBS;
    return (1L << exponent) + ((long) (sub + 1) << (exponent - SUB_BITS)) - 1;
  }
}
