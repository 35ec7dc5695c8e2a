package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.Logarithm;
import dev.roundabout.lb.internal.PickTrace;
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
 * <p>Logarithms come from {@link Logarithm}, plain IEEE arithmetic whose results are the same on
 * every JVM (within 1e-13 of the exact logarithm), so the mapping is too. With a load bound, a key whose endpoint is full goes to the best-scoring
 * endpoint with room (one more pass); with slow start, an endpoint not admitted hands the key to
 * its next in score order. Equal scores, which need equal 64-bit hashes, rank by address hash.
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class RendezvousPicker implements PickTrace.Explaining {
  private final ReadyEndpoints ready;
  private final long[] seeds;
  private final double @Nullable [] inverseWeights; // null when all weights are equal: raw hashes rank
  // With unequal weights, the endpoints grouped by weight: within a group the highest hash has the
  // highest score, so the top pick takes one logarithm per group rather than one per endpoint.
  private final int[] byWeight; // endpoint indexes, group after group
  private final long[] byWeightSeeds; // their seeds, in the same order
  private final int[] groupEnds; // one past each group's last position in byWeight
  private final double[] groupInverseWeights;
  private final RandomGenerator random;
  private final @Nullable LoadBound bound;

  RendezvousPicker(ReadyEndpoints ready, double loadFactor) {
    int n = ready.size();
    this.ready = ready;
    this.seeds = HashKeys.addressHashes(ready);
    boolean equal = true;
    for (int i = 1; i < n; i++) {
      equal &= ready.weight(i) == ready.weight(0);
    }
    if (equal) {
      this.inverseWeights = null;
      this.byWeight = new int[0];
      this.byWeightSeeds = new long[0];
      this.groupEnds = new int[0];
      this.groupInverseWeights = new double[0];
    } else {
      this.inverseWeights = new double[n];
      for (int i = 0; i < n; i++) {
        inverseWeights[i] = 1.0 / ready.weight(i);
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, java.util.Comparator.comparingInt(ready::weight));
      this.byWeight = new int[n];
      this.byWeightSeeds = new long[n];
      int groups = 0;
      int[] ends = new int[n];
      double[] inverses = new double[n];
      for (int k = 0; k < n; k++) {
        byWeight[k] = order[k];
        byWeightSeeds[k] = seeds[order[k]];
        if (k + 1 == n || ready.weight(order[k + 1]) != ready.weight(order[k])) {
          ends[groups] = k + 1;
          inverses[groups++] = inverseWeights[order[k]];
        }
      }
      this.groupEnds = java.util.Arrays.copyOf(ends, groups);
      this.groupInverseWeights = java.util.Arrays.copyOf(inverses, groups);
    }
    this.random = ready.random();
    this.bound = LoadBound.of(ready, loadFactor);
  }

  @Override
  public int pick(PickContext context) {
    return choose(context, null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.rule(HashKeys.rule(context, "the endpoint that scores the key highest"));
    return choose(context, trace);
  }

  private int choose(PickContext context, @Nullable PickTrace trace) {
    long key = HashKeys.keyHash(context, random);
    int first = next(key, -1, -1);
    if (trace != null) {
      trace.candidate(first, Double.NaN);
    }
    if (!KeyWalk.needed(bound, ready) || seeds.length == 1) {
      return first;
    }
    LoadBound b = bound;
    long total = -1;
    int candidate = first;
    if (b != null && !b.idle(first)) {
      total = b.totalInFlight();
      if (b.full(first, total)) {
        candidate = next(key, -1, total);
        if (trace != null && candidate >= 0) {
          trace.candidate(candidate, Double.NaN);
          trace.rule("the endpoint that scores the key highest among those with room under the load bound");
        }
      }
    }
    for (int refusals = 0; candidate >= 0 && ready.ramping() && refusals < seeds.length; refusals++) {
      if (ready.admit(candidate)) {
        return candidate;
      }
      candidate = next(key, candidate, total); // slow start turned it away: the next in rank
      if (trace != null && candidate >= 0) {
        trace.candidate(candidate, Double.NaN);
        trace.rule("the endpoint that scores the key highest among those slow start admits");
      }
    }
    if (candidate >= 0) {
      return candidate;
    }
    if (trace != null) {
      trace.rule(b != null ? "no candidate with room: the least loaded" : "none admitted: the key's own");
    }
    return b != null ? b.leastLoaded() : first;
  }

  /**
   * The best-scoring endpoint for {@code key} ranked below {@code above} (or the top one when
   * {@code above < 0}) that has room under the load bound (when {@code total >= 0}), or -1.
   * One pass over the endpoints.
   */
  private int next(long key, int above, long total) {
    if (inverseWeights == null) {
      return nextByHash(key, above, total);
    }
    return above < 0 && total < 0 ? topByGroup(key) : nextByScore(key, above, total, inverseWeights);
  }

  /**
   * The top-scoring endpoint for {@code key}, as {@code nextByScore(key, -1, -1, ...)} ranks them,
   * with one logarithm per group of equal weight: within a group the score grows with the hash,
   * so each group's highest hash (the larger address hash on a tie) is its only candidate.
   */
  private int topByGroup(long key) {
    int best = -1;
    double bestScore = 0;
    int start = 0;
    for (int g = 0; g < groupEnds.length; g++) {
      int end = groupEnds[g];
      int top = start;
      long topHash = XxHash64.hashLong(key, byWeightSeeds[start]) >>> 12;
      for (int k = start + 1; k < end; k++) {
        long h = XxHash64.hashLong(key, byWeightSeeds[k]) >>> 12;
        if (h > topHash || (h == topHash && Long.compareUnsigned(byWeightSeeds[top], byWeightSeeds[k]) < 0)) {
          top = k;
          topHash = h;
        }
      }
      double s = Logarithm.lnUnit((topHash + 0.5) * 0x1.0p-52) * groupInverseWeights[g];
      int i = byWeight[top];
      if (best < 0 || bestScore < s || (bestScore == s && Long.compareUnsigned(seeds[best], seeds[i]) < 0)) {
        best = i;
        bestScore = s;
      }
      start = end;
    }
    return best;
  }

  /** The top-scoring endpoint for {@code key} from every endpoint's score; for tests. */
  int topByEveryScore(long key) {
    double[] w = inverseWeights;
    return w == null ? nextByHash(key, -1, -1) : nextByScore(key, -1, -1, w);
  }

  private boolean hasRoom(int index, long total) {
    LoadBound b = bound;
    return total < 0 || b == null || !b.full(index, total);
  }

  private int nextByHash(long key, int above, long total) {
    long ceiling = above < 0 ? 0 : XxHash64.hashLong(key, seeds[above]);
    int best = -1;
    long bestHash = 0;
    for (int i = 0; i < seeds.length; i++) {
      long h = XxHash64.hashLong(key, seeds[i]);
      if (above >= 0 && !below(h, seeds[i], ceiling, seeds[above])) {
        continue;
      }
      if ((best < 0 || below(bestHash, seeds[best], h, seeds[i])) && hasRoom(i, total)) {
        best = i;
        bestHash = h;
      }
    }
    return best;
  }

  private int nextByScore(long key, int above, long total, double[] w) {
    double ceiling = above < 0 ? 0 : score(key, above, w);
    int best = -1;
    double bestScore = 0;
    for (int i = 0; i < seeds.length; i++) {
      double s = score(key, i, w);
      if (above >= 0 && !(s < ceiling || (s == ceiling && Long.compareUnsigned(seeds[i], seeds[above]) < 0))) {
        continue;
      }
      if ((best < 0 || bestScore < s || (bestScore == s && Long.compareUnsigned(seeds[best], seeds[i]) < 0))
          && hasRoom(i, total)) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  /**
   * The endpoint's score for the key, {@code ln(u) / w}: higher is better, the same order as
   * {@code w / -ln(u)} with no division.
   */
  private double score(long key, int index, double[] inverseWeight) {
    long h = XxHash64.hashLong(key, seeds[index]);
    double u = ((h >>> 12) + 0.5) * 0x1.0p-52; // exactly representable, in (0, 1)
    return Logarithm.lnUnit(u) * inverseWeight[index];
  }

  /** Whether (hash a, tie b) ranks below (hash c, tie d), all unsigned. */
  private static boolean below(long a, long b, long c, long d) {
    int byHash = Long.compareUnsigned(a, c);
    return byHash < 0 || (byHash == 0 && Long.compareUnsigned(b, d) < 0);
  }
}
