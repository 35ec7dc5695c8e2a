package dev.roundabout.lb.health;

import static dev.roundabout.lb.health.HealthTesting.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.FakeTicker;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActiveHealthCheckerTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<String> events = new ArrayList<>();

  /** A probe whose answers the test sets: healthy unless told otherwise. */
  private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
  private final AtomicInteger checks = new AtomicInteger();
  private final HealthProbe scripted =
      (endpoint, timeout) -> {
        checks.incrementAndGet();
        return CompletableFuture.completedFuture(answers.getOrDefault(endpoint.address(), true));
      };

  private ActiveHealthChecker.Builder checker(HealthProbe probe) {
    return ActiveHealthChecker.builder(probe).interval(INTERVAL).timeout(Duration.ofSeconds(1)).scheduler(scheduler);
  }

  private LoadBalancer balancer(HealthPolicy checker, List<Endpoint> endpoints) {
    return LoadBalancer.builder("orders").executor(Runnable::run)
        .endpoints(endpoints)
        .ticker(ticker)
        .random(new SplittableRandom(4))
        .healthTracker(checker)
        .panicThreshold(0)
        .listener(
            new LoadBalancerListener() {
              @Override
              public void onHealthCheckFailed(String balancer, Endpoint endpoint) {
                events.add("failed " + endpoint.host() + " at " + seconds());
              }

              @Override
              public void onHealthCheckPassed(String balancer, Endpoint endpoint) {
                events.add("passed " + endpoint.host() + " at " + seconds());
              }
            })
        .build();
  }

  private long start = 0;

  private long seconds() {
    return Math.round((ticker.read() - start) / 1e9);
  }

  @Test
  void twoFailedChecks_makeAnEndpointUnhealthy_andTwoGoodOnesHealthyAgain() {
    start = ticker.read();
    try (LoadBalancer lb = balancer(checker(scripted).jitterPercent(0).build(), List.of(A, B))) {
      answers.put(A.address(), false);
      scheduler.advance(Duration.ZERO); // first checks, at once without jitter
      assertThat(picks(lb, 20)).contains(A); // one failure is not enough
      scheduler.advance(INTERVAL);
      assertThat(picks(lb, 20)).containsExactly(B);

      answers.put(A.address(), true);
      scheduler.advance(INTERVAL);
      assertThat(picks(lb, 20)).containsExactly(B); // one good check is not enough
      scheduler.advance(INTERVAL);
      assertThat(picks(lb, 20)).containsExactlyInAnyOrder(A, B);
      assertThat(events).containsExactly("failed 10.0.0.1 at 5", "passed 10.0.0.1 at 15");
    }
  }

  @Test
  void unknownEndpoints_takeNoCall_untilAFirstCheckPasses() {
    try (LoadBalancer lb = balancer(checker(scripted).initiallyHealthy(false).build(), List.of(A, B))) {
      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (2 endpoints: 2 unknown)");

      scheduler.advance(INTERVAL.multipliedBy(10).dividedBy(100)); // the first checks come within the jitter

      assertThat(picks(lb, 20)).containsExactlyInAnyOrder(A, B);
    }
  }

  @Test
  void checks_comeEveryInterval_withinTheJitter() {
    try (LoadBalancer lb = balancer(checker(scripted).jitterPercent(10).build(), List.of(A, B))) {
      scheduler.advance(INTERVAL.multipliedBy(40));
    }
    List<Long> delays = scheduler.delaysNanos.stream().filter(d -> d != TimeUnit.SECONDS.toNanos(1)).toList();
    List<Long> first = delays.subList(0, 2);
    List<Long> later = delays.subList(2, delays.size());

    assertThat(first).allSatisfy(d -> assertThat(d).isBetween(0L, INTERVAL.toNanos() / 10));
    assertThat(later).hasSizeGreaterThan(60)
        .allSatisfy(d -> assertThat(d).isBetween(INTERVAL.toNanos() * 9 / 10, INTERVAL.toNanos() * 11 / 10));
    assertThat(later.stream().mapToLong(Long::longValue).max().getAsLong()
            - later.stream().mapToLong(Long::longValue).min().getAsLong())
        .as("the jitter spreads the checks")
        .isGreaterThan(INTERVAL.toNanos() / 10);
  }

  @Test
  void aCheckThatTimesOut_hasFailed_isCancelled_andChecksNeverOverlap() {
    List<CompletableFuture<Boolean>> started = new ArrayList<>();
    HealthProbe hanging =
        (endpoint, timeout) -> {
          assertThat(started).allSatisfy(f -> assertThat(f).isDone()); // the previous one ended
          CompletableFuture<Boolean> never = new CompletableFuture<>();
          started.add(never);
          return never;
        };
    try (LoadBalancer lb = balancer(checker(hanging).jitterPercent(0).build(), List.of(A))) {
      scheduler.advance(Duration.ofMillis(999));
      assertThat(started).hasSize(1);
      assertThat(lb.pick()).isEqualTo(A);
      scheduler.advance(Duration.ofMillis(1)); // first timeout
      scheduler.advance(INTERVAL); // second check and its timeout

      assertThat(started).hasSize(2).allSatisfy(f -> assertThat(f).isCancelled());
      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 unhealthy)");
    }
  }

  @Test
  void aLateResult_ofATimedOutCheck_isIgnored() {
    List<CompletableFuture<Boolean>> started = new ArrayList<>();
    HealthProbe slow =
        (endpoint, timeout) -> {
          CompletableFuture<Boolean> later = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterrupt) {
              return false; // a probe that cannot be cancelled
            }
          };
          started.add(later);
          return later;
        };
    try (LoadBalancer lb = balancer(checker(slow).jitterPercent(0).unhealthyThreshold(1).build(), List.of(A))) {
      scheduler.advance(Duration.ofSeconds(1)); // times out: unhealthy
      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 unhealthy)");

      started.get(0).complete(true); // the late answer changes nothing

      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 unhealthy)");
      assertThat(events).containsExactly("failed 10.0.0.1 at " + seconds());
    }
  }

  @Test
  void aProbeThatThrows_hasFailed() {
    HealthProbe broken =
        (endpoint, timeout) -> {
          throw new IllegalStateException("probe bug");
        };
    try (LoadBalancer lb = balancer(checker(broken).jitterPercent(0).build(), List.of(A))) {
      scheduler.advance(INTERVAL);

      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 unhealthy)");
    }
  }

  @Test
  void closingTheBalancer_stopsEveryCheck() {
    LoadBalancer lb = balancer(checker(scripted).build(), List.of(A, B));
    scheduler.advance(INTERVAL);
    int before = checks.get();
    assertThat(scheduler.pending()).isPositive();
    lb.close();

    assertThat(scheduler.pending()).isZero();
    scheduler.advance(INTERVAL.multipliedBy(10));
    assertThat(checks.get()).isEqualTo(before);
    assertThat(scheduler.isShutdown()).as("a given scheduler is the caller's to shut down").isFalse();
  }

  @Test
  void theCheckersOwnScheduler_stopsWithTheBalancer() {
    ActiveCheckTracker checker =
        (ActiveCheckTracker) ActiveHealthChecker.builder(scripted).interval(Duration.ofHours(1)).build().newTracker();
    LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).healthTracker(() -> checker).build();
    assertThat(checker.scheduler()).isNotNull();
    lb.close();

    assertThat(checker.scheduler().isShutdown()).isTrue();
  }

  @Test
  void tcpConnectProbe_isHealthyWhenAConnectionOpens_andUnhealthyOnAClosedPort() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listening = new ServerSocket(0, 1, loopback)) {
      Endpoint open = Endpoint.of(loopback.getHostAddress(), listening.getLocalPort());
      assertThat(TcpConnectProbe.create().check(open, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isTrue();
    }
    int closedPort;
    try (ServerSocket once = new ServerSocket(0, 1, loopback)) {
      closedPort = once.getLocalPort();
    }
    Endpoint closed = Endpoint.of(loopback.getHostAddress(), closedPort);
    assertThat(TcpConnectProbe.create().check(closed, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isFalse();
  }

  @Test
  void badInput_isRefusedWithItsName() {
    assertThatThrownBy(() -> ActiveHealthChecker.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("probe");
    ActiveHealthChecker.Builder builder = ActiveHealthChecker.builder(scripted);
    assertThatThrownBy(() -> builder.healthyThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("healthyThreshold: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> builder.unhealthyThreshold(-2)).hasMessage("unhealthyThreshold: -2 (expected: 1 or more)");
    assertThatThrownBy(() -> builder.jitterPercent(101)).hasMessage("jitterPercent: 101 (expected: 0-100)");
    assertThatThrownBy(() -> builder.jitterPercent(-1)).hasMessage("jitterPercent: -1 (expected: 0-100)");
    assertThatThrownBy(() -> builder.interval(Duration.ZERO)).hasMessage("interval: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.timeout(Duration.ofMillis(-5))).hasMessage("timeout: PT-0.005S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.scheduler(null)).isInstanceOf(NullPointerException.class).hasMessage("scheduler");
    assertThatThrownBy(() -> ActiveHealthChecker.builder(scripted).interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(2)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("timeout: PT2S (expected: less than interval PT2S)");
  }

  @Test
  void unknownEndpoints_stayOut_underTheDefaultPanicThreshold_andDoNotCauseAPanic() {
    ActiveHealthChecker checker = checker(scripted).initiallyHealthy(false).build();
    dev.roundabout.lb.MutableEndpointSource source = dev.roundabout.lb.EndpointSource.mutable(List.of(A));
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).ticker(ticker).healthTracker(checker).build()) {
      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 unknown)");
      scheduler.advance(INTERVAL); // A passes its first check
      Endpoint c = Endpoint.of("10.0.0.3", 80);
      Endpoint d = Endpoint.of("10.0.0.4", 80);
      answers.put(B.address(), false);
      answers.put(c.address(), false);
      answers.put(d.address(), false);
      source.update(List.of(A, B, c, d)); // three new endpoints, unknown: 1 of 4 available, yet no panic

      assertThat(picks(lb, 20)).containsExactly(A);
    }
  }

  @Test
  void closingTheBalancer_cancelsAProbeUnderWay() {
    List<CompletableFuture<Boolean>> started = new ArrayList<>();
    HealthProbe hanging =
        (endpoint, timeout) -> {
          CompletableFuture<Boolean> never = new CompletableFuture<>();
          started.add(never);
          return never;
        };
    LoadBalancer lb = balancer(checker(hanging).jitterPercent(0).build(), List.of(A));
    scheduler.advance(Duration.ofMillis(500)); // the first check runs, its timeout not reached
    assertThat(started).hasSize(1);
    lb.close();

    assertThat(started.get(0)).isCancelled();
  }

  @Test
  void oneChecker_onAGivenScheduler_servesTwoBalancers_eachWithChecksOfItsOwn() {
    ActiveHealthChecker checker = checker(scripted).jitterPercent(0).build();
    LoadBalancer first = balancer(checker, List.of(A, B));
    answers.put(A.address(), false);
    scheduler.advance(Duration.ZERO);
    scheduler.advance(INTERVAL); // two failed checks of A in the first balancer
    assertThat(picks(first, 20)).containsExactly(B);

    try (LoadBalancer second = balancer(checker, List.of(A, B))) {
      assertThat(picks(second, 20)).as("the second balancer's A is not checked yet").containsExactlyInAnyOrder(A, B);
      first.close();
      scheduler.advance(INTERVAL.multipliedBy(2)); // the second balancer's own checks, on the shared scheduler

      assertThat(picks(second, 20)).containsExactly(B);
      assertThat(scheduler.isShutdown()).as("a given scheduler outlives the balancers").isFalse();
    }
    assertThat(scheduler.pending()).isZero();
  }
}
