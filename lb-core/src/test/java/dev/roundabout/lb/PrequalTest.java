package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Pickers#prequal(LoadProbe)} on a real balancer with a fake clock and a probe whose
 * answers the test gives: probes sent per call, the hot-cold rule, ageing, timeouts, list changes.
 */
class PrequalTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);
  private static final Endpoint D = Endpoint.of("10.0.0.4", 80);
  private static final Duration TICK = Duration.ofMillis(10);

  private final FakeTicker ticker = new FakeTicker();
  private final ManualProbe probe = new ManualProbe();
  private final MutableEndpointSource source = EndpointSource.mutable(List.of(A, B, C));
  private final List<Lease> held = new ArrayList<>();
  /** Answers that decide many picks, so that the rule can be read pick after pick. */
  private LoadBalancer lb = build(Pickers.prequal(probe).probeReuse(16));

  private LoadBalancer build(PickerFactory factory) {
    return LoadBalancer.builder("prequal").executor(Runnable::run).source(source).picker(factory).ticker(ticker)
        .random(new SplittableRandom(5)).build();
  }

  @AfterEach
  void noLeaseLeftOpen() {
    held.forEach(Lease::close);
    for (EndpointStats stats : lb.stats()) {
      assertThat(stats.inFlight()).as("%s", stats).isZero();
    }
    lb.close();
  }

  /** A probe that records each request and completes it when the test answers. */
  static final class ManualProbe implements LoadProbe {
    final List<Endpoint> asked = new ArrayList<>();
    final Map<Endpoint, CompletableFuture<ProbedLoad>> open = new HashMap<>();
    final List<CompletableFuture<ProbedLoad>> all = new ArrayList<>();

    @Override
    public CompletionStage<ProbedLoad> probe(Endpoint endpoint, Duration timeout) {
      asked.add(endpoint);
      CompletableFuture<ProbedLoad> future = new CompletableFuture<>();
      open.put(endpoint, future);
      all.add(future);
      return future;
    }

    /** Answers the open probe of {@code endpoint}. */
    void answer(Endpoint endpoint, int inFlight, int latencyMillis) {
      CompletableFuture<ProbedLoad> future = open.remove(endpoint);
      assertThat(future).as("an open probe of %s among %s", endpoint, open.keySet()).isNotNull();
      future.complete(ProbedLoad.of(inFlight, Duration.ofMillis(latencyMillis)));
    }
  }

  /** Ends {@code count} calls (successes), without moving the clock. */
  private void endCalls(int count) {
    for (int i = 0; i < count; i++) {
      try (Lease lease = lb.acquire()) {
        lease.success();
      }
    }
  }

  /** Moves the clock one tick and makes a pick, which runs the due refresh: probes go out. */
  private void tick() {
    ticker.advance(TICK);
    lb.pick();
  }

  /** Probes A, B and C (three calls ended, one tick) and answers them with these figures. */
  private void probed(int inFlightA, int msA, int inFlightB, int msB, int inFlightC, int msC) {
    endCalls(3);
    tick();
    assertThat(probe.open.keySet()).containsExactlyInAnyOrder(A, B, C);
    probe.answer(A, inFlightA, msA);
    probe.answer(B, inFlightB, msB);
    probe.answer(C, inFlightC, msC);
  }

  private Endpoint hold() {
    Lease lease = lb.acquire();
    held.add(lease);
    return lease.endpoint();
  }

  @Test
  void probesGoOutOnlyForCallsThatEnded_onePerCallByDefault_toEndpointsWithoutAnOpenProbe() {
    tick();
    assertThat(probe.asked).as("no call ended: no probe").isEmpty();
    endCalls(2);
    assertThat(probe.asked).as("not before the tick").isEmpty();
    tick();
    assertThat(probe.asked).hasSize(2).doesNotHaveDuplicates();
    endCalls(5);
    tick();
    assertThat(probe.asked).as("one endpoint left without an open probe").hasSize(3);
    assertThat(probe.open).hasSize(3);
  }

  @Test
  void probeRate_followsTheCallRate() {
    source.update(endpoints(40));
    lb.close();
    lb = build(Pickers.prequal(probe).probesPerCall(0.25));
    for (int round = 0; round < 200; round++) {
      endCalls(20);
      tick();
      for (Endpoint e : new ArrayList<>(probe.open.keySet())) {
        probe.answer(e, 1, 10);
      }
    }
    // 4,000 calls at 0.25 probes per call.
    assertThat(probe.asked).hasSize(1_000);
  }

  @Test
  void pick_takesTheColdEndpointOfLowestLatency() {
    probed(0, 50, 0, 5, 0, 20);
    assertThat(lb.pick()).isEqualTo(B);
    assertThat(lb.pick()).isEqualTo(B);
  }

  @Test
  void callsThisBalancerStarted_makeAnEndpointHot_andTheNextColdOneWins() {
    probed(0, 50, 0, 5, 0, 20);
    // Threshold: the 0.8 quantile of (0, 0, 0) = 0 in flight; one held call makes an endpoint hot.
    assertThat(hold()).isEqualTo(B);
    assertThat(hold()).isEqualTo(C);
    assertThat(hold()).isEqualTo(A);
    // Every endpoint hot with one call: the fewest in flight, then the lowest latency.
    assertThat(hold()).isEqualTo(B);
    assertThat(hold()).isEqualTo(C);
  }

  @Test
  void byDefault_anAnswerDecidesOnePick_andWithOneAnswerLeft_picksCompareEstimates() {
    lb.close();
    lb = build(Pickers.prequal(probe));
    probed(0, 50, 0, 5, 0, 20);
    assertThat(hold()).as("B's answer decides one pick").isEqualTo(B);
    assertThat(hold()).as("then C's, the best left").isEqualTo(C);
    // One answer left (A): too few to compare. Estimates: A 0 + 0, B 0 + 1, C 0 + 1.
    assertThat(hold()).isEqualTo(A);
  }

  @Test
  void withFewAnswers_theLatestOfEachEndpoint_keepsASlowQueueAway() {
    lb.close();
    lb = build(Pickers.prequal(probe));
    probed(0, 5, 0, 5, 50, 900); // C has a long queue
    lb.pick(); // spends A's answer
    lb.pick(); // and B's: C's alone is left, too few to compare
    for (int i = 0; i < 40; i++) {
      assertThat(hold()).as("C estimated at 50 in flight").isNotEqualTo(C);
    }
  }

  @Test
  void hotEndpoints_areAvoided_evenWhenFaster() {
    // Threshold: the 0.8 quantile of (2, 30, 3) is 3: B, with 30 in flight, is hot.
    probed(2, 40, 30, 1, 3, 20);
    assertThat(lb.pick()).isEqualTo(C);
  }

  @Test
  void everyEndpointHot_takesTheFewestInFlight() {
    lb.close();
    lb = build(Pickers.prequal(probe).hotQuantile(0.5).probeReuse(16));
    // Threshold: the 0.5 quantile of (12, 9, 10) is 10: A is hot; one held call to each makes all hot.
    probed(12, 1, 9, 50, 10, 5);
    assertThat(hold()).isEqualTo(C); // cold: C (10, 5 ms) before B (9, 50 ms)
    assertThat(hold()).isEqualTo(B); // C now 11: hot; B (9) still cold
    assertThat(hold()).isEqualTo(B); // B 10: at the threshold, cold
    assertThat(hold()).isEqualTo(C); // all hot: A 12, B 11, C 11: the fewest, then latency (C 5 ms)
  }

  @Test
  void withoutProbeResults_picksFallBackToTheLowerLoadOfTwo() {
    for (int i = 0; i < 30; i++) {
      hold();
    }
    for (EndpointStats stats : lb.stats()) {
      assertThat(stats.inFlight()).as("%s", stats).isEqualTo(10);
    }
  }

  @Test
  void resultsPastTheirAge_leaveThePool() {
    probed(0, 50, 0, 5, 0, 20);
    ticker.advance(Duration.ofMillis(990));
    lb.pick();
    assertThat(hold()).as("at 990 ms old").isEqualTo(B);
    held.forEach(Lease::close);
    held.clear();
    ticker.advance(Duration.ofMillis(10));
    lb.pick(); // the refresh drops them
    for (int i = 0; i < 30; i++) {
      hold();
    }
    assertThat(lb.stats()).as("an even spread, not B").allSatisfy(s -> assertThat(s.inFlight()).isEqualTo(10));
  }

  @Test
  void probeNotAnsweredInTime_isForgottenAndCancelled_andItsLateAnswerIgnored() {
    endCalls(1);
    tick();
    assertThat(probe.all).hasSize(1);
    Endpoint target = probe.asked.get(0);
    ticker.advance(Duration.ofSeconds(1));
    lb.pick();
    assertThat(probe.all.get(0)).isCancelled();
    probe.open.remove(target);
    probe.all.get(0).obtrudeValue(ProbedLoad.of(0, Duration.ZERO)); // a late answer
    endCalls(3);
    tick();
    assertThat(probe.asked).as("the endpoint is probed again").hasSize(4).contains(target);
  }

  @Test
  void anEndpointThatLeavesTheList_leavesThePool_andTheOthersKeepTheirResults() {
    probed(0, 50, 0, 5, 0, 20);
    source.update(List.of(D, C, A)); // B leaves; indexes change
    assertThat(lb.pick()).as("C: the lowest latency left").isEqualTo(C);
    source.update(List.of(D, C, A, B)); // B is back, but its result is gone
    assertThat(lb.pick()).isEqualTo(C);
  }

  @Test
  void aProbeThatThrows_isLoggedOnce_andPicksGoOn() {
    lb.close();
    List<Endpoint> tried = new ArrayList<>();
    lb = build(Pickers.prequal((endpoint, timeout) -> {
      tried.add(endpoint);
      throw new IllegalStateException("probe broken");
    }));
    CapturedLogs.capture("dev.roundabout.lb.pick.PrequalPicker");
    try {
      endCalls(3);
      tick();
      endCalls(3);
      tick();
      assertThat(tried).hasSize(6);
      assertThat(CapturedLogs.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
          .contains("Load balancer 'prequal': the load probe failed to start a probe of");
      endCalls(30);
    } finally {
      CapturedLogs.stop();
    }
  }

  @Test
  void slowStart_holdsTheProbedBestBackToItsRamp() {
    lb.close();
    lb = LoadBalancer.builder("prequal").executor(Runnable::run).source(source)
        .picker(Pickers.prequal(probe).probeReuse(16))
        .ticker(ticker).random(new SplittableRandom(5)).slowStart(Duration.ofSeconds(100)).build();
    source.update(List.of(A, B, C, D)); // D joins: it ramps from a tenth
    endCalls(4);
    tick();
    assertThat(probe.open.keySet()).containsExactlyInAnyOrder(A, B, C, D);
    probe.answer(A, 0, 50);
    probe.answer(B, 0, 50);
    probe.answer(C, 0, 50);
    probe.answer(D, 0, 1);
    int toD = 0;
    for (int i = 0; i < 150; i++) { // fewer admitted picks than D's answer may decide (16)
      toD += lb.pick().equals(D) ? 1 : 0;
    }
    // Admitted a tenth of the time (15); turned away, the fallback sends it a quarter of a tenth more.
    assertThat(toD).isBetween(8, 30);
    ticker.advance(Duration.ofSeconds(100));
    source.update(List.of(A, B, C, D)); // unchanged: the ramp is over
    endCalls(4);
    tick();
    for (Endpoint e : new ArrayList<>(probe.open.keySet())) {
      probe.answer(e, 0, e.equals(D) ? 1 : 50);
    }
    toD = 0;
    for (int i = 0; i < 16; i++) {
      toD += lb.pick().equals(D) ? 1 : 0;
    }
    assertThat(toD).as("at full weight the probed best takes every pick its answer decides").isEqualTo(16);
  }

  @Test
  void options_checkTheirValues() {
    PickerFactory f = Pickers.prequal(probe);
    assertThat(f.toString()).isEqualTo("prequal(probe=" + probe + ", probesPerCall=1.0, poolSize=16, maxProbeAge=1s,"
        + " hotQuantile=0.8, probeTimeout=1s, probeReuse=1)");
    assertThat(Pickers.prequal(probe).poolSize(8)).isEqualTo(Pickers.prequal(probe).poolSize(8))
        .hasSameHashCodeAs(Pickers.prequal(probe).poolSize(8)).isNotEqualTo(f);
    assertThatThrownBy(() -> Pickers.prequal(probe).probesPerCall(0))
        .hasMessage("probesPerCall: 0.0 (expected: 0.01-16)");
    assertThatThrownBy(() -> Pickers.prequal(probe).probesPerCall(Double.NaN))
        .hasMessage("probesPerCall: NaN (expected: 0.01-16)");
    assertThatThrownBy(() -> Pickers.prequal(probe).poolSize(1)).hasMessage("poolSize: 1 (expected: 2-128)");
    assertThatThrownBy(() -> Pickers.prequal(probe).probeReuse(0)).hasMessage("probeReuse: 0 (expected: 1-16)");
    assertThatThrownBy(() -> Pickers.prequal(probe).hotQuantile(0.4)).hasMessage("hotQuantile: 0.4 (expected: 0.5-1)");
    assertThatThrownBy(() -> Pickers.prequal(probe).maxProbeAge(Duration.ZERO))
        .hasMessage("maxProbeAge: PT0S (expected: PT0.001S to PT1H)");
    assertThatThrownBy(() -> Pickers.prequal(probe).probeTimeout(Duration.ofMinutes(2)))
        .hasMessage("probeTimeout: PT2M (expected: PT0.001S to PT1M)");
    assertThatThrownBy(() -> Pickers.prequal(null)).isInstanceOf(NullPointerException.class).hasMessage("probe");
    assertThatThrownBy(() -> Pickers.named("prequal"))
        .hasMessageStartingWith("picker: \"prequal\" (expected: one of roundRobin,")
        .hasMessageEndingWith("; prequal needs a LoadProbe: build it with Pickers.prequal(probe))");
    assertThatThrownBy(() -> ProbedLoad.of(-1, Duration.ZERO))
        .hasMessage("requestsInFlight: -1 (expected: 0 or more)");
    assertThatThrownBy(() -> ProbedLoad.of(1, Duration.ofMillis(-1)))
        .hasMessage("latency: PT-0.001S (expected: 0 to PT1H)");
  }

  @Test
  void pick_allocatesNothing_fromThePool_norInTheFallback() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    source.update(endpoints(64));
    for (int i = 0; i < 40; i++) {
      hold();
    }
    long sink = 0;
    // A full pool decides 16 x 16 picks; refilled, and the pool path compiled, before measuring.
    long fromPool = 0;
    for (int round = 0; round < 400; round++) {
      refill();
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 200; i++) {
        sink += lb.pick().port();
      }
      fromPool = threads.getThreadAllocatedBytes(thread) - before;
    }
    assertThat(fromPool).as("bytes allocated by 200 picks from a full pool").isLessThan(64);
    for (int i = 0; i < 400_000; i++) { // the pool spent: the fallback, compiled before measuring
      sink += lb.pick().port();
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 100_000; i++) {
      sink += lb.pick().port();
    }
    long fallback = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(sink).isPositive();
    assertThat(fallback).as("bytes allocated by 100,000 picks in the fallback").isLessThan(1_024);
  }

  /** Ends 16 calls, ticks, and answers every probe: the pool fills. */
  private void refill() {
    endCalls(16);
    tick();
    for (Endpoint e : new ArrayList<>(probe.open.keySet())) {
      probe.answer(e, e.address().hashCode() & 7, 1 + (e.address().hashCode() >>> 8 & 31));
    }
  }

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("10.1.0." + i, 80));
    }
    return list;
  }
}
