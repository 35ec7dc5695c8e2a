package dev.roundabout.lb.sim;

import static dev.roundabout.lb.sim.ReportTestSupport.SEED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReportTest {
  @AfterEach
  void noReportThreadOutlivesTheRun() {
    assertThat(ReportTestSupport.reportThreads()).isEmpty();
  }

  private static Report.Builder tinyReport() {
    return Report.builder()
        .scenarios(List.of(ReportTestSupport.tiny()))
        .pickers(ReportTestSupport.twoPickers())
        .validationScale(0)
        .seed(SEED);
  }

  @Test
  void sameSeed_givesTheSameMarkdown_byteForByte() {
    String first = tinyReport().threads(2).run().markdown();
    String again = tinyReport().threads(2).run().markdown();

    assertThat(again).isEqualTo(first);
  }

  @Test
  void theMarkdown_doesNotDependOnTheNumberOfThreads() {
    String two = tinyReport().threads(2).run().markdown();
    String one = tinyReport().threads(1).run().markdown();

    assertThat(one).isEqualTo(two);
  }

  @Test
  void anotherSeed_givesOtherFigures() {
    String first = tinyReport().run().markdown();
    String other = tinyReport().seed(SEED + 1).run().markdown();

    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void aScenariosSection_hasItsParametersTableFindingsAndCharts() {
    Report report = tinyReport().command("./regenerate").run();
    String md = report.markdown();

    assertThat(md).startsWith("# lb-sim quality report\n\n")
        .contains("\n    ./regenerate\n")
        .contains("Seed: " + SEED + ".")
        .contains("## Validation\n\nNot run for this page.")
        .contains("### tiny\n\nFour servers, one at half speed until 2 s.\n")
        .contains("- Servers: 4 x 1 slot, service time exponential(mean 10 ms), speeds 0.5x (server 0), 1x (servers 1-3); "
            + "capacity 350 calls/s (every server at its starting speed)\n")
        .contains("- Clients: 4 open-loop clients sending 300 calls/s in all (Poisson arrivals); call timeout 10 s, "
            + "at most 3 attempts (the OkHttp interceptor's retry rules and budget); every call carries a random "
            + "affinity key\n")
        .contains("- Timeline: 2 s: server 0 at 1x speed\n")
        .contains("| Policy | Success | Mean ms | p50 ms | p99 ms | p99.9 ms | Attempts per server | Extra attempts | p99 / oracle |")
        .contains("\n| roundRobin | ", "\n| powerOfTwoChoices | ", "\n| *oracle: shortest queue* | ",
            "\n| *oracle: shortest expected delay* | ")
        .contains("\n- Choose **", "\n- Pickers from best to worst: ", "\n- The oracles' p99: ")
        .contains("![p99 latency over time, tiny](quality/tiny-latency.png)")
        .contains("![Each server's share of calls over time, tiny](quality/tiny-shares.png)")
        .doesNotContain("WARNING");
    assertThat(report.section(ReportTestSupport.tiny())).startsWith("### tiny\n").doesNotContain("![");
  }

  @Test
  void theChoice_isTheBestP99_amongThePickersWithTheBestSuccessRate() {
    Report report = tinyReport().run();
    List<ReportFigures> figures = report.figures(ReportTestSupport.tiny());
    ReportFigures roundRobin = figures.get(0);
    ReportFigures powerOfTwo = figures.get(1);
    assertThat(roundRobin.successRate()).as("seed %d", SEED).isEqualTo(1.0);
    assertThat(powerOfTwo.successRate()).as("seed %d", SEED).isEqualTo(1.0);
    ReportFigures best = powerOfTwo.p99Millis() <= roundRobin.p99Millis() ? powerOfTwo : roundRobin;

    assertThat(report.markdown()).contains("- Choose **" + best.policy().name() + "** here: success 100.000%, p99 "
        + ReportFormat.millis(best.p99Millis()) + " ms");
  }

  @Test
  void theReport_coversEveryScenario_andEveryPickerAndOracle() {
    List<Scenario> scenarios = ReportTestSupport.allShortened(Duration.ofSeconds(2));
    Report report = Report.builder().scenarios(scenarios).validationScale(0).seed(SEED).run();
    String md = report.markdown();

    for (Scenario s : scenarios) {
      String section = report.section(s);
      assertThat(md).contains("\n### " + s.name() + "\n", "[" + s.name() + "](#" + s.name() + ")",
          "(quality/" + s.name() + "-latency.png)", "(quality/" + s.name() + "-shares.png)");
      assertThat(md).contains(section.substring(0, section.indexOf("\n- Choose")));
      for (Policy p : Policy.builtInPickers()) {
        assertThat(section).as("%s / %s", s, p).contains("\n| " + p.name() + " | ");
      }
      for (Policy p : Policy.oracles()) {
        assertThat(section).as("%s / %s", s, p).contains("\n| *" + p.name() + "* | ");
      }
      assertThat(report.figures(s)).hasSize(Policy.builtInPickers().size() + Policy.oracles().size());
    }
  }

  @Test
  void aFailedValidation_isSaidLoudly() {
    // A hundredth of the validation's length is too short to come within 3% of theory.
    Report report = tinyReport().validationScale(0.01).run();
    List<Validation.Check> failed = report.validation().stream().filter(c -> !c.passed()).toList();
    assertThat(failed).as("seed %d: checks at scale 0.01 %s", SEED, report.validation()).isNotEmpty();
    String md = report.markdown();

    assertThat(report.validationPassed()).isFalse();
    assertThat(md).startsWith("# lb-sim quality report\n\n> **WARNING: THE SIMULATOR FAILED ITS VALIDATION.**");
    for (Validation.Check c : report.validation()) {
      assertThat(md).contains("| " + c.name() + " | " + c.formula() + " | ");
    }
    for (Validation.Check c : failed) {
      assertThat(md).contains("**FAILED: " + c.name() + " is ");
    }
  }

  @Test
  void builder_rejectsBadValues_withTheirMessages() {
    assertThatThrownBy(() -> Report.builder().pickers(List.of(Policy.joinShortestQueue())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pickers: oracle: shortest queue (expected: pickers only; the oracles always run)");
    assertThatThrownBy(() -> Report.builder().pickers(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pickers: [] (expected: at least one)");
    assertThatThrownBy(() -> Report.builder().scenarios(List.of(ReportTestSupport.tiny(), ReportTestSupport.tiny())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scenarios: tiny twice (expected: distinct names)");
    assertThatThrownBy(() -> Report.builder().validationScale(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validationScale: -1.0 (expected: 0-10)");
    assertThatThrownBy(() -> Report.builder().threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads: 0 (expected: 1-256)");
  }

  @Test
  void figures_ofAScenarioNotInTheReport_areRefused() {
    Report report = tinyReport().run();

    assertThatThrownBy(() -> report.figures(Scenarios.simplest()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scenario: simplest (expected: one of [tiny])");
  }
}
