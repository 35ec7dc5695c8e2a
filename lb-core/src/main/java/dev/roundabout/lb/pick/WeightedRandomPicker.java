package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;

/**
 * Random choice in proportion to weight, O(1) per pick: one 64-bit draw from an
 * {@link AliasTable} built at snapshot time.
 *
 * <p>Thread-safe (as the balancer's {@link RandomGenerator} is), lock-free, allocation-free.
 */
final class WeightedRandomPicker implements PickTrace.Explaining {
  static final PickerFactory FACTORY = new NamedFactory("weightedRandom", WeightedRandomPicker::create);

  private final RandomGenerator random;
  private final AliasTable table;

  private WeightedRandomPicker(RandomGenerator random, AliasTable table) {
    this.random = random;
    this.table = table;
  }

  static Picker create(ReadyEndpoints ready) {
    int[] weights = new int[ready.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = ready.effectiveWeight(i);
    }
    return new WeightedRandomPicker(ready.random(), AliasTable.of(weights));
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    return trace.chose(pick(context), "a random draw in proportion to weight");
  }

  @Override
  public int pick(PickContext context) {
    return table.draw(random.nextLong());
  }
}
