package dev.roundabout.lb.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An {@link ActiveHealthChecker} without a given scheduler: a thread of its own per balancer. */
class ActiveHealthCheckerIntegrationTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);

  private static Set<String> healthThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("roundabout-health-integration-"))
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  @AfterEach
  void noThreadLeaks() {
    await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().isEmpty());
  }

  @Test
  void oneChecker_givesEachBalancerADaemonThread_thatStopsWithThatBalancer() {
    ActiveHealthChecker checker =
        ActiveHealthChecker.builder((endpoint, timeout) -> CompletableFuture.completedFuture(true)).interval(Duration.ofHours(1)).build();
    LoadBalancer orders = LoadBalancer.builder("integration-orders").executor(Runnable::run).endpoints(List.of(A)).healthTracker(checker).build();
    try (LoadBalancer payments =
        LoadBalancer.builder("integration-payments").executor(Runnable::run).endpoints(List.of(A)).healthTracker(checker).build()) {
      assertThat(healthThreads()).containsExactlyInAnyOrder("roundabout-health-integration-orders", "roundabout-health-integration-payments");
      assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("roundabout-health-integration-")))
          .allSatisfy(t -> assertThat(t.isDaemon()).isTrue());

      orders.close();

      await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().equals(Set.of("roundabout-health-integration-payments")));
      assertThat(payments.pick()).isEqualTo(A);
    }
  }
}
