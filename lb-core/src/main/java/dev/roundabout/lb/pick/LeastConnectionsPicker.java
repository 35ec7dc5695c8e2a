package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Least connections: the endpoint whose load after taking this call, {@code (inFlight + 1) /
 * weight}, is the lowest (so an endpoint of weight 3 carries three times the calls of one of weight
 * 1 before it stops being preferred). Ties are broken at random: the scan starts at a random
 * endpoint and keeps the first lowest one, so an idle pool does not herd onto its first endpoint.
 *
 * <p>O(n) per pick: every in-flight count is read. Thread-safe, lock-free, allocation-free; the
 * counts are read live, so two concurrent picks may both choose the same idle endpoint.
 */
final class LeastConnectionsPicker implements PickTrace.Explaining {
  static final PickerFactory FACTORY =
      new NamedFactory("leastConnections", LeastConnectionsPicker::new);

  private final ReadyEndpoints ready;
  private final int[] weights;
  private final boolean ramping; // an endpoint in slow start: fixed for this snapshot
  private final boolean uniform; // every weight equal: ties are broken by the random start

  private LeastConnectionsPicker(ReadyEndpoints ready) {
    this.ready = ready;
    this.weights = Loads.weights(ready);
    this.ramping = ready.ramping();
    this.uniform = Loads.uniform(weights);
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.scoredBy("load", false);
    trace.rule("the lowest (inFlight + 1) / weight");
    return choose(trace);
  }

  private int choose(@Nullable PickTrace trace) {
    int n = weights.length;
    if (n == 1) {
      if (trace != null) {
        trace.onlyEndpoint((ready.inFlight(0) + 1.0) / weights[0]);
      }
      return 0;
    }
    RandomGenerator random = ready.random();
    int start = random.nextInt(n);
    int best = -1;
    int bestLoad = 0;
    int bestWeight = 1;
    int idle = -1; // while ramping: among endpoints with no call in flight, one drawn in proportion to weight
    long idleWeights = 0;
    int i = start;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (ramping && !ready.admit(i)) {
        continue; // slow start: a ramping endpoint competes only when admitted
      }
      int inFlight = ready.inFlight(i);
      int load = inFlight + 1;
      if (trace != null) {
        trace.candidate(i, load / (double) weights[i]);
      }
      if (best < 0 || Loads.lighter(load, weights[i], bestLoad, bestWeight)) {
        best = i;
        bestLoad = load;
        bestWeight = weights[i];
      }
      if (inFlight == 0 && !uniform) {
        idleWeights += weights[i];
        if (ramping && random.nextLong(idleWeights) < weights[i]) {
          idle = i; // the admitted set is known only in this pass: a draw per idle endpoint
        }
      }
    }
    if (best < 0) {
      if (trace != null) {
        trace.rule("none admitted by slow start: the first scanned");
      }
      return start;
    }
    // When the lightest endpoint is idle, weights bias the choice among the idle ones instead of
    // deciding it: every client with no call in flight would otherwise pick the heaviest endpoint.
    if (bestLoad == 1 && idleWeights > 0) {
      if (!ramping) {
        idle = idleDrawnByWeight(start, random.nextLong(idleWeights), best);
      }
      if (idle >= 0) {
        if (trace != null) {
          trace.rule("an idle endpoint drawn in proportion to weight");
        }
        return idle;
      }
    }
    return best;
  }

  /**
   * The idle endpoint at weight offset {@code draw} among the idle endpoints, walked from
   * {@code start} as the scan walked them: one draw for the whole pool instead of one per idle
   * endpoint. A count that changed since the scan can leave the draw past the last idle endpoint:
   * then {@code fallback}, the scan's choice.
   */
  private int idleDrawnByWeight(int start, long draw, int fallback) {
    int n = weights.length;
    long left = draw;
    int i = start;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (ready.inFlight(i) == 0) {
        left -= weights[i];
        if (left < 0) {
          return i;
        }
      }
    }
    return fallback;
  }
}
