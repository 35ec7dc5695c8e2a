package dev.roundabout.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.ProbedLoad;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The load probe a simulation gives each client: what it costs (a round trip, a count) and what a
 * server answers. One server of one slot with a constant service time of 10 ms, and one client of
 * three users that call it in a closed loop: once the first calls are answered the server always
 * holds three calls, and each spends 30 ms in it (20 ms queued, 10 ms served). The tests send
 * probes from the timeline, at virtual times between service ends.
 */
class SimulatedProbeTest {
  private static final Endpoint SERVER = Endpoint.of("10.0.0.0", 8080);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** A probe sent from the timeline, and what came of it. */
  private static final class Sent {
    final long sentAt;
    final CompletableFuture<ProbedLoad> stage;
    long completedAt = -1;

    Sent(long sentAt, CompletableFuture<ProbedLoad> stage) {
      this.sentAt = sentAt;
      this.stage = stage;
    }
  }

  /** A picker that never probes (round robin), and the client's probe, captured for the timeline. */
  private final AtomicReference<LoadProbe> probe = new AtomicReference<>();
  private final List<Sent> sent = new ArrayList<>();
  private final Policy capturing = Policy.probing("capturing", p -> {
    probe.set(p);
    return Pickers.roundRobin();
  });

  private Scenario.Builder oneServer(UnaryOperator<ClientSpec> clients) {
    return Scenario.builder("one-server")
        .server(ServerSpec.of(1, Distribution.constant(Duration.ofMillis(10))))
        .clients(clients.apply(ClientSpec.closedLoop(1, 3)))
        .duration(Duration.ofSeconds(4));
  }

  /** Sends a probe of {@code endpoint} at {@code at} and records when it completes. */
  private Scenario.Builder probeAt(Scenario.Builder b, Duration at, Endpoint endpoint) {
    return b.at(at, c -> {
      long now = c.now().toNanos();
      CompletableFuture<ProbedLoad> stage = probe.get().probe(endpoint, TIMEOUT).toCompletableFuture();
      Sent s = new Sent(now, stage);
      sent.add(s);
      stage.whenComplete((load, error) -> s.completedAt = c.now().toNanos());
    });
  }

  private SimulationResult run(Scenario.Builder b) {
    return Simulation.builder().scenario(b.build()).policy(capturing).seed(1).run();
  }

  @Test
  void aProbe_takesItsRoundTrip_andAnswersWhatTheServerHoldsAndItsMedianTimeInTheServer() {
    SimulationResult result = run(probeAt(oneServer(c -> c), Duration.ofMillis(1003), SERVER));

    Sent s = sent.get(0);
    assertThat(s.stage).isCompletedWithValue(ProbedLoad.ofNanos(3, 30_000_000L));
    assertThat(s.completedAt - s.sentAt).isEqualTo(ClientSpec.DEFAULT_PROBE_ROUND_TRIP.toNanos());
    assertThat(result.probes()).isEqualTo(1);
    assertThat(result.probesPerCall()).isEqualTo(1.0 / result.calls());
  }

  @Test
  void theRoundTrip_isTheScenarios() {
    run(probeAt(oneServer(c -> c.probeRoundTrip(Duration.ofMillis(4))), Duration.ofMillis(1003), SERVER));

    Sent s = sent.get(0);
    assertThat(s.completedAt - s.sentAt).isEqualTo(4_000_000L);
    assertThat(s.stage).isCompletedWithValue(ProbedLoad.ofNanos(3, 30_000_000L));
  }

  @Test
  void aServerThatHasAnsweredNothing_answersALatencyOfZero() {
    // Sent at 0 and read at 0.5 ms: the three first calls are in, none answered yet.
    run(probeAt(oneServer(c -> c), Duration.ZERO, SERVER));

    assertThat(sent.get(0).stage).isCompletedWithValue(ProbedLoad.ofNanos(3, 0));
  }

  @Test
  void theServersExtraLatency_delaysTheAnswer() {
    Scenario.Builder b = oneServer(c -> c).at(Duration.ofSeconds(1), c -> c.extraLatency(0, Duration.ofMillis(5)));
    run(probeAt(b, Duration.ofMillis(2003), SERVER));

    Sent s = sent.get(0);
    assertThat(s.stage).isCompleted();
    assertThat(s.completedAt - s.sentAt).isEqualTo(6_000_000L);
  }

  @Test
  void aBlackHole_neverAnswers() {
    Scenario.Builder b = oneServer(c -> c).at(Duration.ofSeconds(1), c -> c.blackHole(0, true));
    SimulationResult result = run(probeAt(b, Duration.ofMillis(1500), SERVER));

    assertThat(sent.get(0).stage).isNotDone();
    assertThat(result.probes()).isEqualTo(1);
  }

  @Test
  void aServerThatRefusesConnections_failsTheProbe_afterTheRoundTrip() {
    Scenario.Builder b = oneServer(c -> c).at(Duration.ofSeconds(1), c -> c.refuse(0, true));
    run(probeAt(b, Duration.ofMillis(1500), SERVER));

    Sent s = sent.get(0);
    assertThat(s.stage).isCompletedExceptionally();
    assertThat(s.completedAt - s.sentAt).isEqualTo(ClientSpec.DEFAULT_PROBE_ROUND_TRIP.toNanos());
    assertThatThrownBy(s.stage::join).hasCauseInstanceOf(ConnectException.class)
        .hasMessageContaining("connection refused (simulated)");
  }

  @Test
  void aProbeOfNoSimulatedServer_failsAtOnce() {
    run(probeAt(oneServer(c -> c), Duration.ofSeconds(1), Endpoint.of("192.0.2.1", 80)));

    Sent s = sent.get(0);
    assertThat(s.completedAt).isEqualTo(s.sentAt);
    assertThatThrownBy(s.stage::join).hasCauseInstanceOf(UnknownHostException.class)
        .hasMessageContaining("192.0.2.1:80 (no such simulated server)");
  }

  @Test
  void aCancelledProbe_isNotAnswered() {
    Scenario.Builder b = oneServer(c -> c).at(Duration.ofMillis(1003), c -> {
      CompletableFuture<ProbedLoad> stage = probe.get().probe(SERVER, TIMEOUT).toCompletableFuture();
      stage.cancel(false);
      sent.add(new Sent(c.now().toNanos(), stage));
    });
    run(b);

    assertThat(sent.get(0).stage).isCancelled();
  }

  @Test
  void pickersThatProbeNothing_sendNoProbe_andOraclesGetNone() {
    Scenario scenario = oneServer(c -> c).build();
    SimulationResult roundRobin = Simulation.builder().scenario(scenario).policy(Policy.builtIn("roundRobin")).run();
    SimulationResult oracle = Simulation.builder().scenario(scenario).policy(Policy.joinShortestQueue()).run();

    assertThat(roundRobin.probes()).isZero();
    assertThat(oracle.probesPerCall()).isZero();
    assertThat(Policy.builtIn("roundRobin").isProbing()).isFalse();
    assertThat(Policy.builtIn("prequal").isProbing()).isTrue();
  }

  @Test
  void prequal_probesItsServer_aboutOncePerCall() {
    SimulationResult result = Simulation.builder().scenario(oneServer(c -> c).build())
        .policy(Policy.prequal("prequal", f -> f)).seed(1).run();

    assertThat(result.successRate()).isEqualTo(1.0);
    assertThat(result.probesPerCall()).as("seed 1: %s probes, %s calls", result.probes(), result.calls())
        .isBetween(0.9, 1.0);
  }

  @Test
  void aPolicyWhoseOptionsGiveNoFactory_failsWithAMessage() {
    Policy broken = Policy.prequal("broken", f -> null);
    Scenario scenario = oneServer(c -> c).build();

    assertThatThrownBy(() -> Simulation.builder().scenario(scenario).policy(broken).run())
        .isInstanceOf(NullPointerException.class).hasMessage("the picker function returned no factory");
  }

  @Test
  void aProbeRoundTripOutOfRange_isRejected() {
    ClientSpec spec = ClientSpec.closedLoop(1, 1);

    assertThatThrownBy(() -> spec.probeRoundTrip(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probeRoundTrip: PT-0.001S (expected: 0 to PT1S)");
    assertThatThrownBy(() -> spec.probeRoundTrip(Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probeRoundTrip: PT2S (expected: 0 to PT1S)");
    assertThat(spec.probeRoundTrip(Duration.ZERO).probeRoundTrip()).isZero();
    assertThat(spec.probeRoundTrip()).isEqualTo(ClientSpec.DEFAULT_PROBE_ROUND_TRIP);
  }

  @Test
  void recentLatency_isTheMedianOfTheLastSixteenAnswers_orZero() {
    RecentLatency latency = new RecentLatency();
    assertThat(latency.medianNanos()).isZero();

    latency.answered(30);
    latency.answered(10);
    assertThat(latency.medianNanos()).isEqualTo(20); // the mean of the middle two
    latency.answered(1000);
    assertThat(latency.medianNanos()).isEqualTo(30);
    for (int i = 0; i < RecentLatency.CALLS; i++) {
      latency.answered(5);
    }
    assertThat(latency.medianNanos()).as("the three first answers are forgotten").isEqualTo(5);
  }
}
