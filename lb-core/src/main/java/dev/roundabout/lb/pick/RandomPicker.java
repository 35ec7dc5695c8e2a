package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Uniform random choice, ignoring weights and load: one draw per pick.
 *
 * <p>Thread-safe (as the balancer's {@link RandomGenerator} is), lock-free, allocation-free.
 */
final class RandomPicker implements PickTrace.Explaining {
  static final PickerFactory FACTORY =
      new NamedFactory("random", RandomPicker::new);

  /** Draws per pick at most while slow start turns endpoints away. */
  private static final int MAX_DRAWS = 8;

  private final RandomGenerator random;
  private final int size;
  private final @Nullable ReadyEndpoints ramping; // the ready list while some endpoint is in slow start

  private RandomPicker(ReadyEndpoints ready) {
    this.random = ready.random();
    this.size = ready.size();
    this.ramping = ready.ramping() ? ready : null;
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.rule(ramping == null ? "a uniform random draw" : "a uniform random draw that slow start admits");
    return choose(trace);
  }

  private int choose(@Nullable PickTrace trace) {
    if (size == 1) {
      if (trace != null) {
        trace.onlyEndpoint(Double.NaN);
      }
      return 0;
    }
    int index = random.nextInt(size);
    ReadyEndpoints r = ramping;
    for (int draw = 1; r != null && draw < MAX_DRAWS && !r.admit(index); draw++) {
      if (trace != null) {
        trace.candidate(index, Double.NaN);
      }
      index = random.nextInt(size); // slow start turned it away: draw again
    }
    if (trace != null) {
      trace.candidate(index, Double.NaN);
    }
    return index;
  }
}
