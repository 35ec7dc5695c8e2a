package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an {@link InterceptorListener} hears of scripted runs against MockWebServer backends on loopback. */
class InterceptorListenerIntegrationTest {
  /** Time stands still for the retry budget: its window never moves, so its decisions are exact. */
  private static final Ticker FROZEN = () -> 1_000_000_000L;

  private final List<Backend> backends = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<OkHttpClient> clients = new ArrayList<>();
  private final Recording heard = new Recording();

  @AfterEach
  void stop() {
    NoLeaks.checkAndStop(balancers, clients, backends);
  }

  /** Counts every callback, by service and kind, and attempts by endpoint. */
  static final class Recording implements InterceptorListener {
    final Map<String, Integer> counts = new ConcurrentHashMap<>();
    final Map<Endpoint, Integer> attemptsOn = new ConcurrentHashMap<>();
    final List<String> sequence = new CopyOnWriteArrayList<>();

    private void count(String event) {
      counts.merge(event, 1, Integer::sum);
    }

    int count(String service, String kind) {
      return counts.getOrDefault(service + " " + kind, 0);
    }

    @Override
    public void onAttempt(String service, Endpoint endpoint, int attempt) {
      count(service + " attempt");
      attemptsOn.merge(endpoint, 1, Integer::sum);
      sequence.add("attempt " + attempt);
    }

    @Override
    public void onRetry(String service, boolean requeue) {
      count(service + (requeue ? " requeue" : " retry"));
      sequence.add(requeue ? "requeue" : "retry");
    }

    @Override
    public void onRetryRefused(String service) {
      count(service + " refused");
      sequence.add("refused");
    }

    @Override
    public void onNoEndpoint(String service) {
      count(service + " no endpoint");
      sequence.add("no endpoint");
    }
  }

  private Backend backend(String name) throws IOException {
    Backend backend = new Backend(name);
    backends.add(backend);
    return backend;
  }

  private LoadBalancer roundRobin(String name, List<Endpoint> endpoints) {
    LoadBalancer lb = LoadBalancer.builder(name).executor(Runnable::run).endpoints(endpoints)
        .random(new SplittableRandom(1)).build();
    balancers.add(lb);
    return lb;
  }

  private OkHttpClient client(LoadBalancingInterceptor lbi) {
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(lbi).readTimeout(2, TimeUnit.SECONDS).build();
    clients.add(client);
    return client;
  }

  private static int get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      response.body().string();
      return response.code();
    }
  }

  @Test
  void everyBackendFailing_underATenPercentBudget_countsAttemptsRetriesAndRefusalsExactly() throws Exception {
    List<Endpoint> pool = new ArrayList<>();
    for (String name : List.of("one", "two", "three")) {
      pool.add(backend(name).answer(new MockResponse.Builder().code(500).body(name).build()).endpoint());
    }
    OkHttpClient client = client(LoadBalancingInterceptor.builder()
        .service("orders", roundRobin("orders", pool))
        .retryBudget(RetryBudget.of(10, 0))
        .ticker(FROZEN)
        .listener(heard)
        .build());

    for (int i = 0; i < 100; i++) {
      assertThat(get(client, "http://orders/x")).isEqualTo(500);
    }

    // Call k may retry while retries < k * 10%: calls 10, 20, ... 100 retry once, and every call
    // then has one retry refused (the first attempt of the 90 others, the second of those ten).
    assertThat(heard.count("orders", "attempt")).isEqualTo(110);
    assertThat(heard.count("orders", "retry")).isEqualTo(10);
    assertThat(heard.count("orders", "refused")).isEqualTo(100);
    assertThat(heard.count("orders", "requeue")).isZero();
    assertThat(heard.count("orders", "no endpoint")).isZero();
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).isEqualTo(110);
    assertThat(heard.sequence.subList(0, 2)).containsExactly("attempt 1", "refused");
    assertThat(heard.sequence.subList(9 * 2, 9 * 2 + 4)).containsExactly("attempt 1", "retry", "attempt 2", "refused");
  }

  @Test
  void aRefusingEndpoint_isRequeuedFreeOfTheBudget_andEachRequeueIsHeard() throws Exception {
    Endpoint dead;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = Endpoint.of("127.0.0.1", socket.getLocalPort());
    }
    Backend one = backend("one");
    OkHttpClient client = client(LoadBalancingInterceptor.builder()
        .service("orders", roundRobin("orders", List.of(dead, one.endpoint())))
        .retryBudget(RetryBudget.of(0, 0)) // no retry at all: requeues only
        .ticker(FROZEN)
        .listener(heard)
        .build());

    for (int i = 0; i < 10; i++) {
      assertThat(get(client, "http://orders/x")).isEqualTo(200);
    }

    int deadAttempts = heard.attemptsOn.getOrDefault(dead, 0);
    assertThat(deadAttempts).as("round robin over two: nearly every call tries the dead one first").isBetween(9, 10);
    assertThat(heard.count("orders", "requeue")).isEqualTo(deadAttempts);
    assertThat(heard.count("orders", "attempt")).isEqualTo(10 + deadAttempts);
    assertThat(heard.count("orders", "retry")).isZero();
    assertThat(heard.count("orders", "refused")).isZero();
    assertThat(one.requests).hasValue(10);
  }

  @Test
  void noEndpoint_andNoRoute_areHeardPerService_withoutAnyAttempt() throws Exception {
    LoadBalancer empty = roundRobin("orders", List.of());
    Backend one = backend("one");
    Routes apiOnly = Routes.builder().pathPrefix("/api/", roundRobin("users", List.of(one.endpoint()))).build();
    OkHttpClient client = client(LoadBalancingInterceptor.builder()
        .service("orders", empty)
        .service("users", apiOnly)
        .listener(heard)
        .build());

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> get(client, "http://orders/x")).isInstanceOf(NoAvailableEndpointIOException.class);
    }
    assertThatThrownBy(() -> get(client, "http://users/other")).isInstanceOf(NoAvailableEndpointIOException.class);
    assertThat(get(client, "http://users/api/1")).isEqualTo(200);

    assertThat(heard.counts).containsOnly(
        Map.entry("orders no endpoint", 3), Map.entry("users no endpoint", 1), Map.entry("users attempt", 1));
  }

  @Test
  void aListenerThatThrows_breaksNoCall_andLeaksNoLease() throws Exception {
    Backend one = backend("one").answer(new MockResponse.Builder().code(503).build());
    Backend two = backend("two");
    InterceptorListener broken = new InterceptorListener() {
      @Override
      public void onAttempt(String service, Endpoint endpoint, int attempt) {
        throw new IllegalStateException("broken listener");
      }

      @Override
      public void onRetry(String service, boolean requeue) {
        throw new IllegalStateException("broken listener");
      }
    };
    OkHttpClient client = client(LoadBalancingInterceptor.builder()
        .service("orders", roundRobin("orders", List.of(one.endpoint(), two.endpoint())))
        .listener(broken)
        .build());

    for (int i = 0; i < 6; i++) {
      assertThat(get(client, "http://orders/x")).isEqualTo(200);
    }
    assertThat(one.requests.get()).as("the 503s were retried").isPositive();
  }

  @Test
  void listener_null_isRejected() {
    assertThatThrownBy(() -> LoadBalancingInterceptor.builder().listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }
}
