package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReportCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void noReportThreadOutlivesTheCommand() {
    assertThat(ReportTestSupport.reportThreads()).isEmpty();
  }

  private int run(String... args) {
    return ReportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** A bad argument: status 2, the message then the usage on stderr, nothing on stdout, no stack trace. */
  private void assertUsageError(String message, String... args) {
    assertThat(run(args)).isEqualTo(2);
    assertThat(err()).startsWith("lb-sim: " + message + "\nusage: ");
    assertThat(err()).contains("  --all [--out DIR] [--seed N]\n", "  --scenario NAME[,NAME...] [--pickers NAME[,NAME...]] [--seed N]\n")
        .doesNotContain("Exception", "\tat ");
    assertThat(out()).isEmpty();
  }

  @Test
  void noArguments_isAUsageError() {
    assertUsageError("no --all or --scenario (expected: one of them)");
  }

  @Test
  void anUnknownArgument_isNamed() {
    assertUsageError("\"--everything\": unknown argument (expected: --all, --scenario, --pickers, --seed, --out or --help)",
        "--everything");
  }

  @Test
  void anUnknownScenario_isNamed_withTheKnownOnes() {
    assertUsageError("--scenario: \"one-fast-server\" (expected: one of " + String.join(", ", Scenarios.names()) + ")",
        "--scenario", "one-fast-server");
  }

  @Test
  void anUnknownPicker_isNamed_withTheKnownOnes() {
    assertUsageError("--pickers: \"fastest\" (expected: one of roundRobin, weightedRoundRobin, random, weightedRandom, "
        + "leastConnections, powerOfTwoChoices, ringHash, maglev, rendezvous, ringHash.boundedLoad(1.25), "
        + "maglev.boundedLoad(1.25), rendezvous.boundedLoad(1.25), peakEwma, adaptive, reportedLoad, "
        + "reportedLoad(blackoutPeriod=0s), prequal, prequal(maxProbeAge=50ms))",
        "--scenario", "simplest", "--pickers", "roundRobin,fastest");
  }

  @Test
  void aPickerTwice_isRefused() {
    assertUsageError("--pickers: \"roundRobin\" twice (expected: each name once)",
        "--scenario", "simplest", "--pickers", "roundRobin,roundRobin");
  }

  @Test
  void aSeedThatIsNotAnInteger_isRefused() {
    assertUsageError("--seed: \"one\" (expected: an integer)", "--all", "--seed", "one");
  }

  @Test
  void anOptionWithoutItsValue_isRefused() {
    assertUsageError("--seed: no value (expected: --seed VALUE)", "--all", "--seed");
    out.reset();
    err.reset();
    assertUsageError("--scenario: no value (expected: --scenario VALUE)", "--scenario", "--all");
  }

  @Test
  void anOptionTwice_isRefused() {
    assertUsageError("--seed: given twice (expected: each option at most once)", "--all", "--seed", "1", "--seed", "2");
  }

  @Test
  void allAndScenario_together_areRefused() {
    assertUsageError("--all and --scenario: both given (expected: one of them)", "--all", "--scenario", "simplest");
  }

  @Test
  void pickersWithAll_areRefused() {
    assertUsageError("--pickers: only with --scenario (expected: --all runs every picker)",
        "--all", "--pickers", "roundRobin");
  }

  @Test
  void outWithScenario_isRefused() {
    assertUsageError("--out: only with --all (expected: --scenario prints to standard output)",
        "--scenario", "simplest", "--out", "/tmp/x");
  }

  @Test
  void help_printsTheUsage_toStdout() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out()).startsWith("usage: ./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args=\"ARGS\"")
        .contains("scenarios: simplest, one-slow-server, ", "pickers: roundRobin, ");
    assertThat(err()).isEmpty();
  }

  @Test
  void aScenario_printsItsTable_withTheChosenPickersAndTheOracles() {
    assertThat(run("--scenario", "one-slow-server", "--pickers", "roundRobin,leastConnections", "--seed", "3")).isEqualTo(0);

    assertThat(out()).startsWith("### one-slow-server\n\n")
        .contains("; seed 3\n", "\n| roundRobin | ", "\n| leastConnections | ", "\n| *oracle: shortest queue* | ",
            "\n| *oracle: shortest expected delay* | ", "\n- Choose **leastConnections** here")
        .doesNotContain("powerOfTwoChoices", "![", "## Validation");
    assertThat(err()).isEqualTo("lb-sim: one-slow-server: 4 policies\n");
  }

  @Test
  void theRegenerationCommand_namesTheSeed() {
    assertThat(ReportCommand.command(7)).isEqualTo("./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args=\"--all --seed 7\"");
  }
}
