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
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
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
  void overHttps_withTheLogicalHost_theCertificateOfThatNameIsVerified_andSentAsSni() throws Exception {
    HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
    HeldCertificate orders = new HeldCertificate.Builder().addSubjectAlternativeName("orders.test").signedBy(root).build();
    backend = new Backend("b", new HandshakeCertificates.Builder().heldCertificate(orders).build().sslSocketFactory());
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
    OkHttpClient tls = client.newBuilder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
    HttpHealthProbe probe = HttpHealthProbe.create(tls).https();

    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).as("verified against the IP").isFalse();
    assertThat(check(probe.host("orders.test"), backend.endpoint(), Duration.ofSeconds(2))).isTrue();
    assertThat(backend.recorded).hasSize(1);
    assertThat(backend.recorded.get(0).getHandshakeServerNames()).containsExactly("orders.test");
    assertThat(backend.recorded.get(0).getUrl().host()).isEqualTo("orders.test"); // the Host or :authority the server saw
    assertThat(check(probe.host("payments.test"), backend.endpoint(), Duration.ofSeconds(2)))
        .as("a certificate for another name").isFalse();
  }

  @Test
  void theProbesOwnClient_runsOnDaemonThreads_thatEndWhenChecksStop() throws Exception {
    backend = new Backend("b");
    HttpHealthProbe probe = HttpHealthProbe.create();
    ActiveHealthChecker checker = ActiveHealthChecker.builder(probe).interval(Duration.ofMillis(50)).timeout(Duration.ofMillis(40)).build();
    try (LoadBalancer lb = LoadBalancer.builder("orders").endpoints(List.of(backend.endpoint())).healthTracker(checker).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests.get() >= 3);
      // OkHttp names a thread after its call while it runs one: wait until one is between calls.
      await().atMost(Duration.ofSeconds(10)).until(() -> !probeThreads().isEmpty());
      assertThat(probeThreads()).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> probeThreads().isEmpty());
    probe.close();
  }

  @Test
  void close_endsTheThreadsOfTheProbesOwnClient_atOnce() throws Exception {
    backend = new Backend("b");
    HttpHealthProbe probe = HttpHealthProbe.create();
    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).isTrue();

    probe.close();

    await().atMost(Duration.ofSeconds(2)).until(() -> probeThreads().isEmpty());
    assertThat(check(probe, backend.endpoint(), Duration.ofSeconds(2))).as("a check after close").isFalse();
  }

  private static List<Thread> probeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("roundabout-http-probe"))
        .toList();
  }

  @Test
  void badInput() {
    assertThatThrownBy(() -> HttpHealthProbe.create().host("orders:8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"orders:8080\" (expected: a host name, without scheme or port)");
    assertThatThrownBy(() -> HttpHealthProbe.create().host("https://orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"https://orders\" (expected: a host name, without scheme or port)");
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
