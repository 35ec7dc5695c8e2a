package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor against three real MockWebServer backends on loopback. */
class LoadBalancingInterceptorTest {
  private final List<Backend> backends = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<OkHttpClient> clients = new ArrayList<>();
  private Backend one;
  private Backend two;
  private Backend three;

  @BeforeEach
  void start() throws IOException {
    one = backend("one");
    two = backend("two");
    three = backend("three");
  }

  @AfterEach
  void stop() {
    NoLeaks.checkAndStop(balancers, clients, backends);
  }

  private Backend backend(String name) throws IOException {
    Backend backend = new Backend(name);
    backends.add(backend);
    return backend;
  }

  private LoadBalancer balancer(String name, LoadBalancer.Builder builder) {
    LoadBalancer lb = builder.build();
    balancers.add(lb);
    return lb;
  }

  private LoadBalancer roundRobin(Backend... pool) {
    return balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(pool)).random(new SplittableRandom(1)));
  }

  private static List<Endpoint> endpoints(Backend... pool) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Backend b : pool) {
      endpoints.add(b.endpoint());
    }
    return endpoints;
  }

  private OkHttpClient client(LoadBalancingInterceptor lbi) {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .addInterceptor(lbi)
            .readTimeout(2, TimeUnit.SECONDS)
            .build();
    clients.add(client);
    return client;
  }

  private static String get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  @Test
  void roundRobin_reachesAllThree_withThePathQueryHeadersAndLogicalHostKept() throws Exception {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", roundRobin(one, two, three)).build());

    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      try (Response response = client.newCall(
          new Request.Builder().url("http://orders/items/7?expand=lines&x=%20y").header("X-Trace", "t-" + i).build()).execute()) {
        served.merge(response.body().string(), 1, Integer::sum);
      }
    }

    assertThat(served).containsOnly(Map.entry("one", 10), Map.entry("two", 10), Map.entry("three", 10));
    RecordedRequest seen = one.recorded.get(0);
    assertThat(seen.getTarget()).isEqualTo("/items/7?expand=lines&x=%20y");
    assertThat(seen.getHeaders().get("Host")).isEqualTo("orders");
    assertThat(seen.getHeaders().get("X-Trace")).startsWith("t-");
  }

  @Test
  void hostHeader_canBeTheBackendsAddress_andUnregisteredHostsPassThrough() throws Exception {
    LoadBalancingInterceptor lbi =
        LoadBalancingInterceptor.builder().service("orders", roundRobin(one)).hostHeader(HostHeader.BACKEND).build();
    OkHttpClient client = client(lbi);

    assertThat(get(client, "http://orders:8080/a")).isEqualTo("200 one");
    assertThat(one.recorded.get(0).getHeaders().get("Host")).isEqualTo("127.0.0.1:" + one.server.getPort());
    assertThat(get(client, two.server.url("/direct").toString())).isEqualTo("200 two");
    assertThat(two.recorded.get(0).getTarget()).isEqualTo("/direct");
  }

  @Test
  void aBackendThatClosesEverySocket_failsNoCall_andIsEjected() throws Exception {
    two.answer(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two, three))
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).build()));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());

    for (int i = 0; i < 200; i++) {
      assertThat(get(client, "http://orders/x")).as("call %d", i).startsWith("200 ");
    }

    assertThat(two.healthIn(lb)).as("%s; two saw %d requests", lb.stats(), two.requests.get()).isEqualTo(EndpointHealth.EJECTED);
  }

  @Test
  void a503Backend_isRetriedAround_andEjected_butAOneShotPostIsNeverRetried() throws Exception {
    two.answer(new MockResponse.Builder().code(503).body("busy").build());
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two, three))
        .healthTracker(OutlierDetector.builder().consecutiveFailures(5).build()));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());
    for (int i = 0; i < 60; i++) {
      assertThat(get(client, "http://orders/x")).startsWith("200 ");
    }
    assertThat(two.healthIn(lb)).isEqualTo(EndpointHealth.EJECTED);
    assertThat(two.requests).hasValue(5);

    Backend busy = backend("busy").answer(new MockResponse.Builder().code(503).body("busy").build());
    OkHttpClient plain = client(LoadBalancingInterceptor.builder().service("writes", roundRobin(busy, one)).build());
    int oneBefore = one.requests.get();
    for (int i = 0; i < 10; i++) {
      try (Response response = plain.newCall(new Request.Builder().url("http://writes/orders").post(oneShot("{}")).build()).execute()) {
        assertThat(response.code()).isIn(200, 503);
      }
    }
    assertThat(busy.requests.get() + one.requests.get() - oneBefore).as("each POST sent once").isEqualTo(10);
    assertThat(busy.requests).hasValue(5);
  }

  @Test
  void aStalledBackend_timesOut_isRetriedElsewhere_andEjected() throws Exception {
    three.answer(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two, three))
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).build()));
    LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder().service("orders", lb).build();
    OkHttpClient client = client(lbi).newBuilder().readTimeout(200, TimeUnit.MILLISECONDS).build();
    clients.add(client);

    for (int i = 0; i < 30; i++) {
      assertThat(get(client, "http://orders/x")).startsWith("200 ");
    }

    assertThat(three.requests).hasValue(3);
    assertThat(three.healthIn(lb)).isEqualTo(EndpointHealth.EJECTED);
  }

  @Test
  void whenEveryBackendFails_theRetryBudgetCapsTheExtraAttempts() throws Exception {
    for (Backend b : List.of(one, two, three)) {
      b.answer(new MockResponse.Builder().code(500).body(b.name).build());
    }
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", roundRobin(one, two, three))
        .retryBudget(RetryBudget.of(10, 0)).build());

    for (int i = 0; i < 100; i++) {
      assertThat(get(client, "http://orders/x")).startsWith("500 "); // the last response, as it is
    }

    int attempts = one.requests.get() + two.requests.get() + three.requests.get();
    assertThat(attempts).as("100 calls with 10% of retries").isBetween(105, 110);
  }

  @Test
  void whenNoBackendListens_theCallerGetsTheLastFailure_withTheEarlierOnesSuppressed() throws Exception {
    List<Endpoint> closed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closed.add(Endpoint.of("127.0.0.1", socket.getLocalPort()));
      }
    }
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(closed));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());

    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://orders/x").post(oneShot("{}")).build()).execute())
        .isInstanceOf(java.net.ConnectException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2).allSatisfy(s -> assertThat(s).isInstanceOf(java.net.ConnectException.class)));
  }

  @Test
  void noAvailableEndpoint_isAnIOExceptionNamingTheServiceAndTheReason() {
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of()));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());

    assertThatThrownBy(() -> get(client, "http://orders/x"))
        .isInstanceOf(NoAvailableEndpointIOException.class)
        .hasMessage("no endpoint for service 'orders': no available endpoint in 'orders' (0 endpoints)");
  }

  @Test
  void aStreamedBody_holdsItsLeaseUntilClosed_andEnqueuedCallsReleaseToo() throws Exception {
    LoadBalancer lb = roundRobin(one);
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());
    Response response = client.newCall(new Request.Builder().url("http://orders/stream").build()).execute();
    assertThat(lb.stats().get(0).inFlight()).isEqualTo(1);
    assertThat(response.body().source().readUtf8(1)).isEqualTo("o");
    response.close();
    assertThat(lb.stats().get(0).inFlight()).isZero();

    CompletableFuture<String> body = new CompletableFuture<>();
    client.newCall(new Request.Builder().url("http://orders/async").build()).enqueue(new Callback() {
      @Override
      public void onResponse(Call call, Response r) throws IOException {
        try (r) {
          body.complete(r.body().string());
        }
      }

      @Override
      public void onFailure(Call call, IOException e) {
        body.completeExceptionally(e);
      }
    });
    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("one");
    assertThat(lb.stats().get(0).successes()).isEqualTo(2);
  }

  @Test
  void affinityByHeader_keepsASessionOnOneBackend_untilItIsEjected() throws Exception {
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two, three))
        .picker(Pickers.ringHash()).healthTracker(OutlierDetector.builder().consecutiveFailures(2).build()));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb)
        .affinityKey(AffinityKey.header("X-Session")).build());
    Request session = new Request.Builder().url("http://orders/cart").header("X-Session", "s-42").build();

    String home = call(client, session);
    for (int i = 0; i < 20; i++) {
      assertThat(call(client, session)).isEqualTo(home);
    }
    Backend homeBackend = backends.stream().filter(b -> b.name.equals(home)).findFirst().orElseThrow();
    homeBackend.answer(new MockResponse.Builder().code(503).build());
    call(client, session);
    call(client, session); // two failures: ejected; both calls were retried elsewhere
    String moved = call(client, session);

    assertThat(moved).isNotEqualTo(home);
    for (int i = 0; i < 20; i++) {
      assertThat(call(client, session)).isEqualTo(moved);
    }
    assertThat(get(client, "http://orders/other")).startsWith("200"); // no key: any backend
  }

  private static String call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return response.body().string();
    }
  }

  @Test
  void routes_byPathHeaderAndWeightedSplit() throws Exception {
    LoadBalancer api = balancer("api", LoadBalancer.builder("api").executor(Runnable::run).endpoints(endpoints(one)));
    LoadBalancer images = balancer("images", LoadBalancer.builder("images").executor(Runnable::run).endpoints(endpoints(two)));
    LoadBalancer canary = balancer("canary", LoadBalancer.builder("canary").executor(Runnable::run).endpoints(endpoints(three)));
    Routes routes = Routes.builder()
        .header("X-Canary", "true", canary)
        .pathPrefix("/images/", images)
        .pathPrefix("/api/", api)
        .split(api, 90, canary, 10)
        .random(new SplittableRandom(5))
        .build();
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("shop", routes).build());

    assertThat(get(client, "http://shop/images/logo.png")).isEqualTo("200 two");
    assertThat(get(client, "http://shop/api/orders")).isEqualTo("200 one");
    assertThat(call(client, new Request.Builder().url("http://shop/api/orders").header("X-Canary", "true").build()))
        .isEqualTo("three");
    int toCanary = 0;
    for (int i = 0; i < 1_000; i++) {
      if (get(client, "http://shop/home").equals("200 three")) {
        toCanary++;
      }
    }
    assertThat(toCanary).as("10% of 1,000").isBetween(75, 125);
  }

  @Test
  void badInput_isRefusedWithItsName() {
    LoadBalancer lb = roundRobin(one);
    LoadBalancingInterceptor.Builder builder = LoadBalancingInterceptor.builder().service("orders", lb);
    assertThatThrownBy(() -> builder.service(null, lb)).isInstanceOf(NullPointerException.class).hasMessage("service");
    assertThatThrownBy(() -> builder.service(" ", lb))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: \" \" (expected: a host name, not blank, without spaces)");
    assertThatThrownBy(() -> builder.service("Orders", lb))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: \"Orders\" (expected: each service once; already registered)");
    assertThatThrownBy(() -> builder.maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> RetryBudget.of(101, 10)).hasMessage("percent: 101 (expected: 0-100)");
    assertThatThrownBy(() -> RetryBudget.of(-1, 10)).hasMessage("percent: -1 (expected: 0-100)");
    assertThatThrownBy(() -> RetryBudget.of(20, -1)).hasMessage("minRetriesPerSecond: -1 (expected: 0 or more)");
    assertThatThrownBy(() -> LoadBalancingInterceptor.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no service (expected: service(name, lb) at least once)");
    assertThatThrownBy(() -> Routes.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("routes have no rule and no default pool (expected: a rule or otherwise(lb))");
    assertThatThrownBy(() -> Routes.builder().split(lb, 0, lb, 0))
        .hasMessage("weights: 0, 0 (expected: not negative, not both 0)");
    assertThatThrownBy(() -> Routes.builder().pathPrefix("api", lb))
        .hasMessage("prefix: \"api\" (expected: a path starting with /)");
  }

  /** A body that can be written once only, such as a stream. */
  static RequestBody oneShot(String content) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/json");
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8(content);
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };
  }

  @Test
  void aLogicalHostWithAPort_keepsItInTheHostHeader_andTheAttemptCarriesItsEndpoint() throws Exception {
    List<Endpoint> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder().service("orders", roundRobin(one)).build();
    OkHttpClient client = client(lbi).newBuilder()
        .addInterceptor(chain -> {
          seen.add(chain.request().tag(Endpoint.class));
          return chain.proceed(chain.request());
        })
        .build();
    clients.add(client);

    assertThat(get(client, "http://orders:8080/a")).isEqualTo("200 one");
    assertThat(one.recorded.get(0).getHeaders().get("Host")).isEqualTo("orders:8080");
    assertThat(seen).containsExactly(one.endpoint());
  }

  @Test
  void aRetry_neverGoesBackToTheEndpointItLeft() throws Exception {
    one.answer(new MockResponse.Builder().code(503).body("busy").build());
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", roundRobin(one)).build());

    assertThat(get(client, "http://orders/x")).isEqualTo("503 busy"); // no other endpoint: no retry
    assertThat(one.requests).hasValue(1);
  }

  @Test
  void aPostIsRetriedOnlyWhenItsConnectionFailedBeforeTheBodyWasWritten() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    // A POST answered by a redirect to a port that refuses: the POST was processed once already.
    one.answer(new MockResponse.Builder().code(307).setHeader("Location", "http://127.0.0.1:" + closedPort + "/gone").build());
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two)).random(new SplittableRandom(2)));
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());
    for (int i = 0; i < 4; i++) {
      try (Response response = client.newCall(new Request.Builder().url("http://orders/pay").post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
        assertThat(response.code()).isEqualTo(200); // two's answer
      } catch (java.net.ConnectException e) {
        assertThat(e.getMessage()).contains(String.valueOf(closedPort)); // the redirect target, not retried
      }
    }

    assertThat(one.requests.get() + two.requests.get()).as("each POST reached one backend once").isEqualTo(4);
    assertThat(lb.stats().stream().mapToLong(EndpointStats::failures).sum()).as("no endpoint blamed").isZero();
  }

  @Test
  void aCancelledCall_countsNeitherWay_andIsNotRetried() throws Exception {
    one.answer(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("late").build());
    LoadBalancer lb = roundRobin(one, two);
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());
    for (int i = 0; i < 2; i++) {
      Call call = client.newCall(new Request.Builder().url("http://orders/slow").build());
      java.util.concurrent.ScheduledExecutorService canceller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      try {
        canceller.schedule(call::cancel, 100, TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
          assertThat(response.body().string()).isEqualTo("two"); // the call that went to two
        } catch (IOException e) {
          assertThat(call.isCanceled()).isTrue();
        }
      } finally {
        canceller.shutdownNow();
      }
    }

    assertThat(lb.stats()).allSatisfy(s -> assertThat(s.failures()).isZero());
    assertThat(one.requests.get()).isLessThanOrEqualTo(1);
  }

  @Test
  void exceptionsOfTheCallersParts_leaveAsIOExceptions_andLeakNoLease() {
    LoadBalancer lb = roundRobin(one);
    OkHttpClient throwingClassifier = client(LoadBalancingInterceptor.builder().service("orders", lb)
        .responseClassifier(r -> {
          throw new IllegalStateException("classifier bug");
        }).build());
    assertThatThrownBy(() -> get(throwingClassifier, "http://orders/x"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("classifier bug");

    OkHttpClient throwingKey = client(LoadBalancingInterceptor.builder().service("orders", lb)
        .affinityKey(r -> {
          throw new IllegalStateException("key bug");
        }).build());
    assertThatThrownBy(() -> get(throwingKey, "http://orders/x"))
        .isInstanceOf(IOException.class)
        .hasMessage("balancing a call to 'orders' failed: java.lang.IllegalStateException: key bug");
  }

  @Test
  void anInterruptedCaller_getsAnInterruptedIOException_andLeaksNoLease() {
    LoadBalancer lb = roundRobin(one);
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders", lb).build());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> get(client, "http://orders/x")).isInstanceOf(java.io.InterruptedIOException.class);
    } finally {
      Thread.interrupted(); // clear the flag for the next tests
    }
    assertThat(lb.stats().get(0).inFlight()).isZero();
  }

  @Test
  void affinityByCookieQueryOrTag_keysThePick() throws Exception {
    LoadBalancer lb = balancer("orders", LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(one, two, three)).picker(Pickers.rendezvous()));
    OkHttpClient byCookie = client(LoadBalancingInterceptor.builder().service("orders", lb).affinityKey(AffinityKey.cookie("sid")).build());
    OkHttpClient byQuery = client(LoadBalancingInterceptor.builder().service("orders", lb).affinityKey(AffinityKey.queryParameter("user")).build());
    String home = lb.pick(dev.roundabout.lb.PickContext.ofKey("s-9")).host() + ":" + lb.pick(dev.roundabout.lb.PickContext.ofKey("s-9")).port();
    Backend expected = backends.stream().filter(b -> b.endpoint().address().equals(home)).findFirst().orElseThrow();

    for (int i = 0; i < 10; i++) {
      assertThat(call(byCookie, new Request.Builder().url("http://orders/a").header("Cookie", "theme=dark; sid=s-9").build()))
          .isEqualTo(expected.name);
      assertThat(get(byQuery, "http://orders/a?user=s-9")).isEqualTo("200 " + expected.name);
      assertThat(call(byQuery, new Request.Builder().url("http://orders/a").tag(dev.roundabout.lb.PickContext.class, dev.roundabout.lb.PickContext.ofKey("s-9")).build()))
          .isEqualTo(expected.name);
    }
  }

  @Test
  void routes_byMethod() throws Exception {
    LoadBalancer reads = balancer("reads", LoadBalancer.builder("reads").executor(Runnable::run).endpoints(endpoints(one)));
    LoadBalancer writes = balancer("writes", LoadBalancer.builder("writes").executor(Runnable::run).endpoints(endpoints(two)));
    OkHttpClient client = client(LoadBalancingInterceptor.builder()
        .service("shop", Routes.builder().method("post", writes).otherwise(reads).build()).build());

    assertThat(get(client, "http://shop/cart")).isEqualTo("200 one");
    assertThat(call(client, new Request.Builder().url("http://shop/cart").post(RequestBody.create("{}", MediaType.get("application/json"))).build()))
        .isEqualTo("two");
  }
}
