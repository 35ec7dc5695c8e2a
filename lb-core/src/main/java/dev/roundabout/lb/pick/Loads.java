package dev.roundabout.lb.pick;

import dev.roundabout.lb.ReadyEndpoints;

/** Load comparisons shared by the load-aware pickers. */
final class Loads {
  private Loads() {}

  /** Whether {@code load1 / weight1 < load2 / weight2}, exactly (cross-multiplied in long). */
  static boolean lighter(int load1, int weight1, int load2, int weight2) {
    return (long) load1 * weight2 < (long) load2 * weight1;
  }

  /** The weights of {@code ready}, copied into an array for the pick loop. */
  static int[] weights(ReadyEndpoints ready) {
    int[] weights = new int[ready.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = ready.weight(i);
    }
    return weights;
  }

  /** Whether every weight is the same. */
  static boolean uniform(int[] weights) {
    for (int w : weights) {
      if (w != weights[0]) {
        return false;
      }
    }
    return true;
  }

  /** The first of two distinct candidates among {@code n} from one 64-bit draw: its high half. */
  static int firstOfTwo(long draw, int n) {
    return (int) (((draw >>> 32) * n) >>> 32);
  }

  /**
   * The second of two distinct candidates among {@code n} (at least 2) from the same draw: its low
   * half, uniform over the {@code n - 1} endpoints other than {@code first}.
   */
  static int secondOfTwo(long draw, int n, int first) {
    int b = (int) (((draw & 0xFFFF_FFFFL) * (n - 1)) >>> 32);
    return b >= first ? b + 1 : b;
  }
}
