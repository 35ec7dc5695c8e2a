package dev.roundabout.lb.pick;

import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import org.jspecify.annotations.Nullable;

/**
 * The walk of a ring or table hash picker from a key's position to the endpoint that takes the
 * call: the first candidate that has room under the load bound and that slow start admits.
 *
 * <p>The walk is capped at {@code 32 * n} positions (each endpoint appears many times along a
 * ring or table, so this passes every endpoint but with vanishing odds); should it find no
 * candidate, which needs the in-flight counts to move under it, the key goes to the least loaded
 * endpoint (with a bound) or to its own first candidate. An endpoint that slow start turned away
 * is not asked again in the same walk, so its admission stays one draw per pick.
 *
 * <p>Stateless; allocation-free.
 */
final class KeyWalk {
  private static final int WALK_PER_ENDPOINT = 32;
  private static final int REMEMBERED_REFUSALS = 4;

  private KeyWalk() {}

  /** A key's candidates in order of preference, in a circular array: a ring's points, a table's entries. */
  interface Candidates {
    /** The number of positions. */
    int positions();

    /** The ready index of the endpoint at {@code position}. */
    int endpointAt(int position);
  }

  /** Whether a picker must walk at all: with no bound and no endpoint in slow start, the first candidate wins. */
  static boolean needed(@Nullable LoadBound bound, ReadyEndpoints ready) {
    return bound != null || ready.ramping();
  }

  static int choose(
      Candidates candidates, int start, @Nullable LoadBound bound, ReadyEndpoints ready, @Nullable PickTrace trace) {
    int first = candidates.endpointAt(start);
    int n = ready.size();
    if (n == 1) {
      if (trace != null) {
        trace.candidate(first, Double.NaN);
      }
      return first;
    }
    if (trace != null) {
      trace.rule(bound == null ? "the first candidate from the key's position that slow start admits"
          : "the first candidate from the key's position with room under the load bound");
    }
    boolean ramping = ready.ramping();
    int positions = candidates.positions();
    int limit = (int) Math.min(positions, (long) WALK_PER_ENDPOINT * n);
    long total = -1;
    int refused0 = -1;
    int refused1 = -1;
    int refused2 = -1;
    int refused3 = -1;
    int refusals = 0;
    int at = start;
    for (int step = 0; step < limit; step++) {
      int index = step == 0 ? first : candidates.endpointAt(at);
      if (++at == positions) {
        at = 0;
      }
      if (trace != null) {
        trace.candidate(index, Double.NaN);
      }
      if (bound != null) {
        int load = bound.load(index); // one read per candidate; an idle endpoint always has room
        if (load > 0) {
          if (total < 0) {
            total = bound.totalInFlight();
          }
          if (bound.full(index, load, total)) {
            continue;
          }
        }
      }
      if (ramping) {
        if (index == refused0 || index == refused1 || index == refused2 || index == refused3) {
          continue;
        }
        if (refusals < REMEMBERED_REFUSALS && !ready.admit(index)) {
          switch (refusals++) {
            case 0 -> refused0 = index;
            case 1 -> refused1 = index;
            case 2 -> refused2 = index;
            default -> refused3 = index;
          }
          continue;
        }
      }
      return index;
    }
    if (trace != null) {
      trace.rule(bound != null ? "no candidate with room: the least loaded" : "none admitted: the key's own");
    }
    return bound != null ? bound.leastLoaded() : first;
  }
}
