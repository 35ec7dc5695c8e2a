package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.ProbedLoad;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** {@link HttpLoadProbe} over loopback sockets: what it sends, what it reads, how it fails and stops. */
class HttpLoadProbeIntegrationTest {
  private static final String SHAPE =
      "(expected: two numbers separated by spaces, <requests in flight> <latency in milliseconds>, such as \"3 12.5\")";

  private final OkHttpClient client = new OkHttpClient();
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final HttpLoadProbe probe = HttpLoadProbe.create(client).logTo((level, line) -> logged.add(level + " " + line));
  private Backend backend;

  @AfterEach
  void stop() {
    NoLeaks.checkAndStop(List.of(), List.of(client), backend == null ? List.of() : List.of(backend));
  }

  private static ProbedLoad result(CompletableFuture<ProbedLoad> stage) throws Exception {
    return stage.get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<ProbedLoad> probe(HttpLoadProbe p, Endpoint endpoint) {
    return p.probe(endpoint, Duration.ofSeconds(5)).toCompletableFuture();
  }

  @Test
  void aGoodAnswer_isRead_fromAGetOfTheLoadPath() throws Exception {
    backend = new Backend("b").answer(new MockResponse.Builder().body("3 12.5\n").build());

    assertThat(result(probe(probe, backend.endpoint()))).isEqualTo(ProbedLoad.of(3, Duration.ofNanos(12_500_000)));
    RecordedRequest request = backend.server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget()).isEqualTo("/load");

    backend.answer(new MockResponse.Builder().addHeader("Content-Type", "application/octet-stream").body("0\t0").build());
    assertThat(result(probe(probe.path("/internal/load"), backend.endpoint()))).isEqualTo(ProbedLoad.of(0, Duration.ZERO));
    assertThat(backend.server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/internal/load");
    assertThat(logged).isEmpty();
  }

  @Test
  void eachKindOfBadAnswer_failsTheProbeWithItsReason_loggedAtWarnOnceForItsKind() throws Exception {
    backend = new Backend("b");
    String where = "HTTP load probe of " + backend.endpoint().address() + " (http /load): ";
    String once = "; this kind of problem is logged at DEBUG from now on";

    assertFails(new MockResponse.Builder().code(503).body("0 5").build(),
        "status: 503 (expected: 2xx, with the load in the body)");
    assertFails(new MockResponse.Builder().code(404).build(), "status: 404 (expected: 2xx, with the load in the body)");
    assertFails(new MockResponse.Builder().body("3").build(), "body: \"3\" " + SHAPE);
    assertFails(new MockResponse.Builder().body("3 12.5 7\n").build(), "body: \"3 12.5 7\\n\" " + SHAPE);
    assertFails(new MockResponse.Builder().body("").build(), "body: \"\" " + SHAPE);
    assertFails(new MockResponse.Builder().body("-3 12.5").build(),
        "requests in flight: \"-3\" in body \"-3 12.5\" (expected: a whole number 0-2147483647)");
    assertFails(new MockResponse.Builder().body("3 NaN").build(),
        "latency: \"NaN\" in body \"3 NaN\" (expected: milliseconds, a decimal number 0-3600000)");
    assertFails(new MockResponse.Builder().body("3 1e3").build(),
        "latency: \"1e3\" in body \"3 1e3\" (expected: milliseconds, a decimal number 0-3600000)");
    assertFails(new MockResponse.Builder().body("0 " + "9".repeat(300)).build(),
        "body: \"0 " + "9".repeat(30) + "\"... (expected: at most 256 bytes)");

    assertThat(logged).containsExactly(
        "WARN " + where + "status: 503 (expected: 2xx, with the load in the body)" + once,
        "DEBUG " + where + "status: 404 (expected: 2xx, with the load in the body)",
        "WARN " + where + "body: \"3\" " + SHAPE + once,
        "DEBUG " + where + "body: \"3 12.5 7\\n\" " + SHAPE,
        "DEBUG " + where + "body: \"\" " + SHAPE,
        "WARN " + where + "requests in flight: \"-3\" in body \"-3 12.5\" (expected: a whole number 0-2147483647)" + once,
        "WARN " + where + "latency: \"NaN\" in body \"3 NaN\" (expected: milliseconds, a decimal number 0-3600000)" + once,
        "DEBUG " + where + "latency: \"1e3\" in body \"3 1e3\" (expected: milliseconds, a decimal number 0-3600000)",
        "WARN " + where + "body: \"0 " + "9".repeat(30) + "\"... (expected: at most 256 bytes)" + once);
    assertThat(backend.requests).hasValue(9);
  }

  private void assertFails(MockResponse answer, String reason) {
    backend.answer(answer);
    assertThatThrownBy(() -> result(probe(probe, backend.endpoint())))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ProtocolException.class).hasMessage(reason);
  }

  @Test
  void aServerThatDoesNotAnswerInTime_failsTheProbeAtTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      CompletableFuture<ProbedLoad> stage = probe.probe(endpointOf(silent), Duration.ofMillis(200)).toCompletableFuture();

      assertThatThrownBy(() -> result(stage))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(InterruptedIOException.class).hasMessage("timeout");
      await().atMost(Duration.ofSeconds(5)).until(() -> client.dispatcher().runningCallsCount() == 0);
    }
    assertThat(logged).as("I/O errors are the picker's to log").isEmpty();
  }

  /** Many times over: the call's failure, which follows the cancel at once on another thread, must not win. */
  @Test
  void cancellingTheStage_cancelsTheCall_andClosesItsConnection() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      for (int round = 0; round < 20; round++) {
        CompletableFuture<ProbedLoad> stage = probe.probe(endpointOf(silent), Duration.ofSeconds(30)).toCompletableFuture();
        try (Socket connection = silent.accept()) {
          connection.setSoTimeout(5_000);
          InputStream in = connection.getInputStream();
          assertThat(readHead(in)).startsWith("GET /load HTTP/1.1\r\n");

          assertThat(stage.cancel(false)).as("round %s", round).isTrue();

          assertThat(in.read()).as("the client closed the connection").isEqualTo(-1);
        }
        assertThat(stage.isCancelled()).isTrue();
        assertThatThrownBy(() -> stage.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> client.dispatcher().runningCallsCount() == 0);
    }
  }

  @Test
  void aClosedPort_failsTheProbe() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThatThrownBy(() -> result(probe(probe, Endpoint.of("127.0.0.1", port))))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ConnectException.class);
  }

  @Test
  void withALogicalHost_theProbeConnectsToTheEndpoint_andSendsTheHostHeader() throws Exception {
    backend = new Backend("b").answer(new MockResponse.Builder().body("1 2\n").build());

    assertThat(result(probe(probe.host("orders.test"), backend.endpoint()))).isEqualTo(ProbedLoad.of(1, Duration.ofMillis(2)));
    RecordedRequest request = backend.server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getHeaders().get("Host")).isEqualTo("orders.test");
    assertThat(request.getTarget()).isEqualTo("/load");

    result(probe(probe, backend.endpoint()));
    assertThat(backend.server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Host"))
        .as("without it, the endpoint's address").isEqualTo(backend.endpoint().address());
  }

  @Test
  void theProbesOwnClient_runsOnDaemonThreads_thatCloseEndsAtOnce() throws Exception {
    backend = new Backend("b").answer(new MockResponse.Builder().body("0 1").build());
    HttpLoadProbe own = HttpLoadProbe.create();
    assertThat(result(probe(own, backend.endpoint()))).isEqualTo(ProbedLoad.of(0, Duration.ofMillis(1)));
    // OkHttp names a thread after its call while it runs one: wait until it is between calls.
    await().atMost(Duration.ofSeconds(5)).until(() -> !probeThreads().isEmpty());
    assertThat(probeThreads()).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());

    own.close();

    await().atMost(Duration.ofSeconds(2)).until(() -> probeThreads().isEmpty());
    assertThatThrownBy(() -> result(probe(own, backend.endpoint()))).as("a probe after close")
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IOException.class);
  }

  static List<Thread> probeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("roundabout-load-probe"))
        .toList();
  }

  private static Endpoint endpointOf(ServerSocket socket) {
    return Endpoint.of("127.0.0.1", socket.getLocalPort());
  }

  /** The request head the client sent, up to its empty line. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  void aProblemIsLoggedAtWarnOncePerProbe_eachProbeMadeByAnOptionCountsAfresh() throws Exception {
    backend = new Backend("b").answer(new MockResponse.Builder().body("many 5").build());
    HttpLoadProbe other = probe.path("/load");
    for (HttpLoadProbe p : List.of(probe, probe, other, other)) {
      assertThatThrownBy(() -> result(probe(p, backend.endpoint()))).isInstanceOf(ExecutionException.class);
    }
    assertThat(logged).extracting(line -> Level.valueOf(line.substring(0, line.indexOf(' '))))
        .containsExactly(Level.WARN, Level.DEBUG, Level.WARN, Level.DEBUG);
  }
}
