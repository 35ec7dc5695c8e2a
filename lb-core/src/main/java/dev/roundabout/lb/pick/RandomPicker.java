package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import java.util.random.RandomGenerator;

/**
 * Uniform random choice, ignoring weights and load: one draw per pick.
 *
 * <p>Thread-safe (as the balancer's {@link RandomGenerator} is), lock-free, allocation-free.
 */
final class RandomPicker implements Picker {
  static final PickerFactory FACTORY =
      new NamedFactory("random", ready -> new RandomPicker(ready.random(), ready.size()));

  private final RandomGenerator random;
  private final int size;

  private RandomPicker(RandomGenerator random, int size) {
    this.random = random;
    this.size = size;
  }

  @Override
  public int pick(PickContext context) {
    return size == 1 ? 0 : random.nextInt(size);
  }
}
