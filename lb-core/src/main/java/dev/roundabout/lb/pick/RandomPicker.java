package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import org.jspecify.annotations.Nullable;
import java.util.random.RandomGenerator;

/**
 * Uniform random choice, ignoring weights and load: one draw per pick.
 *
 * <p>Thread-safe (as the balancer's {@link RandomGenerator} is), lock-free, allocation-free.
 */
final class RandomPicker implements Picker {
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
    if (size == 1) {
      return 0;
    }
    int index = random.nextInt(size);
    ReadyEndpoints r = ramping;
    for (int draw = 1; r != null && draw < MAX_DRAWS && !r.admit(index); draw++) {
      index = random.nextInt(size); // slow start turned it away: draw again
    }
    return index;
  }
}
