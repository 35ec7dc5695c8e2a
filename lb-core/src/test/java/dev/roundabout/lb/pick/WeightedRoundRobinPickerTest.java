package dev.roundabout.lb.pick;

import static dev.roundabout.lb.pick.PickerTesting.balancer;
import static dev.roundabout.lb.pick.PickerTesting.counts;
import static dev.roundabout.lb.pick.PickerTesting.isRotationOf;
import static dev.roundabout.lb.pick.PickerTesting.letters;
import static dev.roundabout.lb.pick.PickerTesting.pickIndexes;
import static dev.roundabout.lb.pick.PickerTesting.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.Pickers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinPickerTest {

  @Test
  void weights5_1_1_interleaveAsSmoothWeightedRoundRobin() {
    List<Endpoint> endpoints = weighted(5, 1, 1);
    for (long seed = 0; seed < 20; seed++) {
      try (LoadBalancer lb = balancer(Pickers.weightedRoundRobin(), endpoints, seed)) {
        String picks = letters(pickIndexes(lb, endpoints, 70));
        for (int cycle = 0; cycle < 10; cycle++) {
          assertThat(isRotationOf(picks.substring(cycle * 7, cycle * 7 + 7), "aabacaa"))
              .as("seed %d, cycle %d of %s", seed, cycle, picks)
              .isTrue();
        }
        assertThat(picks).doesNotContain("aaaaa");
      }
    }
  }

  @Test
  void equalWeights_areRoundRobin() {
    List<Endpoint> endpoints = weighted(3, 3, 3);
    try (LoadBalancer lb = balancer(Pickers.weightedRoundRobin(), endpoints, 1)) {
      int[] picks = pickIndexes(lb, endpoints, 30);
      for (int i = 1; i < picks.length; i++) {
        assertThat(picks[i]).isEqualTo((picks[i - 1] + 1) % 3);
      }
    }
  }

  @Test
  void weights_giveExactSharesOverEveryCycle_spreadEvenly() {
    SplittableRandom random = new SplittableRandom(20261125);
    for (int trial = 0; trial < 300; trial++) {
      long seed = random.nextLong();
      SplittableRandom case_ = new SplittableRandom(seed);
      int n = case_.nextInt(2, 13);
      int maxWeight = new int[] {3, 10, 50, 200}[case_.nextInt(4)];
      int[] weights = new int[n];
      for (int i = 0; i < n; i++) {
        weights[i] = case_.nextInt(1, maxWeight + 1);
      }
      int gcd = 0;
      for (int w : weights) {
        gcd = gcd(gcd, w);
      }
      int cycle = 0;
      for (int w : weights) {
        cycle += w / gcd;
      }
      List<Endpoint> endpoints = weighted(weights);
      try (LoadBalancer lb = balancer(Pickers.weightedRoundRobin(), endpoints, seed)) {
        int[] picks = pickIndexes(lb, endpoints, 2 * cycle);
        for (int half = 0; half < 2; half++) {
          int[] counts = counts(java.util.Arrays.copyOfRange(picks, half * cycle, (half + 1) * cycle), n);
          for (int i = 0; i < n; i++) {
            assertThat(counts[i]).as("seed %d, weights %s, endpoint %d", seed, java.util.Arrays.toString(weights), i)
                .isEqualTo(weights[i] / gcd);
          }
        }
        // Smoothness: the longest gap between two picks of an endpoint stays within 3x its ideal.
        for (int i = 0; i < n; i++) {
          int ideal = (cycle + weights[i] / gcd - 1) / (weights[i] / gcd);
          int last = -1;
          for (int p = 0; p < picks.length; p++) {
            if (picks[p] == i) {
              if (last >= 0) {
                assertThat(p - last).as("seed %d, weights %s, endpoint %d", seed, java.util.Arrays.toString(weights), i)
                    .isLessThanOrEqualTo(3 * ideal);
              }
              last = p;
            }
          }
        }
      }
    }
  }

  @Test
  void tenThousandEndpoints_getExactSharesOverACycle() {
    SplittableRandom random = new SplittableRandom(99);
    int[] weights = new int[10_000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + random.nextInt(40);
    }
    weights[17] = 10_000; // one heavy endpoint, so that buckets hold many light ones
    long cycle = java.util.Arrays.stream(weights).asLongStream().sum();
    List<Endpoint> endpoints = weighted(weights);
    try (LoadBalancer lb = balancer(Pickers.weightedRoundRobin(), endpoints, 5)) {
      java.util.Map<Endpoint, Integer> index = new java.util.HashMap<>();
      for (int i = 0; i < endpoints.size(); i++) {
        index.put(endpoints.get(i), i);
      }
      int[] counts = new int[weights.length];
      for (long p = 0; p < cycle; p++) {
        counts[index.get(lb.pick())]++;
      }
      // gcd of the weights is 1 (weight 1 is drawn with near certainty; asserted here)
      assertThat(java.util.Arrays.stream(weights).min().getAsInt()).isEqualTo(1);
      assertThat(counts).containsExactly(weights);
    }
  }

  @Test
  void weightChange_takesEffect_andRotationContinues() {
    List<Endpoint> endpoints = weighted(1, 1);
    MutableEndpointSource source = EndpointSource.mutable(endpoints);
    try (LoadBalancer lb =
        LoadBalancer.builder("test").executor(Runnable::run).source(source).picker(Pickers.weightedRoundRobin()).random(new SplittableRandom(1)).build()) {
      assertThat(counts(pickIndexes(lb, endpoints, 10), 2)).containsExactly(5, 5);
      source.add(endpoints.get(0).toBuilder().weight(4).build());
      List<Endpoint> updated = lb.endpoints();
      assertThat(counts(pickIndexes(lb, updated, 50), 2)).containsExactly(40, 10);
    }
  }

  @Test
  void stride_isCoprimeWithTheCycle_andNearTheGoldenRatio() {
    for (long total = 3; total < 5_000; total++) {
      long stride = WeightedRoundRobinPicker.strideFor(total);
      assertThat(stride).isBetween(1L, total - 1);
      assertThat(java.math.BigInteger.valueOf(stride).gcd(java.math.BigInteger.valueOf(total)).longValue())
          .as("gcd(%d, %d)", stride, total)
          .isOne();
      assertThat(Math.abs(stride - total * 0.618)).as("stride %d of %d", stride, total).isLessThanOrEqualTo(66);
    }
    assertThat(WeightedRoundRobinPicker.strideFor(7)).isEqualTo(4);
    assertThat(WeightedRoundRobinPicker.largestQuotient(4, 7)).isEqualTo(3); // 4/7 = [0; 1, 1, 3]
  }

  @Test
  void hugeLine_isScaledToFit_andStillFavoursHeavierEndpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    // 120,000 endpoints of weights 9,999 and 10,000: the line (about 1.2e9) exceeds the 2^30 cap.
    for (int i = 0; i < 120_000; i++) {
      endpoints.add(PickerTesting.endpoint(i, i % 2 == 0 ? 9_999 : 10_000));
    }
    try (LoadBalancer lb = balancer(Pickers.weightedRoundRobin(), endpoints, 3)) {
      java.util.Set<Endpoint> seen = new java.util.HashSet<>();
      for (int i = 0; i < 100_000; i++) {
        seen.add(lb.pick());
      }
      assertThat(seen).hasSizeGreaterThan(90_000);
    }
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Test
  void twoThreads_eachEndpointsShareStaysWithinOnePercentOfItsWeight() throws Exception {
    List<Endpoint> endpoints = weighted(1, 2, 3, 4, 1, 2, 3);
    int perThread = 50_000;
    int[] counts;
    try (LoadBalancer lb = LoadBalancer.builder("test").executor(Runnable::run).endpoints(endpoints).picker(Pickers.weightedRoundRobin()).build()) {
      counts = PickerTesting.pickOnTwoThreads(lb, endpoints, perThread);
    }
    int totalWeight = 16;
    for (int i = 0; i < endpoints.size(); i++) {
      double fair = 2.0 * perThread * endpoints.get(i).weight() / totalWeight;
      assertThat((double) counts[i]).as("endpoint %d", i).isCloseTo(fair, org.assertj.core.data.Offset.offset(fair * 0.01));
    }
  }
}
