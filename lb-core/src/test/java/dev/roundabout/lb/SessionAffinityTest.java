package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SessionAffinityTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  private final FakeTicker ticker = new FakeTicker();
  private final MutableEndpointSource source = EndpointSource.mutable(List.of(A, B, C));

  private LoadBalancer balancer(PickerFactory picker, long seed) {
    return LoadBalancer.builder("sticky").executor(Runnable::run)
        .source(source)
        .picker(picker)
        .ticker(ticker)
        .random(new SplittableRandom(seed))
        .build();
  }

  @Test
  void firstCalls_followThePicker_andLaterCallsStayOnTheirEndpoint() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 3);
        LoadBalancer twin = LoadBalancer.builder("twin").executor(Runnable::run).endpoints(List.of(A, B, C))
            .picker(Pickers.roundRobin()).random(new SplittableRandom(3)).build()) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();
      List<Endpoint> first = new ArrayList<>();
      List<Endpoint> rotation = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        first.add(sticky.pick("session-" + s));
        rotation.add(twin.pick());
      }
      assertThat(first).isEqualTo(rotation); // round robin places the sessions in rotation

      for (int call = 0; call < 50; call++) {
        for (int s = 0; s < 6; s++) {
          assertThat(sticky.pick("session-" + s)).isEqualTo(first.get(s));
          try (Lease lease = sticky.acquire("session-" + s)) {
            assertThat(lease.endpoint()).isEqualTo(first.get(s));
          }
        }
      }
      assertThat(sticky.sessions()).isEqualTo(6);
    }
  }

  @Test
  void aSessionsFirstCall_isPlacedByItsKey_underAHashPicker() {
    try (LoadBalancer lb = balancer(Pickers.rendezvous(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();

      for (int s = 0; s < 20; s++) {
        assertThat(sticky.pick("user-" + s)).isEqualTo(lb.pick(PickContext.ofKey("user-" + s)));
      }
    }
  }

  @Test
  void leaseOnThePinnedEndpoint_countsInFlight_andReleases() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();
      Endpoint pinned = sticky.pick("s");
      Lease first = sticky.acquire("s");
      Lease second = sticky.acquire("s");

      assertThat(inFlight(lb, pinned)).isEqualTo(2);
      first.success();
      first.close();
      second.close();
      assertThat(inFlight(lb, pinned)).isZero();
    }
  }

  @Test
  void whenThePinnedEndpointGoes_theSessionFailsOver_andStaysOnItsNewEndpoint() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 7)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();
      Endpoint original = sticky.pick("s");
      List<Endpoint> without = new ArrayList<>(List.of(A, B, C));
      without.remove(original);

      source.update(without);
      Endpoint failover = sticky.pick("s");
      assertThat(failover).isNotEqualTo(original).isIn(without);
      assertThat(sticky.pinnedAddress("s")).isEqualTo(failover.address());

      source.update(List.of(A, B, C)); // the original returns: the session does not flap back
      for (int call = 0; call < 10; call++) {
        try (Lease lease = sticky.acquire("s")) {
          assertThat(lease.endpoint()).isEqualTo(failover);
        }
      }
    }
  }

  @Test
  void aSessionWithoutCalls_isForgottenAfterTheIdleTimeout() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).idleTimeout(Duration.ofMinutes(10)).build();
      Endpoint pinned = sticky.pick("s");

      ticker.advance(Duration.ofMinutes(9));
      assertThat(sticky.pick("s")).isEqualTo(pinned); // a call: the idle clock restarts
      ticker.advance(Duration.ofMinutes(9));
      assertThat(sticky.pinnedAddress("s")).isEqualTo(pinned.address());
      ticker.advance(Duration.ofMinutes(1).plusNanos(1));

      assertThat(sticky.pinnedAddress("s")).isNull();
      assertThat(sticky.sessions()).isZero();
    }
  }

  @Test
  void pinnedAddress_doesNotCountAsACall() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).idleTimeout(Duration.ofMinutes(10)).build();
      sticky.pick("s");
      ticker.advance(Duration.ofMinutes(6));
      assertThat(sticky.pinnedAddress("s")).isNotNull();
      ticker.advance(Duration.ofMinutes(6));

      assertThat(sticky.pinnedAddress("s")).isNull();
    }
  }

  @Test
  void theTable_holdsAtMostTheMaximumSessions() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).maximumSessions(100).build();
      for (int s = 0; s < 1_000; s++) {
        sticky.pick("session-" + s);
      }

      assertThat(sticky.sessions()).isEqualTo(100);
    }
  }

  @Test
  void forget_makesTheNextCallAFirstCall() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();
      Endpoint pinned = sticky.pick("s");
      sticky.forget("s");

      assertThat(sticky.pinnedAddress("s")).isNull();
      assertThat(sticky.pick("s")).isNotEqualTo(pinned); // round robin moved on
    }
  }

  @Test
  void noEndpoint_orAClosedBalancer_failAsAPlainPickDoes() {
    LoadBalancer lb = balancer(Pickers.roundRobin(), 1);
    SessionAffinity sticky = SessionAffinity.builder(lb).build();
    sticky.pick("s");
    source.update(List.of());

    assertThatThrownBy(() -> sticky.acquire("s"))
        .isInstanceOf(NoAvailableEndpointException.class)
        .hasMessage("no available endpoint in 'sticky' (0 endpoints)");
    lb.close();
    assertThatThrownBy(() -> sticky.pick("s"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("load balancer 'sticky' is closed");
  }

  @Test
  void badInput_isRefusedWithItsName() {
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), 1)) {
      SessionAffinity sticky = SessionAffinity.builder(lb).build();
      SessionAffinity.Builder builder = SessionAffinity.builder(lb);

      assertThatThrownBy(() -> SessionAffinity.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("lb");
      assertThatThrownBy(() -> sticky.pick(null)).isInstanceOf(NullPointerException.class).hasMessage("sessionKey");
      assertThatThrownBy(() -> sticky.acquire(null)).isInstanceOf(NullPointerException.class).hasMessage("sessionKey");
      assertThatThrownBy(() -> builder.maximumSessions(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maximumSessions: 0 (expected: 1 or more)");
      assertThatThrownBy(() -> builder.idleTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("idleTimeout: PT0S (expected: a positive duration)");
      assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1)))
          .hasMessage("idleTimeout: PT-1S (expected: a positive duration)");
      assertThatThrownBy(() -> builder.idleTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("idleTimeout");
    }
  }

  private static int inFlight(LoadBalancer lb, Endpoint endpoint) {
    return lb.stats().stream().filter(s -> s.endpoint().equals(endpoint)).findFirst().orElseThrow().inFlight();
  }
}
