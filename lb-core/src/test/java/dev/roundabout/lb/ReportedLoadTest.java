package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Pickers#reportedLoad()} on a real balancer with a fake clock: every call's server answers
 * with its own load report, attached to the call's lease.
 */
class ReportedLoadTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  private final FakeTicker ticker = new FakeTicker();
  /** What each server says of itself; a server missing here sends no report. */
  private final Map<Endpoint, LoadReport> reports = new HashMap<>();
  private final MutableEndpointSource source = EndpointSource.mutable(List.of(A, B, C));
  private LoadBalancer lb = build(Pickers.reportedLoad());

  private LoadBalancer build(PickerFactory factory) {
    return LoadBalancer.builder("reports").executor(Runnable::run).source(source).picker(factory).ticker(ticker)
        .random(new SplittableRandom(3)).build();
  }

  @AfterEach
  void noLeaseLeftOpen() {
    for (EndpointStats stats : lb.stats()) {
      assertThat(stats.inFlight()).as("%s", stats).isZero();
    }
    lb.close();
  }

  /** Makes {@code count} calls; each reports its server's load and succeeds. Returns picks per endpoint. */
  private Map<Endpoint, Integer> calls(int count) {
    Map<Endpoint, Integer> picks = new LinkedHashMap<>();
    for (Endpoint e : lb.endpoints()) {
      picks.put(e, 0);
    }
    for (int i = 0; i < count; i++) {
      try (Lease lease = lb.acquire()) {
        LoadReport report = reports.get(lease.endpoint());
        if (report != null) {
          lease.loadReport(report);
        }
        lease.success();
        picks.merge(lease.endpoint(), 1, Integer::sum);
      }
    }
    return picks;
  }

  /** Every server reports: A weighs 200, B 100, C 50. */
  private void reportWeights200To100To50() {
    reports.put(A, LoadReport.of(0.5, 100, 0));
    reports.put(B, LoadReport.of(0.5, 50, 0));
    reports.put(C, LoadReport.of(1.0, 50, 0));
  }

  /** A call to each server, then the default blackout of 10 s. */
  private void pastTheBlackout() {
    calls(3);
    ticker.advance(Duration.ofSeconds(10));
  }

  @Test
  void withoutReports_endpointsShareAlike_inRoundRobin() {
    assertThat(calls(300)).containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));
  }

  @Test
  void reports_weighEndpointsByRequestsPerUtilisation_afterTheBlackout() {
    reports.put(A, LoadReport.of(0.5, 100, 0)); // weight 200
    reports.put(B, LoadReport.of(0.5, 50, 0)); // 100
    reports.put(C, LoadReport.of(1.0, 50, 0)); // 50
    assertThat(calls(30)).containsExactly(Map.entry(A, 10), Map.entry(B, 10), Map.entry(C, 10));

    ticker.advance(Duration.ofSeconds(9));
    assertThat(calls(30)).as("within the blackout").containsExactly(Map.entry(A, 10), Map.entry(B, 10), Map.entry(C, 10));

    ticker.advance(Duration.ofSeconds(1));
    assertThat(calls(700)).containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 100));
  }

  @Test
  void applicationUtilisation_whenSent_outweighsCpu() {
    reports.put(A, LoadReport.builder().cpuUtilization(0.9).applicationUtilization(0.25).rps(100).build()); // 400
    reports.put(B, LoadReport.builder().cpuUtilization(0.5).rps(100).build()); // 200
    reports.put(C, LoadReport.builder().cpuUtilization(0.5).rps(100).build()); // 200
    pastTheBlackout();
    assertThat(calls(800)).containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 200));
  }

  @Test
  void errors_costUtilisation_byThePenalty() {
    reports.put(A, LoadReport.of(0.5, 100, 50)); // 100 / (0.5 + 0.5 x penalty)
    reports.put(B, LoadReport.of(0.5, 100, 0)); // 200
    reports.put(C, LoadReport.of(0.5, 100, 0)); // 200
    pastTheBlackout();
    assertThat(calls(500)).containsExactly(Map.entry(A, 100), Map.entry(B, 200), Map.entry(C, 200));

    lb.close();
    lb = build(Pickers.reportedLoad().errorUtilizationPenalty(0));
    pastTheBlackout();
    assertThat(calls(300)).as("errors ignored").containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));
  }

  @Test
  void aServerThatStopsReporting_countsAsTheMean_afterTheExpiry_andWaitsOutABlackoutWhenItResumes() {
    reportWeights200To100To50();
    pastTheBlackout();
    assertThat(calls(700)).containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 100));

    reports.remove(C);
    for (int i = 0; i < 17; i++) { // 170 s: C's last report is younger than 3 minutes
      ticker.advance(Duration.ofSeconds(10));
      calls(7);
    }
    assertThat(calls(700)).containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 100));
    ticker.advance(Duration.ofSeconds(10));
    assertThat(calls(900)).as("C expired: the mean of 200 and 100")
        .containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 300));

    reports.put(C, LoadReport.of(1.0, 50, 0));
    calls(9);
    ticker.advance(Duration.ofSeconds(9));
    assertThat(calls(900)).as("C's new reports within their blackout")
        .containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 300));
    ticker.advance(Duration.ofSeconds(1));
    assertThat(calls(700)).containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 100));
  }

  @Test
  void whenEveryReportExpires_endpointsShareAlikeAgain() {
    lb.close();
    lb = build(Pickers.reportedLoad().blackoutPeriod(Duration.ZERO).weightExpirationPeriod(Duration.ofSeconds(30)));
    reportWeights200To100To50();
    calls(3);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(calls(700)).as("no blackout").containsExactly(Map.entry(A, 400), Map.entry(B, 200), Map.entry(C, 100));

    reports.clear();
    ticker.advance(Duration.ofSeconds(30));
    assertThat(calls(300)).containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));
  }

  @Test
  void weights_changeOnlyOncePerUpdatePeriod_neverOnAPick() {
    reports.put(A, LoadReport.of(0.5, 100, 0));
    reports.put(B, LoadReport.of(0.5, 100, 0));
    reports.put(C, LoadReport.of(0.5, 100, 0));
    pastTheBlackout();
    assertThat(calls(300)).containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));

    reports.put(A, LoadReport.of(0.25, 100, 0)); // 400 against 200
    calls(300);
    ticker.advance(Duration.ofMillis(999));
    assertThat(calls(300)).as("before the update period").containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));
    ticker.advance(Duration.ofMillis(1));
    assertThat(calls(400)).containsExactly(Map.entry(A, 200), Map.entry(B, 100), Map.entry(C, 100));
  }

  @Test
  void oneOddReport_isHeldWithinTenTimesTheMean_andATenthOfIt() {
    reports.put(A, LoadReport.of(0.01, 1000, 0)); // 100000
    reports.put(B, LoadReport.of(1, 10, 0)); // 10, raised to a tenth of the mean (33340)
    reports.put(C, LoadReport.of(1, 10, 0));
    pastTheBlackout();
    assertThat(calls(1066)).containsExactly(Map.entry(A, 1000), Map.entry(B, 33), Map.entry(C, 33));
  }

  @Test
  void reportsWithoutUtilisationOrRequests_areIgnored_andALeaseClosedTakesNone() {
    reports.put(A, LoadReport.of(0, 100, 0));
    reports.put(B, LoadReport.of(0.5, 0, 0));
    calls(30);
    ticker.advance(Duration.ofSeconds(10));
    assertThat(calls(300)).containsExactly(Map.entry(A, 100), Map.entry(B, 100), Map.entry(C, 100));

    Lease lease = lb.acquire();
    lease.close();
    assertThat(lease.loadReport(LoadReport.of(0.5, 100, 0))).isFalse();
    assertThatThrownBy(() -> lease.loadReport(null)).isInstanceOf(NullPointerException.class).hasMessage("report");
  }

  @Test
  void reports_outliveAChangeOfTheList() {
    reportWeights200To100To50();
    pastTheBlackout();
    calls(1);
    source.update(List.of(A, B));
    assertThat(calls(300)).containsExactly(Map.entry(A, 200), Map.entry(B, 100));
  }

  @Test
  void aPickerFactory_refusesAReadyListThatIsNotABalancers() {
    ReadyEndpoints foreign = new ReadyEndpoints() {
      @Override
      public String balancerName() {
        return "foreign";
      }

      @Override
      public int size() {
        return 1;
      }

      @Override
      public Endpoint endpoint(int index) {
        return A;
      }

      @Override
      public int weight(int index) {
        return 1;
      }

      @Override
      public int inFlight(int index) {
        return 0;
      }

      @Override
      public java.util.random.RandomGenerator random() {
        return new SplittableRandom(1);
      }

      @Override
      public Ticker ticker() {
        return ticker;
      }

      @Override
      public Picker previous() {
        return null;
      }

      @Override
      public String toString() {
        return "foreign";
      }
    };
    assertThatThrownBy(() -> Pickers.reportedLoad().create(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ready: foreign (expected: the ready list of a LoadBalancer, which keeps each endpoint's load reports)");
  }

  @Test
  void options_areCheckedWithTheirRanges() {
    assertThat(Pickers.reportedLoad()).hasToString("reportedLoad(blackoutPeriod=10s, weightExpirationPeriod=3m,"
        + " weightUpdatePeriod=1s, errorUtilizationPenalty=1.0)");
    assertThatThrownBy(() -> Pickers.reportedLoad().blackoutPeriod(Duration.ofSeconds(-1)))
        .hasMessage("blackoutPeriod: PT-1S (expected: PT0S to PT1H)");
    assertThatThrownBy(() -> Pickers.reportedLoad().weightExpirationPeriod(Duration.ofMillis(500)))
        .hasMessage("weightExpirationPeriod: PT0.5S (expected: PT1S to PT24H)");
    assertThatThrownBy(() -> Pickers.reportedLoad().weightUpdatePeriod(Duration.ofMillis(10)))
        .hasMessage("weightUpdatePeriod: PT0.01S (expected: PT0.1S to PT1H)");
    assertThatThrownBy(() -> Pickers.reportedLoad().errorUtilizationPenalty(Double.NaN))
        .hasMessage("errorUtilizationPenalty: NaN (expected: a finite number, 0 or more)");
    assertThatThrownBy(() -> Pickers.reportedLoad().blackoutPeriod(null))
        .isInstanceOf(NullPointerException.class).hasMessage("blackoutPeriod");
  }
}
