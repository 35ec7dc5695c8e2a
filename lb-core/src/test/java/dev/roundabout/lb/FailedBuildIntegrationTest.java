package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.health.ActiveHealthChecker;
import dev.roundabout.lb.health.HealthProbe;
import dev.roundabout.lb.health.ManualHealthTracker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A build that fails leaves nothing running: no health tracker, no thread. */
class FailedBuildIntegrationTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final String NAME = "failed-build";
  private static final String HEALTH_THREAD = "roundabout-health-" + NAME;

  /** A source that delivers {@code endpoints}, runs {@code afterDelivery}, then throws from subscribe. */
  private static EndpointSource deliversThenThrows(List<Endpoint> endpoints, Runnable afterDelivery) {
    return listener -> {
      listener.onEndpoints(endpoints);
      afterDelivery.run();
      throw new IllegalStateException("registry watch failed");
    };
  }

  private static boolean healthThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(HEALTH_THREAD));
  }

  @AfterEach
  void noThreadLeaks() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthThreadAlive());
  }

  @Test
  void aSourceThatThrowsFromSubscribe_failsTheBuild_andStopsTheActiveCheckersThread() {
    AtomicInteger checks = new AtomicInteger();
    HealthProbe probe =
        (endpoint, timeout) -> {
          checks.incrementAndGet();
          return CompletableFuture.completedFuture(true);
        };
    ActiveHealthChecker checker =
        ActiveHealthChecker.builder(probe).interval(Duration.ofMillis(20)).timeout(Duration.ofMillis(10)).jitterPercent(0).build();
    EndpointSource source =
        deliversThenThrows(List.of(A), () -> await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 2));
    LoadBalancer.Builder builder = LoadBalancer.builder(NAME).executor(Runnable::run).source(source).healthTracker(checker);

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessage("registry watch failed");

    await().atMost(Duration.ofSeconds(10)).until(() -> !healthThreadAlive());
    int afterStop = checks.get();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> checks.get() == afterStop);
  }

  @Test
  void aSourceThatThrowsFromSubscribe_failsTheBuild_andClosesTheTracker() {
    ManualHealthTracker tracker = new ManualHealthTracker();
    LoadBalancer.Builder builder = LoadBalancer.builder(NAME).executor(Runnable::run).source(deliversThenThrows(List.of(A), () -> {})).healthTracker(() -> tracker);

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessage("registry watch failed");

    assertThat(tracker.changes).containsExactly("+[" + A + "] -[]"); // the list was delivered first
    assertThat(tracker.closed).isTrue();
  }
}
