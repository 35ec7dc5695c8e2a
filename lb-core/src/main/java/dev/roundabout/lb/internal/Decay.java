package dev.roundabout.lb.internal;

/**
 * The share of an old value that remains after {@code elapsed} with time constant {@code tau}:
 * close to {@code exp(-elapsed / tau)}, in plain arithmetic (a truncated series in the
 * denominator), so that every JVM computes the same bits and a pick pays no transcendental
 * function. Monotone, 1 at 0 and falling toward 0.
 */
public final class Decay {
  private Decay() {}

  /** About {@code exp(-elapsed / tau)}; 1 when {@code elapsed <= 0}. */
  public static double keep(long elapsed, double tau) {
    if (elapsed <= 0) {
      return 1;
    }
    return 1 / growth(elapsed, 1 / tau);
  }

  /**
   * {@code 1 / keep(elapsed, 1 / inverseTau)} without the division, about
   * {@code exp(elapsed / tau)}: for callers that compare decayed values as fractions, and so divide
   * by nothing per value.
   */
  public static double growth(long elapsed, double inverseTau) {
    if (elapsed <= 0) {
      return 1;
    }
    double x = elapsed * inverseTau;
    return 1 + x * (1 + x * (0.5 + x / 6));
  }
}
