package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Smooth weighted round robin with exact proportions, O(1) per pick.
 *
 * <p>Lay the endpoints' weights end to end on a line of length W (the sum of the weights, each
 * divided by their greatest common divisor): endpoint i owns the interval of its weight. Pick
 * number p of a cycle goes to the owner of point {@code (p * a) mod W}, where the stride {@code a}
 * is coprime with W, so that the W picks of a cycle visit every point once: each endpoint gets
 * exactly its weight per cycle. The stride is close to W / golden ratio, chosen by its continued
 * fraction (see {@link #strideFor}); as with the golden-ratio rotation of the three-distance
 * theorem, the visits of every interval are then spread almost evenly over the cycle, which gives
 * the interleaving of smooth weighted round robin (weights 5, 1, 1 give a a b a c a a, never five
 * of one in a row).
 *
 * <p>Finding the owner of a point is one read in a bucket index over the line (about two buckets
 * per endpoint), then a binary search among the few endpoints that share the bucket: O(1)
 * amortized, O(log n) at worst. The index is built in O(n) at snapshot time. When all weights are
 * equal the picker is plain {@link RoundRobinPicker round robin}.
 *
 * <p>Thread-safe, lock-free, allocation-free. The rotation continues across changes of the list,
 * as in round robin.
 */
final class WeightedRoundRobinPicker implements Rotation.Rotating, PickTrace.Explaining {
  static final PickerFactory FACTORY = new NamedFactory("weightedRoundRobin", WeightedRoundRobinPicker::create);

  private static final double INVERSE_GOLDEN_RATIO = 0.6180339887498949;
  /** The longest weight line; (line - 1)^2 fits a long. */
  static final long MAX_LINE = 1L << 30;
  private static final long GOOD_QUOTIENT = 3;
  private static final long STRIDE_WINDOW = 64;

  /** Positions in the cycle; its length is the length of the weight line. */
  private final Rotation rotation;
  private final long stride;
  /** {@code starts[i]}: where endpoint i's interval begins; ascending, {@code starts[0] == 0}. */
  private final long[] starts;
  /** {@code buckets[b]}: the endpoint that owns point {@code b << shift}. */
  private final int[] buckets;
  private final int shift;

  private WeightedRoundRobinPicker(Rotation rotation, long[] starts) {
    this.rotation = rotation;
    this.starts = starts;
    long total = rotation.length();
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
    int[] weights = new int[ready.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = ready.effectiveWeight(i);
    }
    return over(weights, ready.previous(), ready.random());
  }

  /**
   * A picker over {@code weights} (each at least 1), continuing the rotation of {@code previous}
   * when it has one: plain round robin when the weights are equal.
   */
  static Rotation.Rotating over(int[] weights, @Nullable Picker previous, RandomGenerator random) {
    int n = weights.length;
    int gcd = weights[0];
    boolean equal = true;
    for (int i = 1; i < n; i++) {
      gcd = gcd(gcd, weights[i]);
      equal &= weights[i] == weights[0];
    }
    if (equal) {
      return new RoundRobinPicker(Rotation.continuing(previous, random, n), null);
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += weights[i] / gcd;
    }
    // Keep the line below 2^31 so that point arithmetic fits a long. Only pools of more than
    // 100,000 endpoints of large, unequal weights are scaled, at the cost of exactness.
    double scale = sum > MAX_LINE ? (double) MAX_LINE / sum : 1.0;
    long[] starts = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      starts[i] = total;
      long units = weights[i] / gcd; // exact: gcd divides every weight
      total += scale == 1.0 ? units : Math.max(1, Math.round(units * scale));
    }
    return new WeightedRoundRobinPicker(Rotation.continuing(previous, random, total), starts);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    return trace.chose(pick(context), "the owner of the next point of the weighted rotation");
  }

  @Override
  public int pick(PickContext context) {
    long point = rotation.next() * stride % rotation.length();
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
  public Rotation rotation() {
    return rotation;
  }

  /**
   * The stride for a line of length {@code total >= 3}: coprime with it (so a cycle visits every
   * point once) and close to total / golden ratio. How evenly a stride spreads the visits of an
   * interval depends on the continued fraction of stride / total: small partial quotients give
   * gaps close to the ideal (the golden ratio has only 1s). The stride nearest total / phi is kept
   * when its largest partial quotient is at most {@value #GOOD_QUOTIENT}; otherwise the coprime
   * stride within {@value #STRIDE_WINDOW} of it with the smallest largest quotient is taken. Over
   * random weight sets this keeps every endpoint's longest gap within about 2.5 times its ideal
   * interval.
   */
  static long strideFor(long total) {
    long base = Math.max(1, Math.round(total * INVERSE_GOLDEN_RATIO));
    long nearest = 0;
    for (long delta = 0; nearest == 0; delta++) {
      nearest = coprime(base - delta, total) ? base - delta : coprime(base + delta, total) ? base + delta : 0;
    }
    if (largestQuotient(nearest, total) <= GOOD_QUOTIENT) {
      return nearest;
    }
    long best = nearest;
    long bestQuotient = largestQuotient(nearest, total);
    for (long delta = 1; delta <= STRIDE_WINDOW; delta++) {
      for (long candidate : new long[] {base - delta, base + delta}) {
        if (coprime(candidate, total)) {
          long quotient = largestQuotient(candidate, total);
          if (quotient < bestQuotient) {
            best = candidate;
            bestQuotient = quotient;
          }
        }
      }
    }
    return best;
  }

  private static boolean coprime(long candidate, long total) {
    return candidate >= 1 && candidate < total && gcd(candidate, total) == 1;
  }

  /** The largest partial quotient of the continued fraction of {@code stride / total}. */
  static long largestQuotient(long stride, long total) {
    long largest = 0;
    long x = total;
    long y = stride;
    while (y != 0) {
      long q = x / y;
      largest = Math.max(largest, q);
      long r = x - q * y;
      x = y;
      y = r;
    }
    return largest;
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
