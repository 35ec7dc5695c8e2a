package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;

/**
 * Smooth weighted round robin with exact proportions, O(1) per pick.
 *
 * <p>Lay the endpoints' weights end to end on a line of length W (the sum of the weights, each
 * divided by their greatest common divisor): endpoint i owns the interval of its weight. Pick
 * number p of a cycle goes to the owner of point {@code (p * a) mod W}, where the stride {@code a}
 * is coprime with W, so that the W picks of a cycle visit every point once: each endpoint gets
 * exactly its weight per cycle. The stride is the integer closest to W / golden ratio that is
 * coprime with W; by the three-distance theorem the visits of every interval are then spread
 * almost evenly over the cycle, which gives the interleaving of smooth weighted round robin
 * (weights 5, 1, 1 give a a b a c a a, never five of one in a row).
 *
 * <p>Finding the owner of a point is one read in a bucket index over the line (about two buckets
 * per endpoint), then a binary search among the few endpoints that share the bucket: O(1)
 * amortized, O(log n) at worst. The index is built in O(n) at snapshot time. When all weights are
 * equal the picker is plain {@link RoundRobinPicker round robin}.
 *
 * <p>Thread-safe, lock-free, allocation-free. The rotation continues across changes of the list,
 * as in round robin.
 */
final class WeightedRoundRobinPicker implements StripedCursor.Rotating {
  static final PickerFactory FACTORY = new NamedFactory("weightedRoundRobin", WeightedRoundRobinPicker::create);

  private static final double INVERSE_GOLDEN_RATIO = 0.6180339887498949;
  /** The longest weight line; (line - 1)^2 fits a long. */
  static final long MAX_LINE = 1L << 30;

  private final StripedCursor cursor;
  /** The length of the weight line (one cycle). */
  private final long total;
  private final long stride;
  /** {@code starts[i]}: where endpoint i's interval begins; ascending, {@code starts[0] == 0}. */
  private final long[] starts;
  /** {@code buckets[b]}: the endpoint that owns point {@code b << shift}. */
  private final int[] buckets;
  private final int shift;

  private WeightedRoundRobinPicker(StripedCursor cursor, long[] starts, long total) {
    this.cursor = cursor;
    this.starts = starts;
    this.total = total;
    this.stride = strideFor(total);
    int n = starts.length;
    int s = 0;
    while (((total - 1) >>> s) >= 2L * n) {
      s++;
    }
    this.shift = s;
    this.buckets = new int[(int) ((total - 1) >>> s) + 1];
    int owner = 0;
    for (int b = 0; b < buckets.length; b++) {
      long point = (long) b << s;
      while (owner + 1 < n && starts[owner + 1] <= point) {
        owner++;
      }
      buckets[b] = owner;
    }
  }

  static Picker create(ReadyEndpoints ready) {
    StripedCursor cursor = StripedCursor.takeOver(ready.previous(), ready.random());
    int n = ready.size();
    int gcd = ready.weight(0);
    boolean equal = true;
    for (int i = 1; i < n; i++) {
      gcd = gcd(gcd, ready.weight(i));
      equal &= ready.weight(i) == ready.weight(0);
    }
    if (equal) {
      return new RoundRobinPicker(cursor, n);
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += ready.weight(i) / gcd;
    }
    // Keep the line below 2^31 so that point arithmetic fits a long. Only pools of more than
    // 100,000 endpoints of large, unequal weights are scaled, at the cost of exactness.
    double scale = sum > MAX_LINE ? (double) MAX_LINE / sum : 1.0;
    long[] starts = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      starts[i] = total;
      total += scale == 1.0 ? ready.weight(i) / gcd : Math.max(1, Math.round(ready.weight(i) / gcd * scale));
    }
    return new WeightedRoundRobinPicker(cursor, starts, total);
  }

  @Override
  public int pick(PickContext context) {
    long point = cursor.next() % total * stride % total;
    int bucket = (int) (point >>> shift);
    int lo = buckets[bucket];
    int hi = bucket + 1 < buckets.length ? buckets[bucket + 1] : starts.length - 1;
    // The owner is the last endpoint in [lo, hi] whose interval starts at or before the point.
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= point) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public StripedCursor cursor() {
    return cursor;
  }

  /** The stride for a line of length {@code total >= 3}: closest to total / phi, coprime with it. */
  static long strideFor(long total) {
    long base = Math.round(total * INVERSE_GOLDEN_RATIO);
    for (long delta = 0; ; delta++) {
      long below = base - delta;
      if (below >= 1 && gcd(below, total) == 1) {
        return below;
      }
      long above = base + delta;
      if (above < total && gcd(above, total) == 1) {
        return above;
      }
    }
  }

  private static int gcd(int a, int b) {
    return (int) gcd((long) a, (long) b);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
