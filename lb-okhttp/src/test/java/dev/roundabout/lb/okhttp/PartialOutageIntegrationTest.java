package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.ActiveHealthChecker;
import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthTrackers;
import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool of three with two dead endpoints, over real sockets and with the defaults everywhere
 * (outlier detection, HTTP health checks, retries, panic at 50%): one endpoint's listener is
 * closed (connections refused), one resets every connection it accepts. The survivor serves every
 * call, once.
 */
class PartialOutageIntegrationTest {
  private static final int CALLERS = 4;
  private static final int CALLS_EACH = 150;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void twoDeadOfThree_failNoGet_andTheSurvivorServesEachCallOnce() throws Exception {
    Backend survivor = new Backend("survivor");
    resources.add(survivor);
    Resetter resetter = new Resetter();
    resources.add(resetter);
    Endpoint refused = Endpoint.of("127.0.0.1", closedPort());
    HttpHealthProbe probe = HttpHealthProbe.create();
    resources.add(probe);
    LoadBalancer lb = LoadBalancer.builder("orders")
        .endpoints(List.of(refused, resetter.endpoint(), survivor.endpoint()))
        .healthTracker(HealthTrackers.allOf(
            OutlierDetector.builder().build(),
            ActiveHealthChecker.builder(probe).interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(90)).build()))
        .build();
    resources.add(lb);
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).build())
        .readTimeout(2, TimeUnit.SECONDS)
        .build();
    resources.add(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    // The checks find both dead endpoints: one of three available, under the panic threshold.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lb.stats())
        .extracting(s -> s.health())
        .containsExactly(EndpointHealth.UNHEALTHY, EndpointHealth.UNHEALTHY, EndpointHealth.AVAILABLE));

    AtomicInteger failed = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        done.add(callers.submit(() -> {
          for (int i = 0; i < CALLS_EACH; i++) {
            try (Response response = client.newCall(new Request.Builder().url("http://orders/x").build()).execute()) {
              if (response.code() != 200) {
                failed.incrementAndGet();
              }
            } catch (IOException e) {
              failed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(failed).hasValue(0);
    long served = survivor.recorded.stream().filter(r -> r.getTarget().equals("/x")).count();
    assertThat(served).as("calls the survivor served").isEqualTo(CALLERS * CALLS_EACH);
    assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A server that accepts every connection and resets it at once. */
  private static final class Resetter implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Thread thread = new Thread(this::run, "roundabout-test-resetter");

    Resetter() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    Endpoint endpoint() {
      return Endpoint.of("127.0.0.1", server.getLocalPort());
    }

    private void run() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          socket.setSoLinger(true, 0); // close sends a reset
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      thread.join(5_000);
    }
  }
}
