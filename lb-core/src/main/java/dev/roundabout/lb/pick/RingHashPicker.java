package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.ReadyEndpoints;
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
 * {@code host:port}. An endpoint of weight {@code w} has {@code w * 2^e} points (at least one),
 * with {@code 2^e} the largest power of two that keeps the ring within the configured size. The
 * scale depends only on the total weight and changes only when the total weight crosses a power of
 * two, so adding or removing an endpoint almost always moves nothing but its own keys.
 *
 * <p>The ring is a sorted {@code long[]} built at snapshot time; each point keeps the top 40 bits
 * of its position and, in the low 24 bits, the rank of its endpoint by address (which makes equal
 * positions order the same everywhere). A pick is one binary search. With a load bound, a key
 * whose endpoint is full walks on clockwise.
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class RingHashPicker implements Picker, LoadBound.Candidates {
  static final int DEFAULT_RING_SIZE = 65_536;
  static final int MAX_RING_SIZE = 1 << 23;
  private static final int RANK_BITS = 24;
  private static final long RANK_MASK = (1L << RANK_BITS) - 1;

  private final long[] ring;
  private final int[] indexByRank;
  private final RandomGenerator random;
  private final @Nullable LoadBound bound;

  RingHashPicker(ReadyEndpoints ready, int ringSize, double loadFactor) {
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
      points[i] = pointCount(ready.weight(i), totalWeight, ringSize);
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
    this.random = ready.random();
    this.bound = LoadBound.of(ready, loadFactor);
  }

  /**
   * The points of an endpoint of {@code weight}: {@code weight * 2^e}, at least 1, where
   * {@code 2^e} (possibly a fraction) is the largest power of two with
   * {@code totalWeight * 2^e <= ringSize}.
   */
  static int pointCount(int weight, long totalWeight, int ringSize) {
    if (totalWeight <= ringSize) {
      int shift = 63 - Long.numberOfLeadingZeros(ringSize / totalWeight);
      return weight << shift;
    }
    int shift = 64 - Long.numberOfLeadingZeros((totalWeight - 1) / ringSize);
    return Math.max(1, weight >> shift);
  }

  /** The number of points on the ring. */
  int ringLength() {
    return ring.length;
  }

  @Override
  public int pick(PickContext context) {
    long position = HashKeys.keyHash(context, random) & ~RANK_MASK;
    int at = Arrays.binarySearch(ring, position);
    if (at < 0) {
      at = -at - 1;
    }
    if (at == ring.length) {
      at = 0;
    }
    LoadBound b = bound;
    return b == null ? endpointAt(at) : b.choose(this, at);
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
