package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import dev.roundabout.lb.internal.XxHash64;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Ketama-style consistent hashing: each endpoint owns points on a 64-bit ring in proportion to its
 * weight, and a key goes to the owner of the first point at or after the key's hash. Removing an
 * endpoint hands only its own keys to the owners of the next points; adding one takes keys only
 * for itself.
 *
 * <p>Point {@code j} of an endpoint lies at {@code XXH64(j)} keyed by the hash of its
 * {@code host:port}. An endpoint of weight {@code w} has {@code w * pointsPerWeight} points, a
 * number that depends on nothing else, so that adding or removing an endpoint (or changing one's
 * weight) moves only that endpoint's keys. Should the ring exceed its maximum size, every endpoint
 * gets {@code w * k} points, {@code k} the most points per unit of weight that fit: weights keep
 * their exact ratio, and as an endpoint's points are always the first of its sequence, a change
 * that moves {@code k} by one moves only about {@code 1/k} of the other keys (should not even one
 * point per unit of weight fit, each endpoint gets its rounded share, at least one).
 *
 * <p>The ring is a sorted {@code long[]} built at snapshot time, from the previous picker's ring
 * when there is one (only the points of endpoints that came, went or changed weight are hashed and
 * sorted; the rest are merged in order); each point keeps the top 40 bits
 * of its position and, in the low 24 bits, the rank of its endpoint by address (which makes equal
 * positions order the same everywhere). A pick is one binary search, within the bucket of the
 * key's top bits (an index of up to 65,536 buckets built with the ring). With a load bound or slow
 * start, a key whose endpoint is full or not admitted walks on clockwise ({@link KeyWalk}).
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class RingHashPicker implements PickTrace.Explaining, KeyWalk.Candidates {
  static final int DEFAULT_POINTS_PER_WEIGHT = 512;
  static final int MAX_POINTS_PER_WEIGHT = 65_536;
  static final int DEFAULT_RING_SIZE = 1 << 20;
  static final int MAX_RING_SIZE = 1 << 23;
  private static final int RANK_BITS = 24;
  private static final long RANK_MASK = (1L << RANK_BITS) - 1;

  private final long[] ring;
  /** Where each bucket of positions (the top bits) starts in the ring, so a search spans one bucket. */
  private final int[] buckets;
  private final int bucketShift;
  private final int[] indexByRank;
  /** Each rank's address and number of points, and the options: what the next ring may reuse. */
  private final String[] addressByRank;
  private final int[] pointsByRank;
  private final int pointsPerWeight;
  private final int ringSize;
  private final long perWeight;
  private final boolean derived;
  private final ReadyEndpoints ready;
  private final RandomGenerator random;
  private final @Nullable LoadBound bound;
  private final boolean walk; // a load bound, or an endpoint in slow start: fixed for this snapshot

  RingHashPicker(ReadyEndpoints ready, int pointsPerWeight, int ringSize, double loadFactor) {
    int n = ready.size();
    if (n > RANK_MASK + 1) {
      throw new IllegalArgumentException(
          "endpoints: " + n + " (expected: at most " + (RANK_MASK + 1) + " for ringHash)");
    }
    this.indexByRank = HashKeys.byAddress(ready);
    long totalWeight = 0;
    for (int i = 0; i < n; i++) {
      totalWeight += ready.weight(i);
    }
    this.pointsPerWeight = pointsPerWeight;
    this.ringSize = ringSize;
    this.perWeight = perWeight(totalWeight, pointsPerWeight, ringSize);
    this.addressByRank = new String[n];
    this.pointsByRank = new int[n];
    long total = 0;
    for (int rank = 0; rank < n; rank++) {
      int index = indexByRank[rank];
      addressByRank[rank] = ready.endpoint(index).address();
      pointsByRank[rank] = pointCount(ready.weight(index), totalWeight, pointsPerWeight, ringSize);
      total += pointsByRank[rank];
    }
    RingHashPicker from = ready.previous() instanceof RingHashPicker previous && previous.reusableFor(this)
        ? previous
        : null;
    this.derived = from != null;
    this.ring = from != null
        ? from.updatedRing(this, Math.toIntExact(total), ready)
        : fullRing(Math.toIntExact(total), ready);
    int bits = Math.max(1, Math.min(16, 31 - Integer.numberOfLeadingZeros(Math.max(2, ring.length))));
    this.bucketShift = 64 - bits;
    this.buckets = new int[(1 << bits) + 1];
    int p = 0;
    for (int b = 0; b <= 1 << bits; b++) {
      while (p < ring.length && bucket(ring[p]) < b) {
        p++;
      }
      buckets[b] = p;
    }
    this.ready = ready;
    this.random = ready.random();
    this.bound = LoadBound.of(ready, loadFactor);
    this.walk = KeyWalk.needed(bound, ready);
  }

  /** Every endpoint's points, hashed and sorted. */
  private long[] fullRing(int total, ReadyEndpoints ready) {
    long[] points = new long[total];
    int k = 0;
    for (int rank = 0; rank < pointsByRank.length; rank++) {
      k = addPoints(points, k, rank, ready);
    }
    Arrays.sort(points);
    return points;
  }

  /** Writes the points of the endpoint of {@code rank} from {@code at}; returns the next free slot. */
  private int addPoints(long[] points, int at, int rank, ReadyEndpoints ready) {
    long seed = HashKeys.addressHash(ready.endpoint(indexByRank[rank]));
    int k = at;
    for (int j = 0; j < pointsByRank[rank]; j++) {
      points[k++] = (XxHash64.hashLong(j, seed) & ~RANK_MASK) | rank;
    }
    return k;
  }

  /**
   * Whether {@code next}'s ring can be derived from this one: same options and the same points per
   * unit of weight (a full ring gives fewer per unit when the total weight grows past a step).
   */
  private boolean reusableFor(RingHashPicker next) {
    return pointsPerWeight == next.pointsPerWeight && ringSize == next.ringSize
        && perWeight == next.perWeight && perWeight > 0;
  }

  /**
   * {@code next}'s ring from this one, without hashing or sorting what stays: the points of an
   * endpoint present in both with the same count are kept, renumbered to its new rank (ranks
   * follow the order of addresses, so renumbering keeps the order); the points of the others are
   * dropped or computed and sorted, then merged in. The result equals a full rebuild's, element for
   * element, in O(ring + changed points x log).
   */
  private long[] updatedRing(RingHashPicker next, int total, ReadyEndpoints ready) {
    int[] rankInNext = new int[addressByRank.length];
    boolean[] kept = new boolean[next.addressByRank.length];
    int changedPoints = 0;
    int o = 0;
    for (int r = 0; r < next.addressByRank.length; r++) {
      String address = next.addressByRank[r];
      while (o < addressByRank.length && addressByRank[o].compareTo(address) < 0) {
        rankInNext[o++] = -1;
      }
      if (o < addressByRank.length && addressByRank[o].equals(address) && pointsByRank[o] == next.pointsByRank[r]) {
        rankInNext[o++] = r;
        kept[r] = true;
      } else {
        if (o < addressByRank.length && addressByRank[o].equals(address)) {
          rankInNext[o++] = -1; // same endpoint, another weight: its points are computed afresh
        }
        changedPoints += next.pointsByRank[r];
      }
    }
    while (o < addressByRank.length) {
      rankInNext[o++] = -1;
    }
    long[] added = new long[changedPoints];
    int k = 0;
    for (int r = 0; r < kept.length; r++) {
      if (!kept[r]) {
        k = next.addPoints(added, k, r, ready);
      }
    }
    Arrays.sort(added);
    long[] merged = new long[total];
    int m = 0;
    int a = 0;
    for (long point : ring) {
      int r = rankInNext[(int) (point & RANK_MASK)];
      if (r < 0) {
        continue;
      }
      long renumbered = (point & ~RANK_MASK) | r;
      while (a < added.length && added[a] < renumbered) {
        merged[m++] = added[a++];
      }
      merged[m++] = renumbered;
    }
    while (a < added.length) {
      merged[m++] = added[a++];
    }
    return merged;
  }

  /** The bucket of a ring position: its top bits, in the ring's (signed) order. */
  private int bucket(long position) {
    return (int) ((position ^ Long.MIN_VALUE) >>> bucketShift);
  }

  /**
   * The points of an endpoint of {@code weight}: {@code weight * pointsPerWeight} while the ring
   * fits {@code ringSize}; beyond, {@code weight} times the most points per unit of weight that
   * fit; when not even one per unit fits, its share of {@code ringSize}, rounded, at least 1.
   */
  static int pointCount(int weight, long totalWeight, int pointsPerWeight, int ringSize) {
    long perWeight = perWeight(totalWeight, pointsPerWeight, ringSize);
    if (perWeight > 0) {
      return Math.toIntExact(weight * perWeight);
    }
    return (int) Math.max(1, Math.round((double) weight * ringSize / totalWeight));
  }

  /** The points per unit of weight, 0 when the ring cannot give each unit one. */
  private static long perWeight(long totalWeight, int pointsPerWeight, int ringSize) {
    return Math.min(pointsPerWeight, ringSize / Math.max(1, totalWeight));
  }

  /** A copy of the ring's points, in order. */
  long[] points() {
    return ring.clone();
  }

  /** Whether this ring was derived from the previous picker's rather than built in full. */
  boolean derived() {
    return derived;
  }

  /** The number of points on the ring. */
  int ringLength() {
    return ring.length;
  }

  @Override
  public int pick(PickContext context) {
    return choose(context, null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.rule(HashKeys.rule(context, "the owner of the next point on the ring after the key"));
    return choose(context, trace);
  }

  private int choose(PickContext context, @Nullable PickTrace trace) {
    long position = HashKeys.keyHash(context, random) & ~RANK_MASK;
    int b = bucket(position);
    int at = Arrays.binarySearch(ring, buckets[b], buckets[b + 1], position);
    if (at < 0) {
      at = -at - 1; // the first point at or after the position (the next bucket's first, at the end)
    }
    if (at == ring.length) {
      at = 0;
    }
    if (walk) {
      return KeyWalk.choose(this, at, bound, ready, trace);
    }
    int index = endpointAt(at);
    if (trace != null) {
      trace.candidate(index, Double.NaN);
    }
    return index;
  }

  @Override
  public int positions() {
    return ring.length;
  }

  @Override
  public int endpointAt(int point) {
    return indexByRank[(int) (ring[point] & RANK_MASK)];
  }
}
