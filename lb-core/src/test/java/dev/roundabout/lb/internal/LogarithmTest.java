package dev.roundabout.lb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogarithmTest {
  @Test
  void agreesWithStrictMath_onAMillionUnitHashes_withinTheStatedBound() {
    SplittableRandom random = new SplittableRandom(7);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      // The inputs rendezvous hashing gives it: 52 random bits as a number in (0, 1).
      double x = ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52;
      worst = Math.max(worst, relativeError(x));
    }
    assertThat(worst).isLessThanOrEqualTo(Logarithm.MAX_RELATIVE_ERROR);
  }

  @Test
  void agreesWithStrictMath_whereTheTermsCouldCancel_andAtTheEdges() {
    double worst = 0;
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      // Just below the switch to the direct series, just above, and very close to 1.
      worst = Math.max(worst, relativeError(1 - 0x1.0p-9 - random.nextDouble() * 0x1.0p-12));
      worst = Math.max(worst, relativeError(1 - random.nextDouble() * 0x1.0p-9 - 0x1.0p-53));
      // Around every table point and power of two, over the whole range of exponents.
      worst = Math.max(worst, relativeError(Math.scalb(0.5 + random.nextDouble() / 2, -random.nextInt(1021))));
    }
    for (double x : new double[] {Double.MIN_NORMAL, 0x1.0p-53, 0.5, Math.nextDown(0.5), Math.nextUp(0.5),
        Math.nextDown(1.0), 1 - 0x1.0p-9, 0.75, 1e-300}) {
      worst = Math.max(worst, relativeError(x));
    }
    assertThat(worst).isLessThanOrEqualTo(Logarithm.MAX_RELATIVE_ERROR);
  }

  @Test
  void isMonotone_acrossTheSwitchAndTableBoundaries() {
    double x = 1 - 0x1.0p-9 - 1e-12;
    double previous = Logarithm.lnUnit(x);
    for (int i = 0; i < 100_000; i++) {
      x = Math.nextUp(x);
      double next = Logarithm.lnUnit(x);
      assertThat(next).isGreaterThanOrEqualTo(previous);
      previous = next;
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.5, 1.0, 1.5, Double.NaN, Double.MIN_VALUE})
  void refusesWhatIsNotANormalNumberInTheUnitInterval(double x) {
    assertThatThrownBy(() -> Logarithm.lnUnit(x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x: " + x + " (expected: a normal number in (0, 1))");
  }

  private static double relativeError(double x) {
    double exact = StrictMath.log(x);
    return Math.abs((Logarithm.lnUnit(x) - exact) / exact);
  }
}
