package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.ActiveHealthChecker;
import dev.roundabout.lb.health.EndpointHealth;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpHealthProbeTest {
  private final OkHttpClient client = new OkHttpClient();
  private Backend backend;

  @AfterEach
  void stop() {
    assertThat(client.connectionPool().connectionCount()).isEqualTo(client.connectionPool().idleConnectionCount());
    client.connectionPool().evictAll();
    client.dispatcher().executorService().shutdown();
    if (backend != null) {
      backend.close();
    }
  }

  private boolean check(HttpHealthProbe probe, Endpoint endpoint, Duration timeout) throws Exception {
    return probe.check(endpoint, timeout).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void healthyOnlyOn2xxWithinTheTimeout() throws Exception {
    backend = new Backend("b");
    HttpHealthProbe probe = HttpHealthProbe.create(client);

    backend.answer(new MockResponse.Builder().code(204).build());
    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).isTrue();
    assertThat(backend.recorded.get(0).getTarget()).isEqualTo("/healthz");
    backend.answer(new MockResponse.Builder().code(503).body("draining").build());
    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).isFalse();
    backend.answer(new MockResponse.Builder().code(301).build());
    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).isFalse();
    backend.answer(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).build());
    assertThat(check(probe, backend.endpoint(), Duration.ofMillis(200))).isFalse();
    backend.healthy();
    assertThat(check(probe.path("/ready"), backend.endpoint(), Duration.ofSeconds(2))).isTrue();
    assertThat(backend.recorded.get(backend.recorded.size() - 1).getTarget()).isEqualTo("/ready");
  }

  @Test
  void aClosedPort_isUnhealthy() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThat(check(HttpHealthProbe.create(client), Endpoint.of("127.0.0.1", port), Duration.ofSeconds(2))).isFalse();
  }

  @Test
  void aBackendWhoseHealthzTurns503_isTakenOut_andComesBackOn200() throws Exception {
    backend = new Backend("b");
    Backend other = new Backend("other");
    ActiveHealthChecker checker =
        ActiveHealthChecker.builder(HttpHealthProbe.create(client))
            .interval(Duration.ofMillis(100))
            .timeout(Duration.ofMillis(90))
            .healthyThreshold(1)
            .unhealthyThreshold(1)
            .build();
    try (LoadBalancer lb = LoadBalancer.builder("orders").endpoints(List.of(backend.endpoint(), other.endpoint()))
        .healthTracker(checker).panicThreshold(0).build()) {
      backend.answer(new MockResponse.Builder().code(503).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.healthIn(lb) == EndpointHealth.UNHEALTHY);
      for (int i = 0; i < 20; i++) {
        assertThat(lb.pick()).isEqualTo(other.endpoint());
      }

      backend.healthy();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.healthIn(lb) == EndpointHealth.AVAILABLE);
    } finally {
      other.close();
    }
  }

  @Test
  void badInput() {
    OkHttpClient balanced = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder()
            .service("x", LoadBalancer.builder("x").endpoints(List.of()).build()).build())
        .build();
    assertThatThrownBy(() -> HttpHealthProbe.create(balanced))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(expected: a client without the LoadBalancingInterceptor)");
    assertThatThrownBy(() -> HttpHealthProbe.create().path("healthz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: \"healthz\" (expected: a path starting with /)");
  }
}
