package dev.roundabout.lb.pick;

import dev.roundabout.lb.ReadyEndpoints;
import org.jspecify.annotations.Nullable;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018): an endpoint
 * may take a call only while its in-flight count stays below its capacity,
 * {@code ceil(c * (total in flight + 1) * weight / total weight)} (the {@code + 1} counts the call
 * being placed), and a key whose endpoint is full walks on to its next candidate. As the
 * capacities add up to more than the calls in flight, some endpoint always has room; no endpoint
 * carries more than about {@code c} times the average.
 *
 * <p>Thread-safe. The in-flight counts are read live and race with other picks, so the bound holds
 * up to the calls placed at the same moment.
 */
final class LoadBound {
  private final ReadyEndpoints ready;
  private final double factor;
  private final int[] weights;
  private final long totalWeight;

  LoadBound(ReadyEndpoints ready, double factor) {
    this.ready = ready;
    this.factor = factor;
    this.weights = Loads.weights(ready);
    long total = 0;
    for (int weight : weights) {
      total += weight;
    }
    this.totalWeight = total;
  }

  /** Returns null for {@code factor == 0} (no bound). */
  static @Nullable LoadBound of(ReadyEndpoints ready, double factor) {
    return factor == 0 ? null : new LoadBound(ready, factor);
  }

  /** Whether the endpoint at {@code index} has no load at all: it has room whatever the total. */
  boolean idle(int index) {
    return ready.inFlight(index) == 0;
  }

  /** The calls in flight over all ready endpoints, read once per walk. */
  long totalInFlight() {
    long total = 0;
    for (int i = 0; i < weights.length; i++) {
      total += ready.inFlight(i);
    }
    return total;
  }

  /** Whether the endpoint at {@code index} is at or above its capacity. */
  boolean full(int index, long totalInFlight) {
    return full(index, ready.inFlight(index), totalInFlight);
  }

  /** Whether the endpoint at {@code index}, carrying {@code load}, is at or above its capacity. */
  boolean full(int index, int load, long totalInFlight) {
    double capacity = Math.ceil(factor * (totalInFlight + 1) * weights[index] / totalWeight);
    return load >= capacity;
  }

  /** The in-flight count of the endpoint at {@code index}, read live. */
  int load(int index) {
    return ready.inFlight(index);
  }

  /**
   * The endpoint with the most room relative to its weight, the lowest {@code inFlight / weight}:
   * where a key goes when its walk found no candidate with room (the counts moved under it).
   */
  int leastLoaded() {
    int best = 0;
    int bestLoad = ready.inFlight(0);
    for (int i = 1; i < weights.length; i++) {
      int load = ready.inFlight(i);
      if (Loads.lighter(load, weights[i], bestLoad, weights[best])) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }
}
