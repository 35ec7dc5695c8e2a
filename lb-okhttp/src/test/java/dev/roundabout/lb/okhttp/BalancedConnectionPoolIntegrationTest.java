package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How many connections a balanced client opens, with OkHttp's default pool and with a pool sized
 * for the endpoints: three MockWebServer backends on loopback behind the interceptor with round
 * robin, and {@value #CALLERS} callers making {@value #CALLS} calls.
 *
 * <p>The calls go in rounds so that the outcome does not depend on timing. In each round every
 * caller makes one call, and the backends hold every response until all {@value #CALLERS} requests
 * have arrived: each round has exactly {@value #CALLERS} calls in flight at once, on 12
 * connections. Between rounds every connection is idle, and the test waits until the pool's own
 * cleaner has brought the pool under its idle limit, as it does between bursts of a real load.
 * OkHttp's default pool then keeps 5 connections, so every round after the first opens at least 7.
 * The sized pool never closes one: an endpoint ends with as many connections as calls were ever
 * in flight to it at once, and the test counts at most that.
 *
 * <p>Round robin evens out the calls over time, not at every moment: its rotation is striped by
 * thread, so a round may send more than 4 of its 12 calls to one endpoint. The sized pool here is
 * therefore sized for the worst moment, all 12 callers on one endpoint, which bounds what it opens
 * by 12 per endpoint whatever the rotation does. (Callers running free in loops show the same
 * churn with the default pool, only by an amount that depends on the scheduling.)
 */
class BalancedConnectionPoolIntegrationTest {
  private static final int ENDPOINTS = 3;
  private static final int CALLERS_PER_ENDPOINT = 4;
  private static final int CALLERS = ENDPOINTS * CALLERS_PER_ENDPOINT;
  private static final int ROUNDS = 25;
  private static final int CALLS = CALLERS * ROUNDS;
  /** What {@code new ConnectionPool()} keeps: 5 idle connections for the whole client. */
  private static final int OKHTTP_DEFAULT_MAX_IDLE = 5;

  private final List<Backend> backends = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<OkHttpClient> clients = new ArrayList<>();
  private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);

  @AfterEach
  void stop() throws InterruptedException {
    callers.shutdownNow();
    assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("callers stopped").isTrue();
    NoLeaks.checkAndStop(balancers, clients, backends);
  }

  @Test
  void defaultPool_reopensConnectionsEveryRound_whileASizedPoolOpensEachOnlyOnce() throws Exception {
    List<Backend> defaultPoolBackends = backends();
    int withDefaultPool = connectionsOpened(
        defaultPoolBackends, roundRobin(defaultPoolBackends), new ConnectionPool(), OKHTTP_DEFAULT_MAX_IDLE);

    List<Backend> sizedPoolBackends = backends();
    LoadBalancer lb = roundRobin(sizedPoolBackends);
    BalancedConnectionPool.Builder sizing = BalancedConnectionPool.builder()
        .balancers(lb)
        .idleConnectionsPerEndpoint(CALLERS) // the most calls one endpoint can have at once
        .headroomPercent(0)
        .unbalancedIdleConnections(0);
    assertThat(sizing.maxIdleConnections()).isEqualTo(CALLERS * ENDPOINTS);
    int withSizedPool = connectionsOpened(sizedPoolBackends, lb, sizing.build(), sizing.maxIdleConnections());

    System.out.printf(
        "%d calls, %d callers over %d endpoints: %d connections opened with OkHttp's default pool, %d with the sized pool%n",
        CALLS, CALLERS, ENDPOINTS, withDefaultPool, withSizedPool);
    assertThat(withSizedPool)
        .as("the sized pool opens a connection per call in flight at an endpoint at once, and keeps it")
        .isBetween(CALLERS, CALLERS * ENDPOINTS);
    assertThat(withDefaultPool)
        .as("OkHttp's default pool reopens all but 5 connections every round")
        .isGreaterThanOrEqualTo(CALLERS + (ROUNDS - 1) * (CALLERS - OKHTTP_DEFAULT_MAX_IDLE))
        .isGreaterThan(4 * withSizedPool);
  }

  /**
   * Makes {@value #CALLS} calls in rounds (see the class comment) and counts the connections the
   * backends accepted requests on.
   */
  private int connectionsOpened(List<Backend> pool, LoadBalancer lb, ConnectionPool connectionPool, int maxIdle)
      throws Exception {
    CyclicBarrier allInFlight = new CyclicBarrier(CALLERS);
    for (Backend backend : pool) {
      backend.answer(request -> holdUntilAllArrived(allInFlight));
    }
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", lb).maxAttempts(1).build())
        .connectionPool(connectionPool)
        .readTimeout(20, TimeUnit.SECONDS)
        .build();
    clients.add(client);

    for (int round = 0; round < ROUNDS; round++) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        calls.add(callers.submit(() -> get(client, "http://orders/items")));
      }
      for (Future<String> call : calls) {
        assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("200 ok");
      }
      ConnectionPool connections = client.connectionPool();
      // Two reads that the cleaner may separate: asked again until they agree.
      await("every connection back in the pool, and the pool's cleaner done")
          .atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
          .until(() -> connections.connectionCount() <= maxIdle
              && connections.idleConnectionCount() == connections.connectionCount());
    }

    int served = 0;
    int opened = 0;
    for (Backend backend : pool) {
      served += backend.recorded.size();
      Set<Integer> connections = new HashSet<>();
      for (RecordedRequest request : backend.recorded) {
        connections.add(request.getConnectionIndex());
      }
      opened += connections.size();
    }
    assertThat(served).as("calls served").isEqualTo(CALLS);
    return opened;
  }

  /** Answers once {@value #CALLERS} requests wait here, or 503 if they do not come within 10 s. */
  private static MockResponse holdUntilAllArrived(CyclicBarrier allInFlight) {
    try {
      allInFlight.await(10, TimeUnit.SECONDS);
      return Backend.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MockResponse.Builder().code(503).body("interrupted").build();
    } catch (BrokenBarrierException | TimeoutException e) {
      return new MockResponse.Builder().code(503).body("not all calls in flight: " + e).build();
    }
  }

  private List<Backend> backends() throws IOException {
    List<Backend> pool = new ArrayList<>();
    for (int i = 0; i < ENDPOINTS; i++) {
      Backend backend = new Backend("backend-" + i);
      backends.add(backend);
      pool.add(backend);
    }
    return pool;
  }

  private LoadBalancer roundRobin(List<Backend> pool) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Backend backend : pool) {
      endpoints.add(backend.endpoint());
    }
    LoadBalancer lb = LoadBalancer.builder("orders").endpoints(endpoints).build();
    balancers.add(lb);
    return lb;
  }

  private static String get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() + " " + response.body().string();
    }
  }
}
