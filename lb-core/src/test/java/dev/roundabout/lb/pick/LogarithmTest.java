package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogarithmTest {

  @Test
  void agreesWithStrictMath_withinAFewUlps_overTheUnitInterval() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1_000_000; i++) {
      double u = ((random.nextLong() >>> 12) + 0.5) * 0x1.0p-52; // as rendezvous draws it
      double expected = StrictMath.log(u);
      assertThat(Math.abs(Logarithm.ln(u) - expected)).as("ln(%s)", u).isLessThanOrEqualTo(4 * Math.ulp(expected));
    }
  }

  @Test
  void exactPoints() {
    assertThat(Logarithm.ln(1.0)).isZero();
    assertThat(Logarithm.ln(0.5)).isEqualTo(-StrictMath.log(2), org.assertj.core.data.Offset.offset(1e-16));
    assertThat(Logarithm.ln(0x1.0p-52)).isCloseTo(-52 * StrictMath.log(2), org.assertj.core.data.Offset.offset(1e-13));
  }
}
