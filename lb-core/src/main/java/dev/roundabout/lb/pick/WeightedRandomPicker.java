package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;

/**
 * Random choice in proportion to weight, O(1) per pick with Walker's alias method (built in O(n)
 * at snapshot time with Vose's algorithm): one 64-bit draw picks a column with its high half and
 * tosses the column's biased coin with its low half.
 *
 * <p>Thread-safe (as the balancer's {@link RandomGenerator} is), lock-free, allocation-free.
 */
final class WeightedRandomPicker implements PickTrace.Explaining {
  static final PickerFactory FACTORY = new NamedFactory("weightedRandom", WeightedRandomPicker::create);

  /** A coin that always keeps its column; thresholds are in units of 2^-31. */
  private static final int ALWAYS = Integer.MAX_VALUE;

  private final RandomGenerator random;
  /** Keep column i when the low 31 bits of the draw are below {@code thresholds[i]}. */
  private final int[] thresholds;
  private final int[] aliases;

  private WeightedRandomPicker(RandomGenerator random, int[] thresholds, int[] aliases) {
    this.random = random;
    this.thresholds = thresholds;
    this.aliases = aliases;
  }

  static Picker create(ReadyEndpoints ready) {
    int n = ready.size();
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += ready.effectiveWeight(i);
    }
    // Scaled probabilities: column height n * w / total, exactly in long arithmetic (w * n fits).
    long[] scaled = new long[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = (long) ready.effectiveWeight(i) * n; // column full when scaled == total
      if (scaled[i] < total) {
        small[smallCount++] = i;
      } else {
        large[largeCount++] = i;
      }
    }
    int[] thresholds = new int[n];
    int[] aliases = new int[n];
    while (smallCount > 0 && largeCount > 0) {
      int s = small[--smallCount];
      int l = large[--largeCount];
      thresholds[s] = (int) (scaled[s] * (1L << 31) / total);
      aliases[s] = l;
      scaled[l] -= total - scaled[s];
      if (scaled[l] < total) {
        small[smallCount++] = l;
      } else {
        large[largeCount++] = l;
      }
    }
    while (largeCount > 0) {
      int l = large[--largeCount];
      thresholds[l] = ALWAYS;
      aliases[l] = l;
    }
    while (smallCount > 0) { // only from rounding: the column is full
      int s = small[--smallCount];
      thresholds[s] = ALWAYS;
      aliases[s] = s;
    }
    return new WeightedRandomPicker(ready.random(), thresholds, aliases);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    int index = pick(context);
    trace.candidate(index, Double.NaN);
    trace.rule("a random draw in proportion to weight");
    return index;
  }

  @Override
  public int pick(PickContext context) {
    long draw = random.nextLong();
    int column = (int) (((draw >>> 32) * thresholds.length) >>> 32);
    return ((int) draw & ALWAYS) < thresholds[column] ? column : aliases[column];
  }
}
