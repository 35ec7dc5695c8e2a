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
 * weight) moves only that endpoint's keys. Should the ring exceed its maximum size, every
 * endpoint's count is scaled down to fit (rounded, at least one point); a change then also moves
 * a share of other keys, about its share of the weight.
 *
 * <p>The ring is a sorted {@code long[]} built at snapshot time; each point keeps the top 40 bits
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
    long[] addressHashes = HashKeys.addressHashes(ready);
    long totalWeight = 0;
    for (int i = 0; i < n; i++) {
      totalWeight += ready.weight(i);
    }
    int[] points = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      points[i] = pointCount(ready.weight(i), totalWeight, pointsPerWeight, ringSize);
      total += points[i];
    }
    this.ring = new long[Math.toIntExact(total)];
    int k = 0;
    for (int rank = 0; rank < n; rank++) {
      int index = indexByRank[rank];
      for (int j = 0; j < points[index]; j++) {
        ring[k++] = (XxHash64.hashLong(j, addressHashes[index]) & ~RANK_MASK) | rank;
      }
    }
    Arrays.sort(ring);
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

  /** The bucket of a ring position: its top bits, in the ring's (signed) order. */
  private int bucket(long position) {
    return (int) ((position ^ Long.MIN_VALUE) >>> bucketShift);
  }

  /**
   * The points of an endpoint of {@code weight}: {@code weight * pointsPerWeight} while the ring
   * fits {@code ringSize}, else its share of {@code ringSize}, rounded, at least 1.
   */
  static int pointCount(int weight, long totalWeight, int pointsPerWeight, int ringSize) {
    if (totalWeight * pointsPerWeight <= ringSize) {
      return weight * pointsPerWeight;
    }
    return (int) Math.max(1, Math.round((double) weight * ringSize / totalWeight));
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
