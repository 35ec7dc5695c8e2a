package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rules every registry-following source keeps, on a source the test drives by hand. */
class RegistrySourceTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

  /** A source whose registry the test plays. */
  static final class HandSource extends RegistrySource {
    int starts;
    int stops;

    HandSource() {
      super("hand:orders", Clock.fixed(T0, ZoneOffset.UTC));
    }

    @Override
    protected void start() {
      starts++;
    }

    @Override
    protected void stop() {
      stops++;
    }

    void answer(List<Endpoint> endpoints) {
      deliver(endpoints);
    }

    void outage(String reason) {
      failed(reason);
    }
  }

  private final List<String> events = new ArrayList<>();
  private final LoadBalancerListener listener = new LoadBalancerListener() {
    @Override
    public void onEndpointAdded(String balancer, Endpoint endpoint) {
      events.add("added " + endpoint.host());
    }

    @Override
    public void onEndpointRemoved(String balancer, Endpoint endpoint) {
      events.add("removed " + endpoint.host());
    }

    @Override
    public void onSourceStale(String balancer, SourceStatus status) {
      events.add("stale " + status.reason());
    }

    @Override
    public void onSourceCurrent(String balancer, SourceStatus status) {
      events.add("current");
    }
  };

  private LoadBalancer balancer(HandSource source) {
    return LoadBalancer.builder("orders").source(source).executor(Runnable::run).listener(listener).build();
  }

  @Test
  void beforeTheFirstList_picksNameTheSourceAndItsState_andAwaitFirstListWaits() throws Exception {
    HandSource source = new HandSource();
    try (LoadBalancer lb = balancer(source)) {
      assertThat(source.starts).isEqualTo(1);
      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'orders' (no list yet from hand:orders: waiting since " + T0 + ")");
      assertThat(lb.awaitFirstList(Duration.ofMillis(1))).isFalse();

      source.outage("connection refused");
      assertThatThrownBy(lb::pick)
          .hasMessage("no available endpoint in 'orders' (no list yet from hand:orders: stale since " + T0
              + " (connection refused))");

      source.answer(List.of(A, B));
      assertThat(lb.awaitFirstList(Duration.ZERO)).isTrue();
      assertThat(lb.pick()).isIn(A, B);
      assertThat(events).containsExactly("stale connection refused", "added 10.0.0.1", "added 10.0.0.2", "current");
    }
  }

  @Test
  void anOutage_keepsTheLastList_saysSoOnce_andRecoveryAppliesTheNewList() {
    HandSource source = new HandSource();
    try (LoadBalancer lb = balancer(source)) {
      source.answer(List.of(A, B));
      events.clear();

      source.outage("SERVFAIL");
      source.outage("timeout");
      assertThat(lb.endpoints()).containsExactly(A, B);
      assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
      assertThat(source.status().reason()).isEqualTo("SERVFAIL");
      assertThat(events).containsExactly("stale SERVFAIL");

      source.answer(List.of(B));
      assertThat(lb.endpoints()).containsExactly(B);
      assertThat(events).containsExactly("stale SERVFAIL", "removed 10.0.0.1", "current"); // the list, then the news
    }
  }

  @Test
  void theSameListTwice_changesNothing_andAnAuthoritativeEmptyListEmptiesThePool() {
    HandSource source = new HandSource();
    try (LoadBalancer lb = balancer(source)) {
      source.answer(List.of(A));
      source.answer(List.of(A));
      assertThat(events).containsExactly("added 10.0.0.1");

      source.answer(List.of());
      assertThat(lb.endpoints()).isEmpty();
      assertThat(events).containsExactly("added 10.0.0.1", "removed 10.0.0.1");
    }
  }

  @Test
  void closingTheBalancer_stopsTheSource_andLaterAnswersAreIgnored() {
    HandSource source = new HandSource();
    LoadBalancer lb = balancer(source);
    source.answer(List.of(A));
    lb.close();

    assertThat(source.stops).isEqualTo(1);
    source.answer(List.of(A, B));
    source.outage("late");
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThatThrownBy(() -> balancer(source))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("source hand:orders is closed (expected: a source per balancer lifetime)");
  }

  @Test
  void aSecondSubscriber_getsTheLastListAtOnce_andTheSourceStopsWithTheLast() {
    HandSource source = new HandSource();
    LoadBalancer first = balancer(source);
    source.answer(List.of(A));
    LoadBalancer second = LoadBalancer.builder("second").source(source).executor(Runnable::run).build();

    assertThat(second.endpoints()).containsExactly(A);
    assertThat(source.starts).isEqualTo(1);
    first.close();
    assertThat(source.stops).isZero();
    second.close();
    assertThat(source.stops).isEqualTo(1);
  }

  @Test
  void backoff_doublesToItsMaximum_withJitterBelowTheDelay() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).jitter(0);
    SplittableRandom random = new SplittableRandom(1);
    assertThat(backoff.delayNanos(1, random)).isEqualTo(100_000_000L);
    assertThat(backoff.delayNanos(2, random)).isEqualTo(200_000_000L);
    assertThat(backoff.delayNanos(4, random)).isEqualTo(800_000_000L);
    assertThat(backoff.delayNanos(5, random)).isEqualTo(1_000_000_000L);
    assertThat(backoff.delayNanos(Integer.MAX_VALUE, random)).isEqualTo(1_000_000_000L);

    Backoff jittered = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).jitter(0.5);
    for (int i = 0; i < 1_000; i++) {
      assertThat(jittered.delayNanos(1, random)).isBetween(50_000_000L, 100_000_000L);
    }
  }

  @Test
  void backoff_badInput() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("initial: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("max: PT1S (expected: at least initial PT2S)");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)).jitter(1.5))
        .hasMessage("jitter: 1.5 (expected: 0-1)");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)).delayNanos(0, new SplittableRandom(1)))
        .hasMessage("failures: 0 (expected: 1 or more)");
  }
}
