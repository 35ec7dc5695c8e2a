package dev.roundabout.lb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class InterceptorMetricsTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 8080);

  private static double count(SimpleMeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void eachCallback_countsUnderItsService() {
    InterceptorMetrics metrics = InterceptorMetrics.create();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);

    metrics.onAttempt("orders", A, 1);
    metrics.onAttempt("orders", A, 2);
    metrics.onRetry("orders", false);
    metrics.onRetry("orders", true);
    metrics.onRetry("orders", true);
    metrics.onRetryRefused("orders");
    metrics.onNoEndpoint("users");
    metrics.onHedge("orders", A);
    metrics.onHedge("orders", A);
    metrics.onHedgeWon("orders");
    metrics.onHedgeRefused("orders");
    metrics.onHedgeRefused("orders");
    metrics.onHedgeRefused("orders");

    assertThat(count(registry, "roundabout.okhttp.attempts", "service", "orders")).isEqualTo(2);
    assertThat(count(registry, "roundabout.okhttp.retries", "service", "orders", "kind", "retry")).isEqualTo(1);
    assertThat(count(registry, "roundabout.okhttp.retries", "service", "orders", "kind", "requeue")).isEqualTo(2);
    assertThat(count(registry, "roundabout.okhttp.retries.refused", "service", "orders")).isEqualTo(1);
    assertThat(count(registry, "roundabout.okhttp.no.endpoint", "service", "orders")).isZero();
    assertThat(count(registry, "roundabout.okhttp.no.endpoint", "service", "users")).isEqualTo(1);
    assertThat(count(registry, "roundabout.okhttp.attempts", "service", "users")).as("registered with the first event").isZero();
    assertThat(count(registry, "roundabout.okhttp.hedges", "service", "orders")).isEqualTo(2);
    assertThat(count(registry, "roundabout.okhttp.hedges.won", "service", "orders")).isEqualTo(1);
    assertThat(count(registry, "roundabout.okhttp.hedges.refused", "service", "orders")).isEqualTo(3);
    assertThat(registry.getMeters()).hasSize(2 * 8);
    assertThat(metrics).hasToString("InterceptorMetrics[orders, users]");
    registry.close();
  }

  @Test
  void aRegistryBoundLater_getsTheServicesSeenBefore_andEveryRegistryCountsTheSame() {
    InterceptorMetrics metrics = InterceptorMetrics.create();
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    metrics.onAttempt("orders", A, 1); // before any registry
    metrics.bindTo(first);
    metrics.onAttempt("orders", A, 1);
    metrics.bindTo(second);
    metrics.onAttempt("users", A, 1);

    assertThat(count(first, "roundabout.okhttp.attempts", "service", "orders")).isEqualTo(2);
    assertThat(count(second, "roundabout.okhttp.attempts", "service", "orders")).isEqualTo(2);
    assertThat(count(first, "roundabout.okhttp.attempts", "service", "users")).isEqualTo(1);
    assertThat(count(second, "roundabout.okhttp.attempts", "service", "users")).isEqualTo(1);
    first.close();
    second.close();
  }

  @Test
  void bindTo_null_isRejected() {
    assertThatThrownBy(() -> InterceptorMetrics.create().bindTo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }
}
