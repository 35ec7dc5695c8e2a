package dev.roundabout.lb.pick;

/**
 * The natural logarithm in plain IEEE double arithmetic, so that it gives the same bits on every
 * JVM (Java's floating point is strict) at a third of the cost of {@link StrictMath#log}: the
 * argument is split into {@code m * 2^e} with {@code m} in {@code [sqrt(1/2), sqrt(2))}, and
 * {@code ln(m) = 2 atanh((m - 1) / (m + 1))} summed to the 21st power, within a few units in the
 * last place of the exact value.
 *
 * <p>Stateless.
 */
final class Logarithm {
  private static final double LN2_HI = 0x1.62e42fee00000p-1; // ln 2 in two parts: e * LN2_HI is exact
  private static final double LN2_LO = 0x1.a39ef35793c76p-33;
  private static final double SQRT2 = 0x1.6a09e667f3bcdp0;

  private Logarithm() {}

  /** ln(x) for a positive, normal {@code x}. */
  static double ln(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int e = (int) ((bits >>> 52) & 0x7FF) - 1023;
    double m = Double.longBitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
    if (m > SQRT2) {
      m *= 0.5;
      e++;
    }
    double s = (m - 1) / (m + 1);
    double s2 = s * s;
    double p = 1.0 / 21;
    p = p * s2 + 1.0 / 19;
    p = p * s2 + 1.0 / 17;
    p = p * s2 + 1.0 / 15;
    p = p * s2 + 1.0 / 13;
    p = p * s2 + 1.0 / 11;
    p = p * s2 + 1.0 / 9;
    p = p * s2 + 1.0 / 7;
    p = p * s2 + 1.0 / 5;
    p = p * s2 + 1.0 / 3;
    double atanh = s + s * s2 * p;
    return e * LN2_HI + (e * LN2_LO + 2 * atanh);
  }
}
