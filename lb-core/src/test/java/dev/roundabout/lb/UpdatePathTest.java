package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Where the update path runs: never on a pick or an outcome thread unless the executor is direct. */
class UpdatePathTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);

  private final FakeTicker ticker = new FakeTicker();
  private final List<Runnable> queued = new ArrayList<>();
  private final List<Thread> builtOn = new CopyOnWriteArrayList<>();
  private final PickerFactory recordingRoundRobin = ready -> {
    builtOn.add(Thread.currentThread());
    return Pickers.roundRobin().create(ready);
  };

  private LoadBalancer balancer(MutableEndpointSource source) {
    return LoadBalancer.builder("orders")
        .source(source)
        .executor(queued::add)
        .ticker(ticker)
        .random(new SplittableRandom(1))
        .picker(recordingRoundRobin)
        .healthTracker(OutlierDetector.builder().consecutiveFailures(1).withoutFailureRate().build())
        .build();
  }

  private void runQueued() {
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
  }

  @Test
  void theBuildAndASourceUpdate_applyOnTheCallingThread() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    try (LoadBalancer lb = balancer(source)) {
      assertThat(lb.pick()).isEqualTo(A);
      source.update(List.of(A, B));
      assertThat(lb.endpoints()).containsExactly(A, B);
      assertThat(queued).isEmpty();
      assertThat(builtOn).containsOnly(Thread.currentThread());
    }
  }

  @Test
  void anOutcomeThatEjects_handsTheRebuildToTheExecutor_andPicksKeepTheLastSnapshotUntilItRuns() {
    try (LoadBalancer lb = balancer(EndpointSource.mutable(List.of(A, B)))) {
      builtOn.clear();
      Lease lease = lb.acquire();
      Endpoint failed = lease.endpoint();
      lease.failure(new IOException("refused"));
      lease.close();

      assertThat(builtOn).as("pickers built on the calling thread").isEmpty();
      assertThat(queued).hasSize(1);
      assertThat(List.of(lb.pick(), lb.pick())).contains(failed); // the old snapshot still offers it

      runQueued();
      assertThat(builtOn).hasSize(1);
      for (int i = 0; i < 10; i++) {
        assertThat(lb.pick()).isNotEqualTo(failed);
      }
    }
  }

  @Test
  void aPickThatFindsATimeDrivenChangeDue_handsItToTheExecutor_once() {
    try (LoadBalancer lb = balancer(EndpointSource.mutable(List.of(A, B)))) {
      Lease lease = lb.acquire();
      Endpoint failed = lease.endpoint();
      lease.failure(new IOException("refused"));
      lease.close();
      runQueued(); // ejected for 30 s
      builtOn.clear();

      ticker.advance(Duration.ofSeconds(31));
      for (int i = 0; i < 10; i++) {
        assertThat(lb.pick()).isNotEqualTo(failed); // still the snapshot without it
      }
      assertThat(queued).as("one coalesced refresh for ten picks").hasSize(1);
      assertThat(builtOn).isEmpty();

      runQueued();
      assertThat(List.of(lb.pick(), lb.pick())).contains(failed);
    }
  }

  @Test
  void theDefaultExecutor_appliesAnEjectionOffTheCallingThread() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").endpoints(List.of(A, B)).picker(recordingRoundRobin)
        .healthTracker(OutlierDetector.builder().consecutiveFailures(1).withoutFailureRate().build()).build()) {
      builtOn.clear();
      Lease lease = lb.acquire();
      Endpoint failed = lease.endpoint();
      lease.failure(new IOException("refused"));
      lease.close();

      await().atMost(Duration.ofSeconds(10)).until(() -> !builtOn.isEmpty());
      assertThat(builtOn).doesNotContain(Thread.currentThread());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lb.pick()).isNotEqualTo(failed));
    }
  }

  @Test
  void theConfinedMethods_refuseToRunOutsideTheUpdatePath() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").endpoints(List.of(A)).executor(Runnable::run).build()) {
      Snapshot current = lb.snapshot();
      assertThatThrownBy(() -> lb.publish(current))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("called on thread " + Thread.currentThread().getName()
              + " (expected: inside the serialized path of load balancer 'orders')");
    }
  }

  @Test
  void close_runsOnTheCallingThread_evenWithAnExecutorThatNeverRuns() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    LoadBalancer lb = balancer(source);
    lb.close();

    assertThat(queued).isEmpty();
    source.update(List.of(A, B)); // the subscription is closed: nothing happens
    assertThat(lb.endpoints()).isEmpty();
    assertThatThrownBy(lb::pick).isInstanceOf(IllegalStateException.class).hasMessage("load balancer 'orders' is closed");
  }

  @Test
  void executor_null_isRefused() {
    assertThatThrownBy(() -> LoadBalancer.builder("orders").executor(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("executor");
  }
}
