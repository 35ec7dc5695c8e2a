package dev.roundabout.lb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison table from scores of three rounds (no benchmark runs). */
class CompareTest {
  @Test
  void ratiosAreTakenPerRound_againstThatRoundsFastestPeer_withTheirSpread() {
    Map<String, double[]> scores = new LinkedHashMap<>();
    scores.put("roundRobin|16|1", new double[] {8, 9, 10});
    scores.put("armeriaRoundRobin|16|1", new double[] {10, 10, 10});
    scores.put("grpcRoundRobin|16|1", new double[] {9, 12, 11}); // fastest in round 1 only
    scores.put("atomicIncrementArrayRead|16|1", new double[] {7, 7, 7});
    scores.put("powerOfTwoChoices|16|1", new double[] {20, 21, 19});
    scores.put("grpcLeastRequest|16|1", new double[] {19, 22, 19});

    String table = Compare.table(scores, new String[] {"16"}, 3);

    // 8/9, 9/10, 10/10: ahead only because the highest ratio stays at or below 1.
    assertThat(table).contains(
        "| round robin | 16 | 1 | 9.0 | 10.0 (armeriaRoundRobin) | 0.90 [0.89, 1.00] | yes | 7.0 | 1.29 [1.14, 1.43] |");
    // 20/19, 21/22, 19/19: the median says level, the spread says not ahead.
    assertThat(table).contains(
        "| power of two choices | 16 | 1 | 20.0 | 19.0 (grpcLeastRequest) | 1.00 [0.95, 1.05] | within noise |");
    assertThat(table).doesNotContain("| round robin | 16 | 2 |"); // not measured, not printed
  }

  @Test
  void median_ofAnEvenCount_isTheMeanOfTheMiddleTwo() {
    assertThat(Compare.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Compare.median(new double[] {5, 1, 3})).isEqualTo(3);
  }
}
