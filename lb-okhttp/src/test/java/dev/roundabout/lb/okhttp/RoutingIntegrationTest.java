package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.EndpointSource;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Dns;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an attempt reaches its endpoint, over real sockets: only the logical host resolves to the
 * endpoint, redirects go where their URL says, connections stay with their endpoint, and
 * connection failures are recognised by what happened on the socket, not by message text.
 */
class RoutingIntegrationTest {
  private static final InetAddress SECOND_LOOPBACK = loopback(2);
  /** Picks the first ready endpoint; the balancer moves a retry that avoids it to the next. */
  private static final dev.roundabout.lb.PickerFactory FIRST_UNLESS_AVOIDED = ready -> context -> 0;

  private final List<Backend> backends = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<OkHttpClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    NoLeaks.checkAndStop(balancers, clients, backends);
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Backend backend(String name) throws IOException {
    return backend(new Backend(name));
  }

  private Backend backend(Backend backend) {
    backends.add(backend);
    return backend;
  }

  private LoadBalancer balancer(String name, Backend... pool) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Backend b : pool) {
      endpoints.add(b.endpoint());
    }
    return balancer(LoadBalancer.builder(name).endpoints(endpoints));
  }

  private LoadBalancer balancer(LoadBalancer.Builder builder) {
    LoadBalancer lb = builder.random(new SplittableRandom(7)).build();
    balancers.add(lb);
    return lb;
  }

  private OkHttpClient client(OkHttpClient.Builder builder) {
    OkHttpClient client = builder.readTimeout(2, TimeUnit.SECONDS).build();
    clients.add(client);
    return client;
  }

  private static String get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  private static long failures(LoadBalancer lb) {
    return lb.stats().stream().mapToLong(EndpointStats::failures).sum();
  }

  @Test
  void aRedirectToAnotherBalancedService_goesToThatServicesEndpoint_withItsOwnHostHeader() throws Exception {
    Backend orders = backend("orders");
    Backend payments = backend("payments");
    orders.answer(new MockResponse.Builder().code(302).addHeader("Location", "http://payments/pay?id=1").build());
    LoadBalancer ordersLb = balancer("orders", orders);
    LoadBalancer paymentsLb = balancer("payments", payments);
    OkHttpClient client = client(new OkHttpClient.Builder().addInterceptor(
        LoadBalancingInterceptor.builder().service("orders", ordersLb).service("payments", paymentsLb).build()));

    assertThat(get(client, "http://orders/checkout")).isEqualTo("200 payments");

    assertThat(payments.recorded.get(0).getTarget()).isEqualTo("/pay?id=1");
    assertThat(payments.recorded.get(0).getHeaders().get("Host")).isEqualTo("payments");
    assertThat(orders.recorded.get(0).getHeaders().get("Host")).isEqualTo("orders");
    assertThat(failures(ordersLb) + failures(paymentsLb)).isZero();
  }

  @Test
  void aRedirectToAnUnregisteredName_resolvesAsTheClientWould_andBlamesNoEndpoint() throws Exception {
    Backend orders = backend("orders");
    Backend elsewhere = backend(new Backend("elsewhere", null, SECOND_LOOPBACK, 0));
    orders.answer(new MockResponse.Builder().code(307)
        .addHeader("Location", "http://elsewhere.test:" + elsewhere.server.getPort() + "/there").build());
    LoadBalancer lb = balancer("orders", orders);
    List<String> lookedUp = new CopyOnWriteArrayList<>();
    Dns testDns = hostname -> {
      lookedUp.add(hostname);
      if (hostname.equals("elsewhere.test")) {
        return List.of(SECOND_LOOPBACK);
      }
      return Dns.SYSTEM.lookup(hostname);
    };
    OkHttpClient client = client(new OkHttpClient.Builder().dns(testDns)
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).build()));

    assertThat(get(client, "http://orders/here")).isEqualTo("200 elsewhere");

    assertThat(elsewhere.recorded.get(0).getHeaders().get("Host")).isEqualTo("elsewhere.test:" + elsewhere.server.getPort());
    assertThat(lookedUp).contains("elsewhere.test").doesNotContain("orders");
    assertThat(failures(lb)).isZero();
  }

  @Test
  void aRedirectToAnotherHttpsName_verifiesThatName_andBlamesNoEndpointWhenItFails() throws Exception {
    HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
    Backend orders = backend(new Backend("orders", serverTls(root, "orders.test"), InetAddress.getLoopbackAddress(), 0));
    Backend elsewhere = backend(new Backend("elsewhere", serverTls(root, "elsewhere.test"), SECOND_LOOPBACK, 0));
    String there = "https://elsewhere.test:" + elsewhere.server.getPort() + "/there";
    orders.answer(new MockResponse.Builder().code(302).addHeader("Location", there).build());
    LoadBalancer lb = balancer("orders.test", orders);
    Dns testDns = hostname -> hostname.equals("elsewhere.test") ? List.of(SECOND_LOOPBACK) : Dns.SYSTEM.lookup(hostname);
    OkHttpClient client = client(new OkHttpClient.Builder().dns(testDns)
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders.test", lb).build()));

    assertThat(get(client, "https://orders.test/here")).isEqualTo("200 elsewhere");
    assertThat(elsewhere.recorded.get(0).getHandshakeServerNames()).containsExactly("elsewhere.test");

    elsewhere.close(); // the redirect's target is gone: the call fails, the endpoint that redirected is not blamed
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(client, "https://orders.test/here"))
        .isInstanceOf(IOException.class);
    assertThat(failures(lb)).isZero();
    assertThat(orders.requests).hasValue(2); // not retried: the endpoint answered
  }

  private static javax.net.ssl.SSLSocketFactory serverTls(HeldCertificate root, String name) {
    HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName(name).signedBy(root).build();
    return new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory();
  }

  @Test
  void aRetry_toAnotherEndpointOnTheSamePort_goesToThatEndpoint_notBackOverTheFirstConnection() throws Exception {
    Backend first = backend("first");
    Backend second = backend(new Backend("second", null, SECOND_LOOPBACK, first.server.getPort()));
    first.answer(new MockResponse.Builder().code(503).body("busy").build());
    LoadBalancer lb = balancer(LoadBalancer.builder("orders").endpoints(List.of(first.endpoint(), second.endpoint()))
        .picker(FIRST_UNLESS_AVOIDED));
    OkHttpClient client = client(new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).build()));

    for (int i = 0; i < 10; i++) {
      assertThat(get(client, "http://orders/x")).as("call %d", i).isEqualTo("200 second");
    }
    // Every first attempt goes to the first endpoint; every retry to the second.
    assertThat(first.requests).hasValue(10);
    assertThat(second.requests).hasValue(10);
    assertThat(second.recorded).allSatisfy(r -> assertThat(r.getHeaders().get("Host")).isEqualTo("orders"));
  }

  @Test
  void eachEndpoint_keepsReusingItsConnections() throws Exception {
    Backend one = backend("one");
    Backend two = backend("two");
    Backend three = backend("three");
    OkHttpClient client = client(new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", balancer("orders", one, two, three)).build()));

    for (int i = 0; i < 30; i++) {
      assertThat(get(client, "http://orders/x")).startsWith("200 ");
    }

    for (Backend b : List.of(one, two, three)) {
      assertThat(b.recorded).hasSize(10).allSatisfy(r -> assertThat(r.getConnectionIndex()).isZero());
    }
  }

  @Test
  void whatTheInterceptorKeepsForAnEndpoint_isForgottenOnceTheEndpointAndItsConnectionsAreGone() throws Exception {
    Backend one = backend("one");
    Backend two = backend("two");
    MutableEndpointSource source = EndpointSource.mutable(List.of(one.endpoint()));
    LoadBalancer lb = balancer(LoadBalancer.builder("orders").source(source));
    List<WeakReference<Dns>> seen = new CopyOnWriteArrayList<>();
    OkHttpClient client = client(new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).build())
        .addNetworkInterceptor(chain -> {
          seen.add(new WeakReference<>(chain.connection().route().address().dns()));
          return chain.proceed(chain.request());
        }));

    assertThat(get(client, "http://orders/x")).isEqualTo("200 one");
    source.update(List.of(two.endpoint()));
    assertThat(get(client, "http://orders/x")).isEqualTo("200 two");
    client.connectionPool().evictAll();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      System.gc();
      assertThat(seen).allSatisfy(ref -> assertThat(ref.get()).isNull());
    });
  }

  @Test
  void aRefusedConnection_toAnIpv6OrMappedEndpoint_isRetriedEvenForAOneShotPost_andCountedAgainstIt() throws Exception {
    Backend alive = backend("alive");
    for (String host : List.of("::1", "::ffff:127.0.0.1")) {
      int closed = closedPort();
      int aliveBefore = alive.requests.get();
      Endpoint dead = Endpoint.of(host, closed);
      LoadBalancer lb = balancer(LoadBalancer.builder("writes-" + closed)
          .endpoints(List.of(dead, alive.endpoint())).picker(FIRST_UNLESS_AVOIDED));
      OkHttpClient client = client(new OkHttpClient.Builder()
          .addInterceptor(LoadBalancingInterceptor.builder().service("writes", lb).build()));

      for (int i = 0; i < 4; i++) {
        try (Response response = client.newCall(
            new Request.Builder().url("http://writes/orders").post(oneShot("{}")).build()).execute()) {
          assertThat(response.code()).as("%s, call %d", host, i).isEqualTo(200);
        }
      }
      EndpointStats deadStats = lb.stats().stream().filter(s -> s.endpoint().equals(dead)).findFirst().orElseThrow();
      assertThat(deadStats.failures()).as(host).isEqualTo(4); // each first attempt, then the retry elsewhere
      assertThat(alive.requests.get() - aliveBefore).as("%s: each POST sent once", host).isEqualTo(4);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static RequestBody oneShot(String content) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/json");
      }

      @Override
      public boolean isOneShot() {
        return true;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8(content);
      }
    };
  }
}
