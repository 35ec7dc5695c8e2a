package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the report's probing section is read for, on the report's own scenarios and seed, so that
 * its figures hold in every build: probe traffic follows the configured rate (one probe per ended
 * attempt), and the probe results' age decides how well prequal balances.
 */
class ProbingFindingsTest {
  private static final long SEED = 1;
  private static final Policy PREQUAL = Policy.builtIn("prequal");
  private static final Policy YOUNG_PROBES = Policy.builtIn("prequal(maxProbeAge=50ms)");

  private static SimulationResult run(Scenario scenario, Policy policy) {
    return Simulation.builder().scenario(scenario).policy(policy).seed(SEED).run();
  }

  @Test
  void equalServers_prequal_beatsRoundRobinAndRandom_withOrWithoutYoungProbes() {
    Scenario simplest = Scenarios.simplest();
    double roundRobin = run(simplest, Policy.builtIn("roundRobin")).percentileMillis(0.99);
    double random = run(simplest, Policy.builtIn("random")).percentileMillis(0.99);
    for (Policy policy : List.of(PREQUAL, YOUNG_PROBES)) {
      SimulationResult r = run(simplest, policy);
      assertThat(r.successRate()).as("seed %d: %s", SEED, policy).isEqualTo(1.0);
      assertThat(r.percentileMillis(0.99)).as("seed %d: %s, against roundRobin's %s ms and random's %s ms", SEED,
          policy, roundRobin, random).isLessThan(Math.min(roundRobin, random));
    }
  }

  @Test
  void oneSlowServer_prequalLosesNoCall_whereRoundRobinLosesOneInTen() {
    Scenario scenario = ReportTestSupport.shortened(Scenarios.oneSlowServer(0.1), Duration.ofSeconds(30));
    SimulationResult roundRobin = run(scenario, Policy.builtIn("roundRobin"));
    SimulationResult prequal = run(scenario, PREQUAL);

    assertThat(roundRobin.successRate()).as("seed %d: roundRobin", SEED).isLessThan(0.95);
    assertThat(prequal.successRate()).as("seed %d: prequal", SEED).isEqualTo(1.0);
    long[] attempts = prequal.attemptsPerServer();
    long total = java.util.Arrays.stream(attempts).sum();
    assertThat(attempts[0] / (double) total).as("seed %d: the slow server's share of attempts", SEED).isLessThan(0.05);
  }

  @Test
  void probeTraffic_isAtMostOneProbePerCall_whenNoCallIsRetried() {
    for (Scenario scenario : List.of(Scenarios.simplest(), Scenarios.manyClients(200))) {
      for (Policy policy : List.of(PREQUAL, YOUNG_PROBES)) {
        SimulationResult r = run(scenario, policy);
        assertThat(r.extraAttemptRate()).as("seed %d: %s / %s", SEED, scenario, policy).isZero();
        assertThat(r.probesPerCall()).as("seed %d: %s / %s: %s probes, %s calls", SEED, scenario, policy, r.probes(),
            r.calls()).isGreaterThan(0.8).isLessThanOrEqualTo(1.0 * 1.01);
      }
    }
  }

  @Test
  void withRetries_probesFollowAttempts_notCalls() {
    SimulationResult r = run(ReportTestSupport.shortened(Scenarios.allHalfFailing(), Duration.ofSeconds(20)), PREQUAL);
    double perAttempt = r.probesPerCall() / (1 + r.extraAttemptRate());

    assertThat(r.probesPerCall()).as("seed %d: %s", SEED, r).isGreaterThan(1.3);
    assertThat(perAttempt).as("seed %d: probes per attempt", SEED).isBetween(0.9, 1.0 * 1.01);
  }

  @Test
  void theReport_hasAProbingSection_andTheProbeTrafficGoal() {
    Report report = Report.builder().scenarios(List.of(ReportTestSupport.tiny()))
        .pickers(List.of(Policy.builtIn("roundRobin"), Policy.builtIn("adaptive"), PREQUAL))
        .validationScale(0).seed(SEED).threads(2).run();
    String md = report.markdown();

    assertThat(md).contains("## Probing\n").containsPattern("\\| tiny \\| prequal \\| [0-9.]+% \\| [0-9.]+ \\| [0-9.]+x \\| "
        + "[0-9.]+x \\| [0-9.]+ \\| [0-9.]+ \\|")
        .contains("| prequal: probe traffic at most 1 probe per call on average, in every scenario | at most ")
        .contains("- prequal: a lower p99 than adaptive's in ");
    assertThat(Report.builder().scenarios(List.of(ReportTestSupport.tiny())).pickers(ReportTestSupport.twoPickers())
        .validationScale(0).seed(SEED).run().markdown()).doesNotContain("## Probing").doesNotContain("probe traffic");
  }
}
