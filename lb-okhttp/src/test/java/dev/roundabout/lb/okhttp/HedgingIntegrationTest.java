package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.HedgingPolicy;
import dev.roundabout.lb.HedgingStats;
import dev.roundabout.lb.LoadBalancer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hedged calls against real MockWebServer backends on loopback. The hedge timer is the test's: a
 * hedge is due when the test says so, once the first attempt has reached its backend, so no test
 * depends on how fast the machine is. Backends hold their answers at gates the test opens.
 */
class HedgingIntegrationTest {
  private static final Duration LONG = Duration.ofSeconds(20);

  private final List<Backend> backends = new ArrayList<>();
  private final List<CountDownLatch> gates = new CopyOnWriteArrayList<>();
  /** The backends in the order requests reached them. */
  private final List<Backend> arrivals = new CopyOnWriteArrayList<>();
  private final ManualTimer timer = new ManualTimer();
  private final ExecutorService hedgeThreads = Executors.newCachedThreadPool();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  /** What the interceptor's listener heard of hedges: sent, won, refused. */
  private final AtomicIntegerArray heard = new AtomicIntegerArray(3);
  private final InterceptorListener listener = new InterceptorListener() {
    @Override
    public void onHedge(String service, Endpoint endpoint) {
      heard.incrementAndGet(0);
    }

    @Override
    public void onHedgeWon(String service) {
      heard.incrementAndGet(1);
    }

    @Override
    public void onHedgeRefused(String service) {
      heard.incrementAndGet(2);
    }
  };
  private LoadBalancer lb;
  private OkHttpClient client;
  private LoadBalancingInterceptor lbi;
  private Backend one;
  private Backend two;

  @BeforeEach
  void start() throws IOException {
    one = backend("one");
    two = backend("two");
  }

  @AfterEach
  void stop() throws InterruptedException {
    gates.forEach(CountDownLatch::countDown);
    for (CountDownLatch gate : gates) {
      while (gate.getCount() > 0) {
        gate.countDown();
      }
    }
    callers.shutdown();
    hedgeThreads.shutdown();
    assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("callers ended").isTrue();
    assertThat(hedgeThreads.awaitTermination(10, TimeUnit.SECONDS)).as("hedges ended").isTrue();
    if (lb != null) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(lb.stats()).as("leases left open").allSatisfy(s -> assertThat(s.inFlight()).isZero()));
      lb.close();
    }
    if (client != null) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.connectionPool().connectionCount())
          .as("connections in use after the test").isEqualTo(client.connectionPool().idleConnectionCount()));
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    backends.forEach(Backend::close);
  }

  private Backend backend(String name) throws IOException {
    Backend backend = new Backend(name);
    backends.add(backend);
    backend.answer(r -> {
      arrivals.add(backend);
      return new MockResponse.Builder().code(200).body(backend.name).build();
    });
    return backend;
  }

  /** From now on, {@code backend} holds each answer until {@code gate} opens, then answers {@code code}. */
  private CountDownLatch holds(Backend backend, int code) {
    CountDownLatch gate = new CountDownLatch(1);
    gates.add(gate);
    backend.answer(r -> {
      arrivals.add(backend);
      awaitQuietly(gate);
      return new MockResponse.Builder().code(code).body(backend.name).build();
    });
    return gate;
  }

  private static void awaitQuietly(CountDownLatch gate) {
    try {
      gate.await(LONG.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void build(HedgingPolicy policy, Backend... pool) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Backend b : pool) {
      endpoints.add(b.endpoint());
    }
    lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints).random(new SplittableRandom(1)).build();
    lbi = LoadBalancingInterceptor.builder()
        .service("orders", lb)
        .hedging(policy)
        .hedgeTimer(timer)
        .hedgingExecutor(hedgeThreads)
        .listener(listener)
        .build();
    client = new OkHttpClient.Builder().addInterceptor(lbi).readTimeout(LONG).build();
  }

  private CompletableFuture<String> callAsync(Request request) {
    Call call = client.newCall(request);
    return CompletableFuture.supplyAsync(() -> {
      try (Response response = call.execute()) {
        return response.code() + " " + response.body().string();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, callers);
  }

  private static Request get() {
    return new Request.Builder().url("http://orders/items/7").build();
  }

  private void awaitArrivals(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.size() >= count);
  }

  private EndpointStats stats(Backend backend) {
    return lb.stats().stream().filter(s -> s.endpoint().equals(backend.endpoint())).findFirst().orElseThrow();
  }

  private static String result(CompletableFuture<String> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  /** A call whose first attempt is held at its backend, and whose hedge the timer sent to the other, held too. */
  private record Race(CompletableFuture<String> call, Backend first, Backend other, CountDownLatch firstGate,
      CountDownLatch otherGate) {}

  private Race race(int firstCode, int otherCode) {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(100), one, two);
    CountDownLatch oneGate = holds(one, firstCode);
    CountDownLatch twoGate = holds(two, firstCode);
    CompletableFuture<String> call = callAsync(get());
    awaitArrivals(1);
    Backend first = arrivals.get(0);
    Backend other = first == one ? two : one;
    CountDownLatch otherGate = holds(other, otherCode);
    assertThat(timer.fire()).as("hedges due").isEqualTo(1);
    awaitArrivals(2);
    assertThat(arrivals.get(1)).as("the hedge goes to the other endpoint").isEqualTo(other);
    return new Race(call, first, other, first == one ? oneGate : twoGate, otherGate);
  }

  @Test
  void aSlowFirstAttempt_isHedged_theCallReturnsFromTheOtherEndpoint_andTheLosersConnectionIsClosed() throws Exception {
    Race race = race(200, 200);
    Backend first = race.first();
    race.otherGate().countDown();

    assertThat(result(race.call())).as("the hedge's answer, while the first endpoint still holds its own")
        .isEqualTo("200 " + race.other().name);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(stats(first).inFlight()).isZero();
      assertThat(client.connectionPool().connectionCount()).as("the first attempt's connection was closed, not pooled")
          .isEqualTo(1);
    });
    assertThat(stats(first).successes() + stats(first).failures()).as("the loser counts neither way").isZero();
    assertThat(lbi.hedgingStats()).isEqualTo(new HedgingStats(1, 1, 0));
    assertThat(heard).as("sent, won, refused, as the listener heard them").hasToString("[1, 1, 0]");
  }

  @Test
  void whenTheFirstAttemptAnswersFirst_theHedgeIsCancelled_andCountsNeitherWay() throws Exception {
    Race race = race(200, 200);
    Backend hedge = race.other();
    race.firstGate().countDown();

    assertThat(result(race.call())).isEqualTo("200 " + race.first().name);
    await().atMost(Duration.ofSeconds(5)).until(() -> stats(hedge).inFlight() == 0);
    assertThat(stats(hedge).successes() + stats(hedge).failures()).as("the cancelled hedge counts neither way").isZero();
    assertThat(lbi.hedgingStats()).isEqualTo(new HedgingStats(1, 0, 0));
  }

  @Test
  void aFirstAttemptThatFailsBeforeTheHedgeIsDue_isRetriedAsUsual_andNothingIsHedged() throws Exception {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(100), one, two);
    CountDownLatch firstGate = new CountDownLatch(1);
    gates.add(firstGate);
    for (Backend b : List.of(one, two)) {
      b.answer(r -> {
        arrivals.add(b);
        if (arrivals.size() == 1) {
          awaitQuietly(firstGate);
          return new MockResponse.Builder().code(503).body(b.name).build();
        }
        return new MockResponse.Builder().code(200).body(b.name).build();
      });
    }

    CompletableFuture<String> call = callAsync(get());
    awaitArrivals(1);
    Backend first = arrivals.get(0);
    firstGate.countDown();

    assertThat(result(call)).as("the 503 retried on the other endpoint").isEqualTo("200 " + (first == one ? two : one).name);
    assertThat(timer.fire()).as("the timer was disarmed").isZero();
    assertThat(lbi.hedgingStats()).isEqualTo(HedgingStats.NONE);
  }

  @Test
  void aFailingFirstAttempt_leavesTheCallToTheHedge() throws Exception {
    Race race = race(503, 200);
    race.firstGate().countDown(); // the first attempt fails: 503
    await().atMost(Duration.ofSeconds(5)).until(() -> stats(race.first()).failures() == 1);
    race.otherGate().countDown();

    assertThat(result(race.call())).isEqualTo("200 " + race.other().name);
    assertThat(lbi.hedgingStats()).isEqualTo(new HedgingStats(1, 1, 0));
    assertThat(arrivals).as("no third attempt").hasSize(2);
  }

  @Test
  void aFailingHedge_leavesTheCallToTheFirstAttempt() throws Exception {
    Race race = race(200, 503);
    race.otherGate().countDown(); // the hedge fails: 503
    await().atMost(Duration.ofSeconds(5)).until(() -> stats(race.other()).failures() == 1);
    race.firstGate().countDown();

    assertThat(result(race.call())).isEqualTo("200 " + race.first().name);
    assertThat(lbi.hedgingStats()).isEqualTo(new HedgingStats(1, 0, 0));
    assertThat(stats(race.first()).successes()).isEqualTo(1);
  }

  @Test
  void aPostOrAOneShotBody_isNeverHedged() throws Exception {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(100), one, two);
    CountDownLatch oneGate = holds(one, 200);
    CountDownLatch twoGate = holds(two, 200);
    RequestBody oneShot = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("text/plain");
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8("once");
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };

    CompletableFuture<String> put = callAsync(new Request.Builder().url("http://orders/items/7").put(oneShot).build());
    CompletableFuture<String> post = callAsync(new Request.Builder().url("http://orders/items")
        .post(RequestBody.create("new", MediaType.get("text/plain"))).build());
    awaitArrivals(2);

    assertThat(timer.scheduled()).as("no hedge armed").isZero();
    oneGate.countDown();
    twoGate.countDown();
    assertThat(result(put)).startsWith("200");
    assertThat(result(post)).startsWith("200");
    assertThat(arrivals).hasSize(2);
    assertThat(lbi.hedgingStats()).isEqualTo(HedgingStats.NONE);
  }

  @Test
  void theBudget_holdsUnderABurst_ofSlowCalls() throws Exception {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(10), one, two);
    CountDownLatch oneGate = holds(one, 200);
    CountDownLatch twoGate = holds(two, 200);
    int burst = 30;

    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      calls.add(callAsync(get()));
    }
    awaitArrivals(burst);
    assertThat(timer.fire()).as("every call's hedge came due").isEqualTo(burst);
    awaitArrivals(burst + 3);
    oneGate.countDown();
    twoGate.countDown();
    for (CompletableFuture<String> call : calls) {
      assertThat(result(call)).startsWith("200");
    }

    assertThat(lbi.hedgingStats().sent()).as("10% of 30 calls").isEqualTo(3);
    assertThat(lbi.hedgingStats().refusedByBudget()).isEqualTo(burst - 3);
    assertThat(heard.get(0)).isEqualTo(3);
    assertThat(heard.get(2)).isEqualTo(burst - 3);
    assertThat(arrivals).hasSize(burst + 3);
  }

  @Test
  void cancellingTheCall_cancelsItsHedge() throws Exception {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(100), one, two);
    holds(one, 200);
    holds(two, 200);
    Call call = client.newCall(get());
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try (Response ignored = call.execute()) {
        throw new AssertionError("the call was cancelled");
      } catch (IOException expected) {
        // cancelled
      }
    }, callers);
    awaitArrivals(1);
    timer.fire();
    awaitArrivals(2);

    call.cancel();
    running.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).as("%s", s).isZero()));
    assertThat(lb.stats()).allSatisfy(s -> assertThat(s.successes() + s.failures()).as("%s", s).isZero());
  }

  @Test
  void withOneEndpoint_thereIsNoHedge() throws Exception {
    build(HedgingPolicy.after(Duration.ofMillis(50)).budgetPercent(100), one);
    CountDownLatch gate = holds(one, 200);
    CompletableFuture<String> call = callAsync(get());
    awaitArrivals(1);
    timer.fire();
    gate.countDown();

    assertThat(result(call)).isEqualTo("200 one");
    assertThat(lbi.hedgingStats()).as("no other endpoint: not a budget refusal").isEqualTo(HedgingStats.NONE);
  }

  @Test
  void hedging_isRejectedWithoutAPolicy() {
    assertThatThrownBy(() -> LoadBalancingInterceptor.builder().hedging(null))
        .isInstanceOf(NullPointerException.class).hasMessage("policy");
    assertThatThrownBy(() -> LoadBalancingInterceptor.builder().hedgingExecutor(null))
        .isInstanceOf(NullPointerException.class).hasMessage("executor");
  }

  @Test
  void withoutHedging_theStatsAreNone() throws Exception {
    LoadBalancer plain = LoadBalancer.builder("plain").executor(Runnable::run).endpoints(List.of(one.endpoint())).build();
    try {
      LoadBalancingInterceptor interceptor = LoadBalancingInterceptor.builder().service("plain", plain).build();
      assertThat(interceptor.hedgingStats()).isEqualTo(HedgingStats.NONE);
    } finally {
      plain.close();
    }
  }

  /** Runs hedges when the test says: every task scheduled so far, on the test's thread. */
  static final class ManualTimer implements HedgeTimer {
    private final List<Runnable> tasks = new CopyOnWriteArrayList<>();

    @Override
    public Runnable schedule(Runnable task, long delayNanos) {
      tasks.add(task);
      return () -> tasks.remove(task);
    }

    int scheduled() {
      return tasks.size();
    }

    /** Runs and forgets every task scheduled; returns how many. */
    int fire() {
      List<Runnable> due = new ArrayList<>(tasks);
      tasks.clear();
      due.forEach(Runnable::run);
      return due.size();
    }
  }
}
