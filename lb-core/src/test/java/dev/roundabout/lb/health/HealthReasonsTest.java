package dev.roundabout.lb.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointDescription;
import dev.roundabout.lb.FakeTicker;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each built-in tracker says when asked why an endpoint is out, as {@code describe()} shows it. */
class HealthReasonsTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
  private final HealthProbe scripted =
      (endpoint, timeout) -> CompletableFuture.completedFuture(answers.getOrDefault(endpoint.address(), true));
  private final List<LoadBalancer> balancers = new ArrayList<>();

  @AfterEach
  void close() {
    balancers.forEach(LoadBalancer::close);
  }

  private LoadBalancer balancer(HealthPolicy policy) {
    LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run)
        .endpoints(List.of(A, B))
        .ticker(ticker)
        .random(new SplittableRandom(7))
        .healthTracker(policy)
        .panicThreshold(0)
        .build();
    balancers.add(lb);
    return lb;
  }

  private ActiveHealthChecker checker() {
    return ActiveHealthChecker.builder(scripted).interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(1))
        .jitterPercent(0).unhealthyThreshold(2).healthyThreshold(2).scheduler(scheduler).build();
  }

  private static EndpointDescription described(LoadBalancer lb, Endpoint endpoint) {
    return lb.describe().endpoint(endpoint.address()).orElseThrow();
  }

  /** Makes calls until {@code outcomes} went to {@code endpoint} (true: success); the others succeed. */
  private void calls(LoadBalancer lb, Endpoint endpoint, boolean... outcomes) {
    int done = 0;
    for (int call = 0; done < outcomes.length; call++) {
      assertThat(call).as("calls to reach %s", endpoint).isLessThan(100);
      try (Lease lease = lb.acquire()) {
        ticker.advance(Duration.ofMillis(10));
        if (!lease.endpoint().equals(endpoint) || outcomes[done++]) {
          lease.success();
        } else {
          lease.failure(new IOException("connection reset"));
        }
      }
    }
  }

  @Test
  void outlierDetector_saysWhichRuleEjectedAndUntilWhen() {
    LoadBalancer lb = balancer(OutlierDetector.builder().withoutConsecutiveFailures()
        .failureRate(50, 4, Duration.ofSeconds(10)).baseEjectionTime(Duration.ofSeconds(30)).build());
    calls(lb, B, true, false, true, false);
    ticker.advance(Duration.ofSeconds(12));

    EndpointDescription b = described(lb, B);

    assertThat(b.reason().detail()).isEqualTo("failure rate 50% (2 of 4 calls in 10s), ejection 1 of 30s");
    assertThat(b.state()).isEqualTo("ejected for 18s more: failure rate 50% (2 of 4 calls in 10s), ejection 1 of 30s");
  }

  @Test
  void circuitBreaker_saysWhatOpenedItAndWhenItTriesAgain() {
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(2)
        .clock(CircuitBreakerHealthTracker.clock(ticker)).build());
    LoadBalancer lb = balancer(CircuitBreakerHealthTracker.of(registry));
    calls(lb, B, false, true, false, false);
    ticker.advance(Duration.ofSeconds(3));

    assertThat(described(lb, B).state())
        .isEqualTo("circuit open for 7s more: failure rate 75% (threshold 50%) of 4 calls");

    ticker.advance(Duration.ofSeconds(8));
    lb.pick(); // the end of the wait is due: the pick hands the refresh over
    assertThat(described(lb, B).state()).isEqualTo("on trial: wait over, the next call is a trial");
  }

  @Test
  void activeHealthChecker_saysHowManyChecksFailedAndWhatTheLastOneSaid() {
    ManualHealthTracker other = new ManualHealthTracker(); // its set() makes the balancer rebuild
    LoadBalancer lb = balancer(HealthTrackers.allOf(() -> other, checker()));
    answers.put(B.address(), false);
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(described(lb, B).state()).isEqualTo("unhealthy: failed 2 checks in a row, last: probe said false");

    answers.put(B.address(), true);
    scheduler.advance(Duration.ofSeconds(5));
    lb.pick();
    assertThat(described(lb, B).state())
        .as("no rebuild since: the reason published with the last one stays")
        .isEqualTo("unhealthy: failed 2 checks in a row, last: probe said false");

    other.set(A, EndpointHealth.AVAILABLE);
    assertThat(described(lb, B).state())
        .isEqualTo("unhealthy: passed 1 of the 2 checks in a row it needs, last failure: probe said false");
  }

  @Test
  void activeHealthChecker_notInitiallyHealthy_saysNotCheckedYet() {
    LoadBalancer lb = balancer(ActiveHealthChecker.builder(scripted).interval(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(1)).initiallyHealthy(false).scheduler(scheduler).build());

    assertThat(described(lb, A).state()).isEqualTo("unknown: not checked yet");
  }

  @Test
  void allOf_explainsWithTheTrackerThatKeepsTheEndpointOut() {
    LoadBalancer lb = balancer(HealthTrackers.allOf(OutlierDetector.ofDefaults(), checker()));
    answers.put(B.address(), false);
    scheduler.advance(Duration.ofSeconds(10));

    EndpointDescription b = described(lb, B);

    assertThat(b.health()).isEqualTo(EndpointHealth.UNHEALTHY);
    assertThat(b.reason()).isEqualTo(HealthReason.of(EndpointHealth.UNHEALTHY, "failed 2 checks in a row, last: probe said false"));
  }
}
