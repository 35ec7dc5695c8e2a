package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.ManualHealthTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slow start over 100 s with a 10% floor: an endpoint that joins a pool of nine equal ones takes,
 * at time t, its full share (1/10) times max(0.1, t / 100 s), measured over many picks, with every
 * kind of picker.
 */
class SlowStartTest {
  private static final Duration WINDOW = Duration.ofSeconds(100);
  private static final int PICKS = 100_000;

  static Stream<Arguments> pickers() {
    return Stream.of(
        Arguments.of("roundRobin", Pickers.roundRobin()),
        Arguments.of("weightedRoundRobin", Pickers.weightedRoundRobin()),
        Arguments.of("powerOfTwoChoices", Pickers.powerOfTwoChoices()),
        Arguments.of("ringHash", Pickers.ringHash()),
        Arguments.of("random", Pickers.random()),
        Arguments.of("leastConnections", Pickers.leastConnections()),
        Arguments.of("maglev", Pickers.maglev()),
        Arguments.of("rendezvous", Pickers.rendezvous()),
        Arguments.of("weightedRandom", Pickers.weightedRandom()),
        Arguments.of("peakEwma", Pickers.peakEwma()),
        Arguments.of("adaptive", Pickers.adaptive()),
        Arguments.of("reportedLoad", Pickers.reportedLoad()),
        // No call ends in these tests, so no probe goes out: slow start through the fallback.
        Arguments.of("prequal", Pickers.prequal((endpoint, timeout) -> new java.util.concurrent.CompletableFuture<>())));
  }

  private static List<Endpoint> pool(int count) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      endpoints.add(Endpoint.of("10.0.0." + (i + 1), 80));
    }
    return endpoints;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void aNewEndpoint_rampsLinearlyFromTheFloorToItsFullShare(String name, PickerFactory factory) {
    FakeTicker ticker = new FakeTicker();
    List<Endpoint> ten = pool(10);
    Endpoint newcomer = ten.get(9);
    MutableEndpointSource source = EndpointSource.mutable(ten.subList(0, 9));
    try (LoadBalancer lb =
        LoadBalancer.builder("ramp").executor(Runnable::run).source(source).picker(factory).ticker(ticker)
            .random(new SplittableRandom(8)).slowStart(WINDOW).build()) {
      source.update(ten);
      SplittableRandom keys = new SplittableRandom(9);
      for (int seconds : new int[] {0, 25, 50, 75, 100}) {
        if (seconds > 0) {
          ticker.advance(Duration.ofSeconds(25));
        }
        double factor = Math.max(0.1, seconds / 100.0);
        int hits = 0;
        for (int i = 0; i < PICKS; i++) {
          if (lb.pick(PickContext.ofHash(keys.nextLong())).equals(newcomer)) {
            hits++;
          }
        }
        double share = hits / (double) PICKS;
        // A scaled weight gives f / (9 + f); admission gives between that and f / 10.
        assertThat(share / (factor / 10))
            .as("%s at %d s: share %.4f for a factor %.2f", name, seconds, share, factor)
            .isBetween(0.85, 1.15);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void theFirstList_startsAtFullWeight(String name, PickerFactory factory) {
    List<Endpoint> ten = pool(10);
    try (LoadBalancer lb =
        LoadBalancer.builder("ramp").executor(Runnable::run).endpoints(ten).picker(factory).ticker(new FakeTicker())
            .random(new SplittableRandom(8)).slowStart(WINDOW).build()) {
      SplittableRandom keys = new SplittableRandom(9);
      int hits = 0;
      for (int i = 0; i < PICKS; i++) {
        if (lb.pick(PickContext.ofHash(keys.nextLong())).equals(ten.get(9))) {
          hits++;
        }
      }
      assertThat(hits / (double) PICKS).isBetween(0.085, 0.115);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void anEndpointBackFromEjection_rampsToo(String name, PickerFactory factory) {
    FakeTicker ticker = new FakeTicker();
    ManualHealthTracker tracker = new ManualHealthTracker();
    List<Endpoint> ten = pool(10);
    try (LoadBalancer lb =
        LoadBalancer.builder("ramp").executor(Runnable::run).endpoints(ten).picker(factory).ticker(ticker).healthTracker(() -> tracker)
            .random(new SplittableRandom(8)).slowStart(WINDOW, 20).build()) {
      tracker.set(ten.get(9), EndpointHealth.EJECTED);
      ticker.advance(Duration.ofSeconds(30));
      tracker.set(ten.get(9), EndpointHealth.AVAILABLE);
      SplittableRandom keys = new SplittableRandom(9);
      int hits = 0;
      for (int i = 0; i < PICKS; i++) {
        if (lb.pick(PickContext.ofHash(keys.nextLong())).equals(ten.get(9))) {
          hits++;
        }
      }
      assertThat(hits / (double) PICKS / 0.02).isBetween(0.85, 1.15); // the 20% floor of a tenth
    }
  }
}
