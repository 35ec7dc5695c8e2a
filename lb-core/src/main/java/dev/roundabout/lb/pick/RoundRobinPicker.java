package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import org.jspecify.annotations.Nullable;

/**
 * Round robin: hands picks out in rotation, 0, 1, 2, 0, 1, 2..., ignoring weights and load. The
 * rotation starts at a random point and continues across changes of the list: the pick after an
 * update goes to the endpoint after the last one picked, not back to the first.
 *
 * <p>Thread-safe, lock-free, allocation-free: one striped counter increment and one division.
 */
final class RoundRobinPicker implements Rotation.Rotating, PickTrace.Explaining {
  static final PickerFactory FACTORY =
      new NamedFactory(
          "roundRobin",
          ready -> new RoundRobinPicker(Rotation.continuing(ready.previous(), ready.random(), ready.size()), ready));

  private final Rotation rotation;
  private final @Nullable ReadyEndpoints ramping; // the ready list while some endpoint is in slow start

  RoundRobinPicker(Rotation rotation, @Nullable ReadyEndpoints ready) {
    this.rotation = rotation;
    this.ramping = ready != null && ready.ramping() ? ready : null;
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.rule("the next in rotation");
    return choose(trace);
  }

  private int choose(@Nullable PickTrace trace) {
    int index = (int) rotation.next();
    ReadyEndpoints r = ramping;
    if (r == null) {
      if (trace != null) {
        trace.candidate(index, Double.NaN);
      }
      return index;
    }
    // Slow start: an endpoint not admitted passes its turn to the next in rotation.
    for (int attempt = 1; attempt < r.size() && !r.admit(index); attempt++) {
      if (trace != null) {
        trace.candidate(index, Double.NaN);
        trace.rule("the next in rotation that slow start admits");
      }
      index = (int) rotation.next();
    }
    if (trace != null) {
      trace.candidate(index, Double.NaN);
    }
    return index;
  }

  @Override
  public Rotation rotation() {
    return rotation;
  }
}
