package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Power of two choices (Mitzenmacher): two distinct endpoints drawn at random, and the one whose
 * load after taking this call, {@code (inFlight + 1) / weight}, is lower (the first drawn on a
 * tie). Nearly as good as least connections at O(1): two draws and two in-flight reads per pick.
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class PowerOfTwoChoicesPicker implements PickTrace.Explaining {
  static final PickerFactory FACTORY =
      new NamedFactory("powerOfTwoChoices", PowerOfTwoChoicesPicker::new);

  private final ReadyEndpoints ready;
  private final RandomGenerator random;
  private final int[] weights;
  private final boolean ramping; // an endpoint in slow start: fixed for this snapshot
  /** Draws in proportion to weight when the weights differ, null when they are all equal. */
  private final @Nullable AliasTable byWeight;

  private PowerOfTwoChoicesPicker(ReadyEndpoints ready) {
    this.ready = ready;
    this.random = ready.random();
    this.weights = Loads.weights(ready);
    this.ramping = ready.ramping();
    this.byWeight = Loads.uniform(weights) ? null : AliasTable.of(weights);
  }

  /**
   * With equal weights and no slow start, the same choice as {@code choose(null)}, in code small
   * enough to be inlined into the balancer's pick (the tracing {@code choose} is not: measured
   * 11.5 ns against 4.2 ns per pick at 16 equal endpoints). Unequal weights go through
   * {@code choose}: a copy of its weighted draw here measured no faster.
   */
  @Override
  public int pick(PickContext context) {
    int n = weights.length;
    if (byWeight != null || ramping || n == 1) {
      return choose(null);
    }
    // As Loads.firstOfTwo and secondOfTwo, written out: with those calls this method is no
    // longer inlined into the balancer's pick (measured 9.2 ns against 4.3 ns for the picker).
    long draw = random.nextLong();
    int a = (int) (((draw >>> 32) * n) >>> 32);
    int b = (int) (((draw & 0xFFFF_FFFFL) * (n - 1)) >>> 32);
    b += b >= a ? 1 : 0;
    return ready.inFlight(b) < ready.inFlight(a) ? b : a; // equal weights: ties to the first drawn
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.scoredBy("load", false);
    trace.rule("the lower (inFlight + 1) / weight of two random candidates");
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
    int a;
    int b;
    AliasTable table = byWeight;
    if (table == null) {
      long draw = random.nextLong(); // one draw, two candidates: a from its high half, b from its low
      a = Loads.firstOfTwo(draw, n);
      b = Loads.secondOfTwo(draw, n, a);
    } else { // unequal weights: candidates drawn in proportion to weight
      a = table.draw(random.nextLong());
      b = table.draw(random.nextLong());
      if (b == a) {
        b = a + 1 + random.nextInt(n - 1);
        b = b >= n ? b - n : b;
      }
    }
    int inFlightA = ready.inFlight(a);
    int inFlightB = ready.inFlight(b);
    if (trace != null) {
      trace.candidate(a, (inFlightA + 1.0) / weights[a]);
      trace.candidate(b, (inFlightB + 1.0) / weights[b]);
    }
    int lighter;
    if (inFlightA == 0 && inFlightB == 0) {
      if (trace != null) {
        trace.rule("both idle: the first drawn");
      }
      // Both idle: the first candidate, drawn in proportion to weight. Comparing (0 + 1) / weight
      // would send every client with no call in flight to the heavier of any two.
      lighter = a;
    } else {
      lighter = Loads.lighter(inFlightB + 1, weights[b], inFlightA + 1, weights[a]) ? b : a;
    }
    if (!ramping || ready.admit(lighter)) {
      return lighter;
    }
    int other = lighter == a ? b : a; // slow start turned the lighter away
    if (trace != null) {
      trace.rule("slow start turned the lighter away: the other candidate, if admitted");
    }
    return ready.admit(other) ? other : lighter;
  }
}
