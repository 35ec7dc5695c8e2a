package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.ProbedLoad;
import dev.roundabout.lb.okhttp.HttpLoadProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadProbeHandler} in a JDK server on loopback, asked by {@link HttpLoadProbe}: it counts
 * the requests in flight of the service it wraps and reports their recent latency. The handler's
 * clock is one the service moves, so the figures are exact.
 */
class LoadProbeHandlerTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final LoadProbeHandler load = new LoadProbeHandler(clock::get);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final OkHttpClient client = new OkHttpClient();
  private final HttpLoadProbe probe = HttpLoadProbe.create(client);
  /** Each request the service takes waits for a permit, then takes {@link #takes} on the clock. */
  private final Semaphore permits = new Semaphore(0);
  private final Semaphore entered = new Semaphore(0);
  private volatile Duration takes = Duration.ZERO;
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = LoadProbeServer.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), exchange -> {
      entered.release();
      try {
        if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
          throw new IOException("no permit within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      clock.addAndGet(takes.toNanos());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    }, load, threads);
  }

  @AfterEach
  void stop() throws InterruptedException {
    assertThat(client.connectionPool().connectionCount()).isEqualTo(client.connectionPool().idleConnectionCount());
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    server.stop(0);
    threads.shutdown();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("the server's threads ended").isTrue();
  }

  private ProbedLoad probed() throws Exception {
    Endpoint endpoint = Endpoint.of("127.0.0.1", server.getAddress().getPort());
    return probe.probe(endpoint, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Starts a call of the service, which waits for a permit; completes with its status. */
  private CompletableFuture<Integer> call() {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    Request request = new Request.Builder().url("http://127.0.0.1:" + server.getAddress().getPort() + "/orders").build();
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          status.complete(response.code());
        }
      }

      @Override
      public void onFailure(Call call, IOException e) {
        status.completeExceptionally(e);
      }
    });
    return status;
  }

  /** Starts a call and waits until the service holds it. */
  private CompletableFuture<Integer> held() throws InterruptedException {
    CompletableFuture<Integer> call = call();
    assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).as("the service took the call").isTrue();
    return call;
  }

  /**
   * One call that takes {@code millis} on the service's clock, until the wrapper has counted it
   * (the client has the answer a moment before the wrapper's accounting ends).
   */
  private void answered(long millis) throws Exception {
    takes = Duration.ofMillis(millis);
    CompletableFuture<Integer> call = held();
    permits.release();
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(204);
    noneInFlight();
  }

  private void noneInFlight() {
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
        .until(() -> probed().requestsInFlight() == 0);
  }

  @Test
  void beforeAnyAnswer_nothingInFlight_andNoLatency() throws Exception {
    assertThat(probed()).isEqualTo(ProbedLoad.of(0, Duration.ZERO));
  }

  @Test
  void requestsHeldOpen_areInFlight_theProbeItselfIsNot() throws Exception {
    CompletableFuture<Integer> first = held();
    assertThat(probed()).isEqualTo(ProbedLoad.of(1, Duration.ZERO));
    CompletableFuture<Integer> second = held();
    assertThat(probed()).isEqualTo(ProbedLoad.of(2, Duration.ZERO));

    permits.release(2);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(204);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(204);
    noneInFlight();
  }

  @Test
  void latency_isTheMovingAverageOfTheAnswers_andZeroOnceNoneIsRecent() throws Exception {
    answered(40);
    assertThat(probed()).isEqualTo(ProbedLoad.of(0, Duration.ofMillis(40)));
    answered(20);
    assertThat(probed()).as("40 + 0.2 x (20 - 40)").isEqualTo(ProbedLoad.of(0, Duration.ofMillis(36)));
    answered(136);
    assertThat(probed()).as("36 + 0.2 x (136 - 36)").isEqualTo(ProbedLoad.of(0, Duration.ofMillis(56)));

    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(probed().latency()).as("5 s after the last answer").isEqualTo(Duration.ofMillis(56));
    clock.addAndGet(1);
    assertThat(probed().latency()).as("just over 5 s after it").isZero();
    answered(7);
    assertThat(probed().latency()).as("a fresh start").isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void theReadmeShowsTheHandlerAndItsWiring_asTheyAreInTheExamples() throws IOException {
    String readme = ExamplesReadmeTest.readme();
    String source = Files.readString(Path.of("src/main/java/dev/roundabout/examples/LoadProbeHandler.java"),
        StandardCharsets.UTF_8);
    String begin = "// load-probe-handler:begin\n";
    String handler = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("// load-probe-handler:end"));
    assertThat(readme).contains("```java\n" + handler + "```\n");
    assertThat(readme).contains("```java\n" + ExamplesReadmeTest.block("LoadProbeServer.java", "load-probe-server") + "```\n");
    assertThat(readme).contains("```java\n" + ExamplesReadmeTest.block("LoadProbeServer.java", "load-probe-balancer") + "```\n");
  }

  @Test
  void theReadmesBalancer_builds() {
    LoadBalancer orders = LoadProbeServer.balancer(List.of(Endpoint.of("127.0.0.1", server.getAddress().getPort())));
    assertThat(orders.describe().picker()).startsWith("prequal(probe=HttpLoadProbe{http /load}");
    orders.close();
  }
}
