package dev.roundabout.lb.sim;

import java.time.Duration;

/**
 * A distribution of service times, sampled by inverse transform from one uniform number, with
 * {@code StrictMath} so that every JVM draws the same values. Immutable and thread-safe.
 */
public abstract class Distribution {
  private final double meanNanos;

  private Distribution(double meanNanos) {
    this.meanNanos = meanNanos;
  }

  /** Always {@code value}. */
  public static Distribution constant(Duration value) {
    double v = positiveNanos(value, "value");
    return new Distribution(v) {
      @Override
      double sample(double u) {
        return v;
      }

      @Override
      public String toString() {
        return "constant(" + value + ")";
      }
    };
  }

  /** Exponential with mean {@code mean} (an M/M/c server's service time). */
  public static Distribution exponential(Duration mean) {
    double m = positiveNanos(mean, "mean");
    return new Distribution(m) {
      @Override
      double sample(double u) {
        return -m * StrictMath.log1p(-u);
      }

      @Override
      public String toString() {
        return "exponential(mean " + mean + ")";
      }
    };
  }

  /**
   * Log-normal with median {@code median} and shape {@code sigma} (the standard deviation of the
   * logarithm; 0.5 to 1 is typical of service times).
   *
   * @throws IllegalArgumentException if {@code sigma} is not in (0, 5]
   */
  public static Distribution logNormal(Duration median, double sigma) {
    double med = positiveNanos(median, "median");
    if (!(sigma > 0 && sigma <= 5)) {
      throw new IllegalArgumentException("sigma: " + sigma + " (expected: more than 0, at most 5)");
    }
    return new Distribution(med * StrictMath.exp(sigma * sigma / 2)) {
      @Override
      double sample(double u) {
        return med * StrictMath.exp(sigma * NormalQuantile.of(u));
      }

      @Override
      public String toString() {
        return "logNormal(median " + median + ", sigma " + sigma + ")";
      }
    };
  }

  /**
   * Heavy-tailed: Pareto with mean {@code mean} and tail index {@code shape} (smaller is heavier;
   * above 1 so that the mean exists, 1.5 to 2.5 is typical of the long tails of real services).
   *
   * @throws IllegalArgumentException if {@code shape} is not in (1, 10]
   */
  public static Distribution pareto(Duration mean, double shape) {
    double m = positiveNanos(mean, "mean");
    if (!(shape > 1 && shape <= 10)) {
      throw new IllegalArgumentException("shape: " + shape + " (expected: more than 1, at most 10)");
    }
    double scale = m * (shape - 1) / shape;
    return new Distribution(m) {
      @Override
      double sample(double u) {
        return scale / StrictMath.pow(1 - u, 1 / shape);
      }

      @Override
      public String toString() {
        return "pareto(mean " + mean + ", shape " + shape + ")";
      }
    };
  }

  /** The mean in nanoseconds. */
  public final double meanNanos() {
    return meanNanos;
  }

  /** The value at quantile {@code u} in [0, 1), in nanoseconds. */
  abstract double sample(double u);

  private static double positiveNanos(Duration d, String name) {
    if (d == null) {
      throw new NullPointerException(name);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: a positive duration)");
    }
    return d.toNanos();
  }

  /** The standard normal quantile function, a rational approximation (relative error below 1.2e-9). */
  static final class NormalQuantile {
    private static final double[] A = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    private static final double[] B = {
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01
    };
    private static final double[] C = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    private static final double[] D = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    private static final double LOW = 0.02425;

    private NormalQuantile() {}

    static double of(double u) {
      double p = Math.min(Math.max(u, 1e-300), 1 - 1e-16);
      if (p < LOW) {
        double q = StrictMath.sqrt(-2 * StrictMath.log(p));
        return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
      }
      if (p > 1 - LOW) {
        double q = StrictMath.sqrt(-2 * StrictMath.log1p(-p));
        return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
      }
      double q = p - 0.5;
      double r = q * q;
      return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
          / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }
  }
}
