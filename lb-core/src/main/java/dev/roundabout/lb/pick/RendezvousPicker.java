package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.XxHash64;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Rendezvous (highest random weight) hashing, Thaler and Ravishankar: every endpoint scores the
 * key, and the highest score wins. The score of endpoint {@code i} is {@code XXH64(key)} keyed by
 * the hash of its {@code host:port}; with weights it is the logarithmic form
 * {@code w_i / -ln(u_i)}, {@code u_i} that hash taken as a number in (0, 1), so that an endpoint of
 * weight 3 wins three times as many keys as one of weight 1. Removing an endpoint hands each of its
 * keys to the key's second-ranked endpoint and moves nothing else; an endpoint added takes keys
 * only for itself. Needs no table, and costs O(n) per pick: a hash (and with weights a logarithm)
 * per endpoint.
 *
 * <p>Logarithms come from {@link StrictMath}, whose results are the same on every JVM, so the
 * mapping is too. With a load bound, a key whose endpoint is full goes to its next endpoint in
 * score order. Equal scores, which need equal 64-bit hashes, rank by address hash.
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class RendezvousPicker implements Picker {
  private final long[] seeds;
  private final double @Nullable [] weights; // null when all weights are equal: raw hashes rank
  private final RandomGenerator random;
  private final @Nullable LoadBound bound;

  RendezvousPicker(ReadyEndpoints ready, double loadFactor) {
    int n = ready.size();
    this.seeds = HashKeys.addressHashes(ready);
    boolean equal = true;
    for (int i = 1; i < n; i++) {
      equal &= ready.weight(i) == ready.weight(0);
    }
    if (equal) {
      this.weights = null;
    } else {
      this.weights = new double[n];
      for (int i = 0; i < n; i++) {
        weights[i] = ready.weight(i);
      }
    }
    this.random = ready.random();
    this.bound = LoadBound.of(ready, loadFactor);
  }

  @Override
  public int pick(PickContext context) {
    long key = HashKeys.keyHash(context, random);
    int first = next(key, -1);
    LoadBound b = bound;
    if (b == null || b.idle(first)) {
      return first;
    }
    long total = b.totalInFlight();
    int candidate = first;
    for (int step = 1; step < seeds.length; step++) {
      if (!b.full(candidate, total)) {
        return candidate;
      }
      candidate = next(key, candidate);
    }
    return b.full(candidate, total) ? first : candidate;
  }

  /** The endpoint ranked just below {@code above} for {@code key}, or the top one when {@code above < 0}. */
  private int next(long key, int above) {
    return weights == null ? nextByHash(key, above) : nextByScore(key, above, weights);
  }

  private int nextByHash(long key, int above) {
    long ceiling = above < 0 ? 0 : XxHash64.hashLong(key, seeds[above]);
    int best = -1;
    long bestHash = 0;
    for (int i = 0; i < seeds.length; i++) {
      long h = XxHash64.hashLong(key, seeds[i]);
      if (above >= 0 && !below(h, seeds[i], ceiling, seeds[above])) {
        continue;
      }
      if (best < 0 || below(bestHash, seeds[best], h, seeds[i])) {
        best = i;
        bestHash = h;
      }
    }
    return best;
  }

  private int nextByScore(long key, int above, double[] w) {
    double ceiling = above < 0 ? 0 : score(key, above, w);
    int best = -1;
    double bestScore = 0;
    for (int i = 0; i < seeds.length; i++) {
      double s = score(key, i, w);
      if (above >= 0 && !(s < ceiling || s == ceiling && Long.compareUnsigned(seeds[i], seeds[above]) < 0)) {
        continue;
      }
      if (best < 0 || bestScore < s || bestScore == s && Long.compareUnsigned(seeds[best], seeds[i]) < 0) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  private double score(long key, int index, double[] w) {
    long h = XxHash64.hashLong(key, seeds[index]);
    double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // in (0, 1)
    return w[index] / -StrictMath.log(u);
  }

  /** Whether (hash a, tie b) ranks below (hash c, tie d), all unsigned. */
  private static boolean below(long a, long b, long c, long d) {
    int byHash = Long.compareUnsigned(a, c);
    return byHash < 0 || byHash == 0 && Long.compareUnsigned(b, d) < 0;
  }
}
