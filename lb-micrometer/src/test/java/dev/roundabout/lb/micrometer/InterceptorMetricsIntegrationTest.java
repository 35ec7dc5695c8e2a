package dev.roundabout.lb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import dev.roundabout.lb.okhttp.NoAvailableEndpointIOException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor's counters and the balancer's call timers after scripted runs through a real
 * OkHttp client against MockWebServer backends on loopback, in the simple and the Prometheus
 * registries.
 */
class InterceptorMetricsIntegrationTest {
  private final FakeTicker ticker = new FakeTicker(); // stands still: the retry budget's window never moves
  private final List<MockWebServer> servers = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final SimpleMeterRegistry simple = new SimpleMeterRegistry();
  private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final InterceptorMetrics interceptorMetrics = InterceptorMetrics.create();
  private OkHttpClient client = new OkHttpClient();

  @AfterEach
  void stop() {
    for (LoadBalancer lb : balancers) {
      assertThat(lb.stats()).as("leases left open on %s", lb.name()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
      lb.close();
    }
    assertThat(client.connectionPool().connectionCount()).as("connections in use after the test")
        .isEqualTo(client.connectionPool().idleConnectionCount());
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    servers.forEach(MockWebServer::close);
    simple.close();
    prometheus.close();
  }

  private Endpoint server(int code) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(code).body("hello").build();
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
    servers.add(server);
    return Endpoint.of("127.0.0.1", server.getPort());
  }

  private static Endpoint refusing() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Endpoint.of("127.0.0.1", socket.getLocalPort());
    }
  }

  /** A round-robin balancer over {@code endpoints} with its own metrics bound to both registries. */
  private LoadBalancer balancer(String name, List<Endpoint> endpoints) {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = LoadBalancer.builder(name).endpoints(endpoints).executor(Runnable::run).ticker(ticker)
        .random(new SplittableRandom(1))
        .listener(metrics.listener()).callListener(metrics.callListener())
        .build();
    balancers.add(lb);
    metrics.forBalancer(lb).bindTo(simple);
    metrics.bindTo(prometheus);
    return lb;
  }

  private int get(String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      response.body().string();
      return response.code();
    }
  }

  private double count(String name, String... tags) {
    return simple.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void scriptedRun_countsAttemptsRetriesRefusalsAndNoEndpointExactly_inBothRegistries() throws IOException {
    List<Endpoint> failing = List.of(server(500), server(500), server(500));
    Endpoint dead = refusing();
    Endpoint healthy = server(200);
    interceptorMetrics.bindTo(simple);
    interceptorMetrics.bindTo(prometheus);
    LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder()
        .service("orders", balancer("orders", failing))
        .service("users", balancer("users", List.of(dead, healthy)))
        .service("stock", balancer("stock", List.of()))
        .retryBudget(RetryBudget.of(10, 0))
        .ticker(ticker)
        .listener(interceptorMetrics)
        .build();
    client = new OkHttpClient.Builder().addInterceptor(lbi).readTimeout(2, TimeUnit.SECONDS).build();

    for (int i = 0; i < 20; i++) {
      assertThat(get("http://orders/x")).isEqualTo(500);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(get("http://users/x")).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> get("http://stock/x")).isInstanceOf(NoAvailableEndpointIOException.class);
    }

    // orders: call k may retry while retries < k * 10% (the users' calls come later), so calls 10
    // and 20 retry once, and each of the 20 calls has one retry refused. users: round robin over a
    // refusing and a healthy endpoint; each call that tries the refusing one first is requeued.
    double requeues = count("roundabout.okhttp.retries", "service", "users", "kind", "requeue");
    assertThat(requeues).isBetween(3.0, 4.0);
    assertThat(count("roundabout.okhttp.attempts", "service", "orders")).isEqualTo(22);
    assertThat(count("roundabout.okhttp.retries", "service", "orders", "kind", "retry")).isEqualTo(2);
    assertThat(count("roundabout.okhttp.retries", "service", "orders", "kind", "requeue")).isZero();
    assertThat(count("roundabout.okhttp.retries.refused", "service", "orders")).isEqualTo(20);
    assertThat(count("roundabout.okhttp.attempts", "service", "users")).isEqualTo(4 + requeues);
    assertThat(count("roundabout.okhttp.retries.refused", "service", "users")).isZero();
    assertThat(count("roundabout.okhttp.no.endpoint", "service", "stock")).isEqualTo(2);
    assertThat(count("roundabout.okhttp.no.endpoint", "service", "orders")).isZero();
    double ordersFailures = 0;
    for (Endpoint e : failing) {
      ordersFailures += simple.get("roundabout.lb.endpoint.calls").tags("endpoint", e.address(), "outcome", "failure")
          .functionTimer().count();
    }
    assertThat(ordersFailures).as("every attempt's lease reported a failure").isEqualTo(22);
    assertThat(simple.get("roundabout.lb.endpoint.calls").tags("endpoint", dead.address(), "outcome", "unreachable")
        .functionTimer().count()).isEqualTo((long) requeues);

    String text = prometheus.scrape();
    assertThat(text)
        .contains("roundabout_okhttp_attempts_total{service=\"orders\"} 22.0")
        .contains("roundabout_okhttp_retries_total{kind=\"retry\",service=\"orders\"} 2.0")
        .contains("roundabout_okhttp_retries_total{kind=\"requeue\",service=\"users\"} " + requeues)
        .contains("roundabout_okhttp_retries_refused_total{service=\"orders\"} 20.0")
        .contains("roundabout_okhttp_no_endpoint_total{service=\"stock\"} 2.0")
        .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"users\",endpoint=\"" + dead.address()
            + "\",outcome=\"unreachable\"} " + (long) requeues)
        .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"users\",endpoint=\"" + healthy.address()
            + "\",outcome=\"success\"} 4")
        .contains("roundabout_lb_endpoint_calls_seconds_sum{balancer=\"users\",endpoint=\"" + healthy.address()
            + "\",outcome=\"success\"} 0.0");
  }
}
