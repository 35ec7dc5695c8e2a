package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's words: numbers, server lists, parameters and timelines. */
class ReportTextTest {
  @Test
  void numbers_haveThreeSignificantDigits_andNoTrailingZeros() {
    assertThat(ReportFormat.number(0.01)).isEqualTo("0.01");
    assertThat(ReportFormat.number(7 / 6.0)).isEqualTo("1.17");
    assertThat(ReportFormat.number(2)).isEqualTo("2");
    assertThat(ReportFormat.number(819.0000001)).isEqualTo("819");
    assertThat(ReportFormat.number(4549)).isEqualTo("4550");
    assertThat(ReportFormat.number(0)).isEqualTo("0");
  }

  @Test
  void latencies_keepThreeOrFourFigures() {
    assertThat(ReportFormat.millis(7.126)).isEqualTo("7.13");
    assertThat(ReportFormat.millis(153.94)).isEqualTo("153.9");
    assertThat(ReportFormat.millis(10000)).isEqualTo("10000");
  }

  @Test
  void aSuccessRateShortOfOne_neverShowsAsAHundredPercent() {
    assertThat(ReportFormat.success(0.9999999)).isEqualTo("99.999%");
    assertThat(ReportFormat.success(1)).isEqualTo("100.000%");
    assertThat(ReportFormat.percent(0.0999, 1)).isEqualTo("10.0%");
  }

  @Test
  void ratios_keepThreeFigures() {
    assertThat(ReportFormat.ratio(1.234)).isEqualTo("1.23x");
    assertThat(ReportFormat.ratio(16.24)).isEqualTo("16.2x");
    assertThat(ReportFormat.ratio(122.4)).isEqualTo("122x");
    assertThat(ReportFormat.ratio(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void durations_readInSecondsOrMilliseconds() {
    assertThat(ReportFormat.duration(Duration.ofSeconds(60))).isEqualTo("60 s");
    assertThat(ReportFormat.duration(Duration.ofMillis(1500))).isEqualTo("1.5 s");
    assertThat(ReportFormat.duration(Duration.ofMillis(10))).isEqualTo("10 ms");
    assertThat(ReportFormat.duration(Duration.ZERO)).isEqualTo("0 s");
    assertThat(ReportFormat.durations("logNormal(median PT0.01S, sigma 0.5)")).isEqualTo("logNormal(median 10 ms, sigma 0.5)");
  }

  @Test
  void serverLists_useRangesOfThreeOrMore() {
    assertThat(ReportFormat.servers(List.of(3))).isEqualTo("server 3");
    assertThat(ReportFormat.servers(List.of(10, 11))).isEqualTo("servers 10, 11");
    assertThat(ReportFormat.servers(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))).isEqualTo("servers 0-9");
    assertThat(ReportFormat.servers(List.of(0, 1, 2, 5, 7, 8))).isEqualTo("servers 0-2, 5, 7, 8");
  }

  @Test
  void timelines_sayWhatChangesWhen() {
    assertThat(ReportTimeline.describe(Scenarios.simplest())).isEmpty();
    assertThat(ReportTimeline.describe(Scenarios.drasticSlowdown(100))).containsExactly("20 s: server 0 at 0.01x speed");
    assertThat(ReportTimeline.describe(Scenarios.linkerd())).containsExactly(
        "15 s: server 0 adding 2 s to every answer", "45 s: server 0 without extra latency");
    assertThat(ReportTimeline.describe(Scenarios.allHalfFailing())).containsExactly(
        "0 s: servers 0-9 failing 50% of calls after the service time");
    assertThat(ReportTimeline.describe(Scenarios.coldStart(0.2))).containsExactly(
        "0 s: server 10 out of the registry", "20 s: server 10 at 0.2x speed, server 10 in the registry",
        "50 s: server 10 at 1x speed");
    assertThat(ReportTimeline.describe(Scenarios.oneBigSpike(10))).containsExactly(
        "30 s: arrivals at 10x the scenario's rate", "31 s: arrivals at 1x the scenario's rate");
  }

  @Test
  void servers_differingInMoreThanSpeed_areListedInGroups() {
    Scenario mixed = Scenario.builder("mixed")
        .servers(2, ServerSpec.of(4, Distribution.constant(Duration.ofMillis(5))).weight(3))
        .server(Scenarios.SERVER)
        .clients(ClientSpec.closedLoop(2, 3).maxAttempts(1).timeout(Duration.ofMillis(500)))
        .keyed(false)
        .build();

    assertThat(ReportParameters.servers(mixed)).isEqualTo("servers 0, 1: 4 slots, service time constant(5 ms), weight 3, "
        + "speed 1x; server 2: 1 slot, service time exponential(mean 10 ms), speed 1x; capacity 1700 calls/s (every "
        + "server at its starting speed)");
    assertThat(ReportParameters.clients(mixed)).isEqualTo("2 closed-loop clients of 3 users each (a user sends its next "
        + "call when its last ends); call timeout 500 ms, at most 1 attempt (the OkHttp interceptor's retry rules and "
        + "budget)");
  }

  @Test
  void heterogeneousSpeeds_areListedByServer() {
    assertThat(ReportParameters.servers(Scenarios.heterogeneous())).startsWith(
        "10 x 1 slot, service time exponential(mean 10 ms), speeds by server 0.5x, 0.667x, 0.833x, 1x, 1.17x,");
  }
}
