package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Pickers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Servers on loopback answer with ORCA's {@code endpoint-load-metrics} header; the interceptor
 * attaches each report to its lease, and {@code Pickers.reportedLoad()} follows them, on a fake
 * clock.
 */
class LoadReportIntegrationTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<Backend> backends = new ArrayList<>();
  private Backend one;
  private Backend two;
  private Backend three;
  private LoadBalancer lb;
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    one = backend("one").answer(withReport("TEXT cpu_utilization=0.5, rps_fractional=100")); // weight 200
    two = backend("two").answer(withReport("JSON {\"cpu_utilization\": 0.5, \"rps_fractional\": 50}")); // 100
    three = backend("three").answer(withReport("TEXT application_utilization=1, rps_fractional=50, eps=0")); // 50
    List<Endpoint> endpoints = new ArrayList<>();
    for (Backend b : backends) {
      endpoints.add(b.endpoint());
    }
    lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints).picker(Pickers.reportedLoad())
        .ticker(nanos::get).random(new SplittableRandom(5)).build();
    client = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).build())
        .readTimeout(2, TimeUnit.SECONDS)
        .build();
  }

  @AfterEach
  void stop() {
    Backend.closeChecked(lb);
    Backend.closeChecked(client);
    backends.forEach(Backend::close);
  }

  private Backend backend(String name) throws IOException {
    Backend backend = new Backend(name);
    backends.add(backend);
    return backend;
  }

  private static MockResponse withReport(String header) {
    return new MockResponse.Builder().code(200).addHeader(EndpointLoadMetrics.HEADER, header).body("ok").build();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** Makes {@code count} calls and returns how many each backend served. */
  private List<Integer> calls(int count) throws IOException {
    int[] before = {one.requests.get(), two.requests.get(), three.requests.get()};
    for (int i = 0; i < count; i++) {
      try (Response response = client.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        assertThat(response.code()).isEqualTo(200);
      }
    }
    return List.of(one.requests.get() - before[0], two.requests.get() - before[1], three.requests.get() - before[2]);
  }

  @Test
  void theWeights_followTheReportedLoad_afterTheBlackout() throws IOException {
    assertThat(calls(30)).as("no weight yet: round robin").containsExactly(10, 10, 10);
    advance(Duration.ofSeconds(10));
    assertThat(calls(70)).containsExactly(40, 20, 10);

    three.answer(withReport("TEXT cpu_utilization=0.25, rps_fractional=50")); // 200
    advance(Duration.ofSeconds(1));
    calls(7);
    advance(Duration.ofSeconds(1));
    assertThat(calls(50)).containsExactly(20, 10, 20);
  }

  @Test
  void aServerThatStopsReporting_fallsBackToTheMeanWeight_afterTheExpiry() throws IOException {
    calls(3);
    advance(Duration.ofSeconds(10));
    assertThat(calls(70)).containsExactly(40, 20, 10);

    three.healthy(); // no header any more
    advance(Duration.ofSeconds(170));
    assertThat(calls(70)).as("three's last report is 170 s old").containsExactly(40, 20, 10);
    advance(Duration.ofSeconds(10));
    assertThat(calls(90)).as("expired: the mean of 200 and 100").containsExactly(40, 20, 30);
  }

  @Test
  void aMalformedHeader_isIgnored_andChangesNothing() throws IOException {
    calls(3);
    advance(Duration.ofSeconds(10));
    assertThat(calls(70)).containsExactly(40, 20, 10);

    // Read in part, eps would make two the heaviest; read whole, it is refused.
    two.answer(withReport("TEXT cpu_utilization=0.05, rps_fractional=100, eps=lots"));
    calls(70);
    advance(Duration.ofSeconds(1));
    assertThat(calls(70)).containsExactly(40, 20, 10);
  }

  @Test
  void aProblem_isLoggedOncePerKind_withItsReason() throws IOException {
    List<String> warnings = new ArrayList<>();
    LoadReportReader reader = new LoadReportReader(warnings::add);
    OkHttpClient plain = new OkHttpClient();
    try {
      for (String header : new String[] {"TEXT cpu_utilization=high", "TEXT cpu_utilization=low", "TEXT rps_fractional=x",
          "TEXT cpu_utilization=0.5, rps_fractional=10"}) {
        one.answer(withReport(header));
        try (Response response = plain.newCall(new Request.Builder().url(one.server.url("/")).build()).execute();
            Lease lease = lb.acquire()) {
          boolean attached = reader.attach(lease, response, "orders");
          assertThat(attached).as(header).isEqualTo(header.endsWith("=10"));
        }
      }
    } finally {
      plain.dispatcher().executorService().shutdown();
      plain.connectionPool().evictAll();
    }
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).matches("Ignored the endpoint-load-metrics header of an answer from 127\\.0\\.0\\.1:\\d+"
        + " for 'orders': cpu_utilization: \"high\" \\(expected: a decimal number\\) \\(logged once for this kind of problem\\)");
    assertThat(warnings.get(1)).contains("rps_fractional: \"x\" (expected: a decimal number)");
  }
}
