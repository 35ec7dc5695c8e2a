package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallListenerTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 8080);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 8080);

  private record Call(String balancer, Endpoint endpoint, CallOutcome outcome, long durationNanos) {}

  private final FakeTicker ticker = new FakeTicker();
  private final List<Call> calls = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();

  @AfterEach
  void noLeaseLeftOpen() {
    for (LoadBalancer lb : balancers) {
      assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).as("in flight on %s", s.endpoint()).isZero());
      lb.close();
    }
  }

  private LoadBalancer build(LoadBalancer.Builder builder) {
    LoadBalancer lb = builder.executor(Runnable::run).ticker(ticker).build();
    balancers.add(lb);
    return lb;
  }

  private LoadBalancer recorded(List<Endpoint> endpoints) {
    return build(LoadBalancer.builder("orders").endpoints(endpoints)
        .callListener((balancer, endpoint, outcome, nanos) -> calls.add(new Call(balancer, endpoint, outcome, nanos))));
  }

  @Test
  void eachReport_isHeardOnce_withItsOutcomeAndTickerDurationFromAcquire() {
    LoadBalancer lb = recorded(List.of(A));
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(40));
      lease.success();
      ticker.advance(Duration.ofMillis(5));
      lease.failure(); // ignored: the lease reported already
    }
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(7));
      lease.failure(new IOException("HTTP 503"));
    }
    try (Lease lease = lb.acquire()) {
      lease.failure();
    }
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(1));
      lease.unreachable(new ConnectException("refused"));
    }

    assertThat(calls).containsExactly(
        new Call("orders", A, CallOutcome.SUCCESS, 40_000_000L),
        new Call("orders", A, CallOutcome.FAILURE, 7_000_000L),
        new Call("orders", A, CallOutcome.FAILURE, 0L),
        new Call("orders", A, CallOutcome.UNREACHABLE, 1_000_000L));
  }

  @Test
  void abandonedLease_picks_andReportsAfterClose_areNotHeard() {
    LoadBalancer lb = recorded(List.of(A, B));
    lb.acquire().close();
    lb.pick();
    Lease closed = lb.acquire();
    closed.close();
    closed.success();

    assertThat(calls).isEmpty();
  }

  @Test
  void listenersAreCalledInOrder_andOneThatThrows_changesNothingElse() {
    List<String> heard = new ArrayList<>();
    LoadBalancer lb = build(LoadBalancer.builder("orders").endpoints(List.of(A))
        .callListener((balancer, endpoint, outcome, nanos) -> {
          heard.add("first " + outcome);
          throw new IllegalStateException("broken listener");
        })
        .callListener((balancer, endpoint, outcome, nanos) -> heard.add("second " + outcome)));

    try (Lease lease = lb.acquire()) {
      assertThat(lease.success()).isTrue();
    }

    assertThat(heard).containsExactly("first SUCCESS", "second SUCCESS");
    assertThat(lb.stats().get(0).successes()).isEqualTo(1);
  }

  @Test
  void callListener_null_isRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder("orders").callListener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }
}
