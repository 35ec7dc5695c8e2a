package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;

/**
 * Least connections: the endpoint whose load after taking this call, {@code (inFlight + 1) /
 * weight}, is the lowest (so an endpoint of weight 3 carries three times the calls of one of weight
 * 1 before it stops being preferred). Ties are broken at random: the scan starts at a random
 * endpoint and keeps the first lowest one, so an idle pool does not herd onto its first endpoint.
 *
 * <p>O(n) per pick: every in-flight count is read. Thread-safe, lock-free, allocation-free; the
 * counts are read live, so two concurrent picks may both choose the same idle endpoint.
 */
final class LeastConnectionsPicker implements Picker {
  static final PickerFactory FACTORY =
      new NamedFactory("leastConnections", LeastConnectionsPicker::new);

  private final ReadyEndpoints ready;
  private final int[] weights;
  private final boolean ramping; // an endpoint in slow start: fixed for this snapshot

  private LeastConnectionsPicker(ReadyEndpoints ready) {
    this.ready = ready;
    this.weights = Loads.weights(ready);
    this.ramping = ready.ramping();
  }

  @Override
  public int pick(PickContext context) {
    int n = weights.length;
    if (n == 1) {
      return 0;
    }
    int start = ready.random().nextInt(n);
    int best = -1;
    int bestLoad = 0;
    int bestWeight = 1;
    int i = start;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      int load = ready.inFlight(i) + 1;
      if ((best < 0 || Loads.lighter(load, weights[i], bestLoad, bestWeight))
          && (!ramping || ready.admit(i))) { // slow start: a ramping endpoint competes only when admitted
        best = i;
        bestLoad = load;
        bestWeight = weights[i];
      }
    }
    return best >= 0 ? best : start;
  }
}
