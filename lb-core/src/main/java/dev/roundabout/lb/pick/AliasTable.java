package dev.roundabout.lb.pick;

/**
 * Walker's alias method, built in O(n) with Vose's algorithm: a draw in proportion to weight in
 * O(1), from one 64-bit random number whose high half picks a column and whose low half tosses
 * the column's biased coin (keep the column, or take its alias). Exact to 2^-31 of a column's
 * height; integer arithmetic only, so every JVM draws alike. Immutable.
 */
final class AliasTable {
  /** A coin that always keeps its column; thresholds are in units of 2^-31. */
  private static final int ALWAYS = Integer.MAX_VALUE;

  /** Keep column i when the low 31 bits of the draw are below {@code thresholds[i]}. */
  private final int[] thresholds;
  private final int[] aliases;

  private AliasTable(int[] thresholds, int[] aliases) {
    this.thresholds = thresholds;
    this.aliases = aliases;
  }

  /** The table of {@code weights}, which are positive (their sum fits a long). */
  static AliasTable of(int[] weights) {
    int n = weights.length;
    long total = 0;
    for (int w : weights) {
      total += w;
    }
    // Scaled probabilities: column height n * w / total, exactly in long arithmetic (w * n fits).
    long[] scaled = new long[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = (long) weights[i] * n; // column full when scaled == total
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
    return new AliasTable(thresholds, aliases);
  }

  /** The index that the 64 random bits {@code draw} select. */
  int draw(long draw) {
    int column = (int) (((draw >>> 32) * thresholds.length) >>> 32);
    return ((int) draw & ALWAYS) < thresholds[column] ? column : aliases[column];
  }
}
