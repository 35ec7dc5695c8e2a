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
    } else {
      this.inverseWeights = new double[n];
      for (int i = 0; i < n; i++) {
        inverseWeights[i] = 1.0 / ready.weight(i);
      }
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
    return inverseWeights == null
        ? nextByHash(key, above, total)
        : nextByScore(key, above, total, inverseWeights);
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
