package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.health.OutlierDetector;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What must hold in small, fixed-seed versions of the report's scenarios: the findings the report
 * is read for, and the oracle as a bound (a picker better than the oracle means the simulator is
 * wrong).
 */
class ScenarioFindingsTest {
  private static final long SEED = 7;
  private static final Duration SHORT = Duration.ofSeconds(20);

  private static SimulationResult run(Scenario scenario, Policy policy) {
    return Simulation.builder().scenario(scenario).policy(policy).seed(SEED).run();
  }

  @Test
  void withOneSlowServer_leastConnectionsAndPowerOfTwoChoices_beatRoundRobinsP99_atLeastTwice() {
    ServerSpec slow = Scenarios.SERVER.speed(0.1);
    Scenario scenario = Scenario.builder("one-slow-server-short")
        .server(slow).servers(9, Scenarios.SERVER)
        .clients(ClientSpec.openLoop(20, 0.9 * (9 * 100 + 10)))
        .duration(SHORT)
        .build();
    double roundRobin = run(scenario, Policy.builtIn("roundRobin")).percentileMillis(0.99);
    double leastConnections = run(scenario, Policy.builtIn("leastConnections")).percentileMillis(0.99);
    double powerOfTwo = run(scenario, Policy.builtIn("powerOfTwoChoices")).percentileMillis(0.99);

    assertThat(leastConnections).as("seed %d: p99 of leastConnections vs roundRobin %s", SEED, roundRobin)
        .isLessThanOrEqualTo(roundRobin / 2);
    assertThat(powerOfTwo).as("seed %d: p99 of powerOfTwoChoices vs roundRobin %s", SEED, roundRobin)
        .isLessThanOrEqualTo(roundRobin / 2);
  }

  @Test
  void fastFailures_withTheOutlierDetector_causeFewerClientVisibleFailures_thanWithout() {
    double without = 1 - run(fastFailures(b -> {}), Policy.builtIn("roundRobin")).successRate();
    double with = 1 - run(fastFailures(b -> b.healthTracker(OutlierDetector.builder().build())),
        Policy.builtIn("roundRobin")).successRate();

    assertThat(without).as("seed %d: failures without detection", SEED).isGreaterThan(0.05);
    assertThat(with).as("seed %d: failures with detection, against %s without", SEED, without)
        .isLessThan(without / 5);
  }

  /** One server of ten fails every call at once from 2 s on; no retries, so failures show. */
  private static Scenario fastFailures(Consumer<dev.roundabout.lb.LoadBalancer.Builder> health) {
    return Scenario.builder("fast-failures-short")
        .servers(10, Scenarios.SERVER)
        .clients(ClientSpec.openLoop(20, 800).maxAttempts(1))
        .duration(SHORT)
        .balancer(health)
        .at(Duration.ofSeconds(2), c -> c.errors(0, 1, true))
        .build();
  }

  @Test
  void linkerdsCase_adaptiveKeeps9995PercentWithinTheTimeout_andPeakEwmaItsPublished999() {
    Scenario linkerd = Scenarios.linkerd();
    double adaptive = run(linkerd, Policy.builtIn("adaptive")).successRate();
    double peakEwma = run(linkerd, Policy.builtIn("peakEwma")).successRate();
    double roundRobin = run(linkerd, Policy.builtIn("roundRobin")).successRate();

    assertThat(adaptive).as("seed %d: adaptive", SEED).isGreaterThanOrEqualTo(0.9995);
    assertThat(peakEwma).as("seed %d: peakEwma", SEED).isGreaterThanOrEqualTo(0.999);
    assertThat(roundRobin).as("seed %d: roundRobin", SEED).isLessThan(0.97);
  }

  @Test
  void fastFailuresWithoutDetection_adaptiveSendsTheFailingServerLessThanItsShare_andLosesNoCall() {
    Scenario scenario = Scenario.builder("fast-failures-no-detection")
        .servers(10, Scenarios.SERVER)
        .clients(ClientSpec.openLoop(20, 800))
        .duration(SHORT)
        .at(Duration.ofSeconds(2), c -> c.errors(0, 1, true))
        .build();
    SimulationResult adaptive = run(scenario, Policy.builtIn("adaptive"));
    SimulationResult peakEwma = run(scenario, Policy.builtIn("peakEwma"));

    assertThat(adaptive.successRate()).as("seed %d", SEED).isGreaterThanOrEqualTo(0.999);
    assertThat(share(adaptive, 0)).as("seed %d: the failing server's share under adaptive", SEED).isLessThan(0.1);
    assertThat(share(peakEwma, 0)).as("seed %d: under peakEwma, a fast failure looks fast", SEED)
        .isGreaterThan(share(adaptive, 0));
  }

  private static double share(SimulationResult result, int server) {
    long[] attempts = result.attemptsPerServer();
    long total = 0;
    for (long a : attempts) {
      total += a;
    }
    return attempts[server] / (double) total;
  }

  @Test
  void adaptive_beatsPeakEwmaAndLeastConnections_onTheSlowAndMixedPools() {
    for (Scenario scenario : List.of(shortened(Scenarios.oneSlowServer(0.1)), shortened(Scenarios.heterogeneous()))) {
      double adaptive = run(scenario, Policy.builtIn("adaptive")).percentileMillis(0.99);
      double peakEwma = run(scenario, Policy.builtIn("peakEwma")).percentileMillis(0.99);
      double leastConnections = run(scenario, Policy.builtIn("leastConnections")).percentileMillis(0.99);
      assertThat(adaptive).as("seed %d: %s p99, peakEwma %s, leastConnections %s", SEED, scenario, peakEwma,
          leastConnections).isLessThan(peakEwma).isLessThan(leastConnections);
    }
  }

  @Test
  void withTrueWeightsAnd200Clients_weightedLoadPickersDoNotHerd() {
    Scenario.Builder b = Scenario.builder("weighted-many-clients");
    double capacity = 0;
    ServerSpec[] servers = new ServerSpec[10];
    for (int i = 0; i < 10; i++) {
      double speed = 0.5 + 1.5 * i / 9;
      servers[i] = Scenarios.SERVER.speed(speed).weight((int) Math.round(speed * 10));
      b.server(servers[i]);
      capacity += servers[i].capacityPerSecond();
    }
    Scenario scenario = b.clients(ClientSpec.openLoop(200, 0.9 * capacity)).duration(SHORT).build();
    for (String picker : List.of("leastConnections", "powerOfTwoChoices")) {
      SimulationResult r = run(scenario, Policy.builtIn(picker));
      long[] attempts = r.attemptsPerServer();
      double busiest = 0;
      double idlest = 1;
      for (int i = 0; i < 10; i++) {
        double utilisation = attempts[i] / (servers[i].capacityPerSecond() * SHORT.toSeconds());
        busiest = Math.max(busiest, utilisation);
        idlest = Math.min(idlest, utilisation);
      }
      assertThat(busiest > 0.95 && idlest < 0.5).as("seed %d: %s, utilisation from %.2f to %.2f", SEED, picker, idlest, busiest)
          .isFalse();
    }
  }

  @Test
  void coldStart_theNewcomerTakesLessThanItsShare_whileSlowStartRuns() {
    Scenario scenario = Scenarios.coldStart(0.2);
    SimulationResult result = run(scenario, Policy.builtIn("roundRobin"));

    int newcomer = 10;
    int during = 0;
    int total = 0;
    for (int i = 0; i < result.calls(); i++) {
      long start = result.callStartNanos(i);
      if (start >= Duration.ofSeconds(20).toNanos() && start < Duration.ofSeconds(35).toNanos()) {
        total++;
        if (result.callServer(i) == newcomer) {
          during++;
        }
      }
    }
    double share = during / (double) total;
    assertThat(share).as("seed %d: the newcomer's share in the first half of slow start", SEED)
        .isGreaterThan(0).isLessThan(1 / 11.0 * 0.6);
  }

  /** Ten servers of speeds 0.5x to 2x, equal weights, 90% of the real capacity, for {@code duration}. */
  private static Scenario.Builder mixedSpeeds(String name, Duration duration) {
    Scenario.Builder b = Scenario.builder(name);
    return b.clients(ClientSpec.openLoop(20, 0.9 * Scenarios.mixedSpeeds(b))).duration(duration);
  }

  @Test
  void reportedLoad_learnsMixedSpeedsWithoutWeights_andLosesNoCallWhereRoundRobinLosesMany() {
    Scenario scenario = mixedSpeeds("mixed-speeds-short", SHORT).build();
    Policy reports = Policy.picker("reportedLoad", Pickers.reportedLoad().blackoutPeriod(Duration.ZERO));
    SimulationResult withReports = run(scenario, reports);
    SimulationResult roundRobin = run(scenario, Policy.builtIn("roundRobin"));

    assertThat(withReports.successRate()).as("seed %d", SEED).isEqualTo(1.0);
    assertThat(roundRobin.successRate()).as("seed %d: roundRobin", SEED).isLessThan(0.95);
    assertThat(withReports.meanMillis()).as("seed %d: mean against roundRobin's %s", SEED, roundRobin.meanMillis())
        .isLessThan(roundRobin.meanMillis() / 5);
    long[] attempts = withReports.attemptsPerServer();
    assertThat(attempts[9]).as("seed %d: the 2x server against the 0.5x one", SEED).isGreaterThan(3 * attempts[0]);
  }

  @Test
  void aServerThatStopsReporting_keepsItsWeightUntilTheExpiry_thenGetsTheMean() {
    Scenario scenario = mixedSpeeds("stale-reports-short", Duration.ofSeconds(40))
        .at(Duration.ofSeconds(10), c -> c.loadReports(9, false))
        .build();
    Policy reports = Policy.picker("reportedLoad", Pickers.reportedLoad().blackoutPeriod(Duration.ZERO)
        .weightExpirationPeriod(Duration.ofSeconds(10)));
    double[][] shares = run(scenario, reports).serverShareOverTime(40); // one slice a second
    double before = meanShare(shares, 9, 12, 20); // still weighed by its last report: 2x of 12.5x
    double after = meanShare(shares, 9, 22, 40); // expired at about 20 s: the mean weight, a tenth

    assertThat(before).as("seed %d: share before the expiry", SEED).isBetween(0.13, 0.19);
    assertThat(after).as("seed %d: share after the expiry", SEED).isBetween(0.09, 0.11);
  }

  private static double meanShare(double[][] shares, int server, int from, int to) {
    double sum = 0;
    for (int b = from; b < to; b++) {
      sum += shares[b][server];
    }
    return sum / (to - from);
  }

  @Test
  void noPickerBeatsTheOracles_beyondNoise() {
    for (Scenario scenario : List.of(
        shortened(Scenarios.simplest()), shortened(Scenarios.oneSlowServer(0.1)), shortened(Scenarios.heterogeneous()))) {
      double oracle = Double.MAX_VALUE;
      for (Policy p : Policy.oracles()) {
        oracle = Math.min(oracle, run(scenario, p).meanMillis());
      }
      for (Policy p : Policy.builtInPickers()) {
        double mean = run(scenario, p).meanMillis();
        assertThat(mean).as("seed %d: %s / %s mean vs the best oracle's %s ms", SEED, scenario, p, oracle)
            .isGreaterThan(oracle * 0.95);
      }
    }
  }

  /** The same servers and clients for 20 s. */
  private static Scenario shortened(Scenario full) {
    Scenario.Builder b = Scenario.builder(full.name()).clients(full.clients()).duration(SHORT);
    for (ServerSpec s : full.servers()) {
      b.server(s);
    }
    return b.build();
  }

  @Test
  void oneSeed_givesTheSameCalls_andAnotherSeedDoesNot() {
    Scenario scenario = shortened(Scenarios.oneSlowServer(0.1));
    SimulationResult first = run(scenario, Policy.builtIn("powerOfTwoChoices"));
    SimulationResult again = run(scenario, Policy.builtIn("powerOfTwoChoices"));
    SimulationResult other = Simulation.builder().scenario(scenario).policy(Policy.builtIn("powerOfTwoChoices")).seed(SEED + 1).run();

    assertThat(fingerprint(again)).isEqualTo(fingerprint(first));
    assertThat(fingerprint(other)).isNotEqualTo(fingerprint(first));
  }

  @Test
  void everyPolicy_seesTheSameArrivals() {
    Scenario scenario = shortened(Scenarios.simplest());
    SimulationResult a = run(scenario, Policy.builtIn("roundRobin"));
    SimulationResult b = run(scenario, Policy.joinShortestQueue());

    assertThat(b.calls()).isEqualTo(a.calls());
    for (int i = 0; i < a.calls(); i += 97) {
      assertThat(b.callStartNanos(i)).isEqualTo(a.callStartNanos(i));
    }
  }

  private static long fingerprint(SimulationResult r) {
    long h = 1125899906842597L;
    for (int i = 0; i < r.calls(); i++) {
      h = 31 * h + r.callStartNanos(i);
      h = 31 * h + r.callLatencyNanos(i);
      h = 31 * h + r.callServer(i);
      h = 31 * h + (r.callSucceeded(i) ? 1 : 0);
    }
    return h;
  }

  @Test
  void validation_atAQuarterOfTheReportsLength_isWithinFivePercent() {
    for (Validation.Check check : Validation.run(SEED, 0.25)) {
      assertThat(check.errorPercent()).as("%s", check).isLessThan(5);
    }
  }
}
