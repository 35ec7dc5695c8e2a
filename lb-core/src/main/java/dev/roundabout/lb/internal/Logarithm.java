package dev.roundabout.lb.internal;

/**
 * The natural logarithm of a number in (0, 1) in plain IEEE arithmetic (additions and
 * multiplications, strict in Java 17), so that every JVM computes the same bits, at a few
 * nanoseconds where {@link StrictMath#log} takes about twenty. Within a relative error of
 * {@link #MAX_RELATIVE_ERROR} of the exact logarithm (checked against {@code StrictMath.log}).
 *
 * <p>With {@code x = m 2^e}, {@code m} in [0.5, 1), {@code m} is divided by a table point {@code c}
 * near it (a multiplication by a tabled {@code 1/c}, one of 256), which leaves {@code 1 + r} with
 * {@code |r| <= 2^-9}, whose logarithm a short series gives:
 * {@code ln(x) = e ln 2 - ln(1/c) + ln(1 + r)}, {@code -ln(1/c)} from the table too (computed once
 * with {@code StrictMath}). In [0.5, 1) {@code e} is 0 and nothing cancels; within 2^-9 of 1, where
 * {@code ln(x)} is tiny, the series takes {@code x - 1} (exact) directly.
 */
public final class Logarithm {
  /** The largest relative error of {@link #lnUnit} against the exact logarithm. */
  public static final double MAX_RELATIVE_ERROR = 1e-13;

  private static final int TABLE_BITS = 8;
  private static final double LN2 = 0x1.62e42fefa39efp-1;
  private static final double NEAR_ONE = 1 - 0x1.0p-9;
  /** {@code 1/c} for the middle {@code c} of each 1/512 of [0.5, 1), rounded to a double. */
  private static final double[] INVERSE = new double[1 << TABLE_BITS];
  /** {@code -ln(INVERSE[k])}, the logarithm of exactly the tabled inverse. */
  private static final double[] LOG = new double[1 << TABLE_BITS];

  static {
    for (int k = 0; k < INVERSE.length; k++) {
      INVERSE[k] = 1 / (0.5 + (k + 0.5) / (2 * INVERSE.length));
      LOG[k] = -StrictMath.log(INVERSE[k]);
    }
  }

  private Logarithm() {}

  /**
   * {@code ln(x)} for {@code x} in (0, 1), a normal double.
   *
   * @throws IllegalArgumentException if {@code x} is not in (0, 1) or is subnormal
   */
  public static double lnUnit(double x) {
    if (!(x >= Double.MIN_NORMAL && x < 1)) {
      throw new IllegalArgumentException("x: " + x + " (expected: a normal number in (0, 1))");
    }
    if (x > NEAR_ONE) {
      return log1p(x - 1); // exact difference (Sterbenz): no cancellation with the table's terms
    }
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) (bits >>> 52) - 1022;
    int k = (int) (bits >>> (52 - TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
    double m = Double.longBitsToDouble((bits & 0x000f_ffff_ffff_ffffL) | 0x3fe0_0000_0000_0000L);
    double r = m * INVERSE[k] - 1;
    return exponent * LN2 + LOG[k] + log1p(r);
  }

  /** {@code ln(1 + r)} for {@code |r| <= 2^-9}: the series to the sixth power (relative error below 2^-56). */
  private static double log1p(double r) {
    double r2 = r * r;
    return r - r2 * (0.5 - r * (1.0 / 3 - r * (0.25 - r * (0.2 - r * (1.0 / 6)))));
  }
}
