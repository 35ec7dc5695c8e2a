package dev.roundabout.lb.pick;

import static dev.roundabout.lb.pick.PickerTesting.balancer;
import static dev.roundabout.lb.pick.PickerTesting.counts;
import static dev.roundabout.lb.pick.PickerTesting.pickIndexes;
import static dev.roundabout.lb.pick.PickerTesting.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Pickers;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomPickersTest {

  @Test
  void random_isUniform_ignoringWeights() {
    long seed = 11;
    List<Endpoint> endpoints = weighted(1, 2, 3, 4, 5, 6);
    try (LoadBalancer lb = balancer(Pickers.random(), endpoints, seed)) {
      int[] counts = counts(pickIndexes(lb, endpoints, 60_000), 6);
      for (int count : counts) {
        assertThat(count).as("seed %d, counts %s", seed, Arrays.toString(counts)).isBetween(9_500, 10_500);
      }
    }
  }

  @Test
  void random_isDeterministicUnderASeed() {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1, 1);
    int[] first;
    int[] second;
    try (LoadBalancer lb = balancer(Pickers.random(), endpoints, 5)) {
      first = pickIndexes(lb, endpoints, 100);
    }
    try (LoadBalancer lb = balancer(Pickers.random(), endpoints, 5)) {
      second = pickIndexes(lb, endpoints, 100);
    }
    assertThat(first).containsExactly(second);
  }

  @Test
  void weightedRandom_followsWeights() {
    long seed = 12;
    List<Endpoint> endpoints = weighted(1, 2, 3, 4);
    try (LoadBalancer lb = balancer(Pickers.weightedRandom(), endpoints, seed)) {
      int[] counts = counts(pickIndexes(lb, endpoints, 100_000), 4);
      for (int i = 0; i < 4; i++) {
        double expected = 100_000 * (i + 1) / 10.0;
        assertThat((double) counts[i])
            .as("seed %d, counts %s", seed, Arrays.toString(counts))
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(expected * 0.03));
      }
    }
  }

  @Test
  void weightedRandom_aliasTableMatchesWeights_forRandomWeightSets() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 40; trial++) {
      long seed = random.nextLong();
      SplittableRandom case_ = new SplittableRandom(seed);
      int n = case_.nextInt(2, 40);
      int[] weights = new int[n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = case_.nextInt(1, case_.nextBoolean() ? 10 : 10_001);
        total += weights[i];
      }
      List<Endpoint> endpoints = weighted(weights);
      int picks = 200_000;
      try (LoadBalancer lb = balancer(Pickers.weightedRandom(), endpoints, seed)) {
        int[] counts = counts(pickIndexes(lb, endpoints, picks), n);
        for (int i = 0; i < n; i++) {
          double expected = (double) picks * weights[i] / total;
          // five standard deviations, plus one pick
          double bound = 5 * Math.sqrt(expected) + 1;
          assertThat((double) counts[i])
              .as("seed %d, weights %s, endpoint %d", seed, Arrays.toString(weights), i)
              .isCloseTo(expected, org.assertj.core.data.Offset.offset(bound));
        }
      }
    }
  }
}
