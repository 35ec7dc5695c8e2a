package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.HedgingStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the report's hedging section is read for, on the report's own scenarios and seed, so that
 * its figures hold in every build: hedging at p95 under a 5% budget cuts the slow-server tail of a
 * load-aware picker, and keeps to its budget when every server is slow at once.
 */
class HedgingFindingsTest {
  private static final long SEED = 1;

  private static SimulationResult run(Scenario scenario, String picker) {
    return Simulation.builder().scenario(scenario).policy(Policy.builtIn(picker)).seed(SEED).run();
  }

  @Test
  void drasticSlowdown_leastConnections_hedgingCutsTheP999AtLeastTwice_withAtMostFivePercentMoreCalls() {
    Scenario scenario = Scenarios.drasticSlowdown(100);
    SimulationResult without = run(scenario, "leastConnections");
    SimulationResult with = run(ReportHedging.hedged(scenario), "leastConnections");

    assertThat(with.percentileMillis(0.999)).as("seed %d: p99.9 with hedging, against %s ms without", SEED,
        without.percentileMillis(0.999)).isLessThanOrEqualTo(without.percentileMillis(0.999) / 2);
    assertThat(with.hedgeRate()).as("seed %d: %s", SEED, with.hedging()).isGreaterThan(0).isLessThanOrEqualTo(0.05);
    assertThat(with.extraAttemptRate() - without.extraAttemptRate()).as("seed %d: extra attempts", SEED)
        .isLessThanOrEqualTo(0.05);
    assertThat(without.hedging()).isEqualTo(HedgingStats.NONE);
  }

  @Test
  void oneSlowServer_loadAwarePickers_hedgingCutsTheP99SeveralTimes_andTheP999() {
    Scenario scenario = Scenarios.oneSlowServer(0.1);
    for (String picker : List.of("leastConnections", "powerOfTwoChoices")) {
      SimulationResult without = run(scenario, picker);
      SimulationResult with = run(ReportHedging.hedged(scenario), picker);

      assertThat(with.percentileMillis(0.99)).as("seed %d: %s p99 with hedging, against %s ms without", SEED, picker,
          without.percentileMillis(0.99)).isLessThanOrEqualTo(without.percentileMillis(0.99) / 3);
      assertThat(with.percentileMillis(0.999)).as("seed %d: %s p99.9", SEED, picker)
          .isLessThan(without.percentileMillis(0.999));
      assertThat(with.hedgeRate()).as("seed %d: %s %s", SEED, picker, with.hedging()).isLessThanOrEqualTo(0.05);
      assertThat(with.hedging().won()).as("seed %d: %s: most hedges win", SEED, picker)
          .isGreaterThan(with.hedging().sent() / 2);
    }
  }

  @Test
  void whenEveryServerIsSlow_hedgesStayWithinTheirBudget() {
    SimulationResult with = run(ReportHedging.hedged(Scenarios.allSlow()), "powerOfTwoChoices");

    assertThat(with.hedgeRate()).as("seed %d: %s", SEED, with.hedging()).isGreaterThan(0).isLessThanOrEqualTo(0.05);
    assertThat(with.hedging().refusedByBudget()).as("seed %d: the budget refused hedges", SEED).isPositive();
  }

  @Test
  void theReport_hasAHedgingSection_andGoals_whenAsked() {
    Scenario tiny = ReportTestSupport.tiny();
    Report report = Report.builder().scenarios(List.of(tiny)).pickers(ReportTestSupport.twoPickers())
        .validationScale(0).hedging(List.of(ReportTestSupport.shortened(Scenarios.allSlow(), java.time.Duration.ofSeconds(6))))
        .seed(SEED).threads(2).run();

    assertThat(report.hedging()).hasSize(ReportHedging.PICKERS.size());
    assertThat(report.markdown()).contains("## Hedging\n").contains("| all-slow | leastConnections |")
        .contains("hedging (p95, 5%), adaptive, all-slow: every server slow at once: hedges within the 5% budget");
    assertThat(Report.builder().scenarios(List.of(tiny)).pickers(ReportTestSupport.twoPickers()).validationScale(0)
        .seed(SEED).run().markdown()).doesNotContain("## Hedging");
  }
}
