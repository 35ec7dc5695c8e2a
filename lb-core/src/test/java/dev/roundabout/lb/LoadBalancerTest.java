package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 8080);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 8080);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 8080);

  @Test
  void builder_withNeitherEndpointsNorSource_isRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder("orders").executor(Runnable::run).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("load balancer 'orders' has no endpoints (expected: endpoints(list) or source(source))");
  }

  @Test
  void builder_withBothEndpointsAndSource_isRejected() {
    assertThatThrownBy(
            () -> LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).source(EndpointSource.of(List.of(B))).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("load balancer 'orders' has both endpoints(list) and source(source) (expected: one of them)");
  }

  @Test
  void builder_nullList_isRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder("orders").executor(Runnable::run).endpoints(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoints");
  }

  @Test
  void builder_nullElement_isRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder("orders").executor(Runnable::run).endpoints(Arrays.asList(A, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoints[1]");
  }

  @Test
  void builder_sameHostPortTwice_isRejected() {
    Endpoint heavierA = Endpoint.builder("10.0.0.1", 8080).weight(5).build();
    assertThatThrownBy(() -> LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B, heavierA)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 10.0.0.1:8080 at index 0 and 2 (expected: each host:port once)");
  }

  @Test
  void builder_blankOrNullName_isRejected() {
    assertThatThrownBy(() -> LoadBalancer.builder(" ").executor(Runnable::run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: \" \" (expected: a non-blank name)");
    assertThatThrownBy(() -> LoadBalancer.builder(null).executor(Runnable::run))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void builder_nullOptions_areRejectedByName() {
    LoadBalancer.Builder builder = LoadBalancer.builder("orders").executor(Runnable::run);
    assertThatThrownBy(() -> builder.picker(null)).hasMessage("picker");
    assertThatThrownBy(() -> builder.ticker(null)).hasMessage("ticker");
    assertThatThrownBy(() -> builder.random(null)).hasMessage("random");
    assertThatThrownBy(() -> builder.source(null)).hasMessage("source");
    assertThatThrownBy(() -> builder.listener(null)).hasMessage("listener");
  }

  @Test
  void pick_withNullContext_isRejected() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).build()) {
      assertThatThrownBy(() -> lb.pick(null)).isInstanceOf(NullPointerException.class).hasMessage("context");
    }
  }

  @Test
  void pick_afterClose_throwsIllegalState() {
    LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B)).build();
    lb.close();
    lb.close(); // idempotent
    assertThat(lb.isClosed()).isTrue();
    assertThatThrownBy(lb::pick)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("load balancer 'orders' is closed");
    assertThatThrownBy(lb::acquire)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("load balancer 'orders' is closed");
    assertThat(lb.endpoints()).isEmpty();
  }

  @Test
  void close_endsTheSourceSubscription() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    List<String> events = new ArrayList<>();
    LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run)
            .source(source)
            .listener(new LoadBalancerListener() {
              @Override
              public void onEndpointAdded(String balancer, Endpoint endpoint) {
                events.add("added " + endpoint);
              }
            })
            .build();
    lb.close();
    source.update(List.of(A, B));
    assertThat(events).containsExactly("added " + A);
    assertThatThrownBy(lb::pick).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void emptyList_throwsNoAvailableEndpointNamingTheBalancer() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of()).build()) {
      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'orders' (0 endpoints)")
          .satisfies(e -> assertThat(((NoAvailableEndpointException) e).balancerName()).isEqualTo("orders"));
    }
  }

  @Test
  void endpoints_returnsTheCurrentFullListImmutable() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).build()) {
      assertThat(lb.endpoints()).containsExactly(A, B);
      source.update(List.of(C, A));
      assertThat(lb.endpoints()).containsExactly(C, A);
      assertThatThrownBy(() -> lb.endpoints().add(B)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void listener_hearsAddedRemovedAndNoAvailableEndpoint_inOrder() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    List<String> events = new ArrayList<>();
    LoadBalancerListener listener =
        new LoadBalancerListener() {
          @Override
          public void onEndpointAdded(String balancer, Endpoint endpoint) {
            events.add(balancer + " +" + endpoint);
          }

          @Override
          public void onEndpointRemoved(String balancer, Endpoint endpoint) {
            events.add(balancer + " -" + endpoint);
          }

          @Override
          public void onNoAvailableEndpoint(String balancer, String reason) {
            events.add(balancer + " none: " + reason);
          }
        };
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).listener(listener).build()) {
      source.update(List.of(B, C));
      source.update(List.of());
      assertThat(events)
          .containsExactly(
              "orders +" + A,
              "orders +" + B,
              "orders +" + C,
              "orders -" + A,
              "orders -" + B,
              "orders -" + C,
              "orders none: no available endpoint in 'orders' (0 endpoints)");
      assertThatThrownBy(lb::pick).isInstanceOf(NoAvailableEndpointException.class);
    }
  }

  @Test
  void throwingListener_isSwallowed_andLaterListenersStillHear() {
    List<Endpoint> heard = new ArrayList<>();
    LoadBalancerListener thrower =
        new LoadBalancerListener() {
          @Override
          public void onEndpointAdded(String balancer, Endpoint endpoint) {
            throw new IllegalStateException("listener bug");
          }
        };
    LoadBalancerListener recorder =
        new LoadBalancerListener() {
          @Override
          public void onEndpointAdded(String balancer, Endpoint endpoint) {
            heard.add(endpoint);
          }
        };
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B)).listener(thrower).listener(recorder).build()) {
      assertThat(heard).containsExactly(A, B);
      assertThat(lb.pick()).isIn(A, B);
    }
  }

  @Test
  void update_keepsStateOfEndpointsThatStay_byHostPort() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    FakeTicker ticker = new FakeTicker();
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).ticker(ticker).build()) {
      Lease onA = acquireOn(lb, A);
      Lease onB = acquireOn(lb, B);
      ticker.advance(java.time.Duration.ofMillis(7));
      onB.success();

      Endpoint heavierB = Endpoint.builder("10.0.0.2", 8080).weight(4).build();
      source.update(List.of(heavierB, C));

      assertThat(lb.endpoints()).containsExactly(heavierB, C);
      EndpointStats b = statsOf(lb, heavierB);
      assertThat(b.endpoint().weight()).isEqualTo(4);
      assertThat(b.inFlight()).isEqualTo(1);
      assertThat(b.successes()).isEqualTo(1);
      assertThat(b.latencyEwma()).contains(java.time.Duration.ofMillis(7));
      assertThat(statsOf(lb, C).inFlight()).isZero();

      onB.close();
      onA.close();
      assertThat(statsOf(lb, heavierB).inFlight()).isZero();
    }
  }

  @Test
  void update_withTheSameList_publishesNothing() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
    PickerFactory counting =
        ready -> {
          created.incrementAndGet();
          return context -> 0;
        };
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).picker(counting).build()) {
      source.update(List.of(A, B));
      assertThat(created).hasValue(1);
      source.update(List.of(B, A));
      assertThat(created).hasValue(2);
      assertThat(lb.pick()).isEqualTo(B);
    }
  }

  @Test
  void removedEndpoint_isNoLongerPicked_andOpenLeasesCompleteNormally() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B, C));
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).build()) {
      Lease onB = acquireOn(lb, B);
      assertThat(source.remove(B)).isTrue();

      for (int i = 0; i < 100; i++) {
        assertThat(lb.pick()).isNotEqualTo(B);
      }
      assertThat(onB.endpoint()).isEqualTo(B);
      assertThat(onB.success()).isTrue();
      onB.close();
      assertThat(onB.isClosed()).isTrue();
      assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }
  }

  @Test
  void endpointRemovedAndReAddedWhileLeased_startsFresh_andTheOldLeaseCorruptsNoCount() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).build()) {
      Lease onB = acquireOn(lb, B);
      source.remove(B);
      source.add(B);
      assertThat(statsOf(lb, B).inFlight()).isZero();
      onB.close();
      assertThat(statsOf(lb, B).inFlight()).isZero();
    }
  }

  @Test
  void invalidListFromACustomSource_isIgnored_andTheLastGoodListKept() {
    List<EndpointSource.Listener> listeners = new ArrayList<>();
    EndpointSource raw =
        listener -> {
          listeners.add(listener);
          listener.onEndpoints(List.of(A, B));
          return () -> {};
        };
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(raw).build()) {
      listeners.get(0).onEndpoints(List.of(A, Endpoint.builder("10.0.0.1", 8080).weight(2).build()));
      assertThat(lb.endpoints()).containsExactly(A, B);
    }
  }

  @Test
  void failingPickerFactory_keepsTheLastListAndState_andLaterUpdatesDiffAgainstIt() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    PickerFactory failsOnThree =
        ready -> {
          if (ready.size() == 3) {
            throw new IllegalArgumentException("three is too many");
          }
          return context -> ready.size() - 1;
        };
    List<String> events = new ArrayList<>();
    LoadBalancerListener listener =
        new LoadBalancerListener() {
          @Override
          public void onEndpointAdded(String balancer, Endpoint endpoint) {
            events.add("+" + endpoint);
          }

          @Override
          public void onEndpointRemoved(String balancer, Endpoint endpoint) {
            events.add("-" + endpoint);
          }
        };
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).source(source).picker(failsOnThree).listener(listener).build()) {
      events.clear();
      Endpoint heavierB = B.toBuilder().weight(9).build();
      source.update(List.of(A, heavierB, C));
      assertThat(lb.endpoints()).containsExactly(A, B);
      assertThat(lb.pick()).isEqualTo(B);
      assertThat(statsOf(lb, B).endpoint().weight()).as("weight change not applied").isEqualTo(1);
      assertThat(events).isEmpty();

      source.update(List.of(A));
      assertThat(lb.endpoints()).containsExactly(A);
      assertThat(events).containsExactly("-" + B);
    }
  }

  @Test
  void pickerReturningAnIndexOutOfRange_failsWithAClearMessage() {
    PickerFactory broken = ready -> context -> 5;
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B)).picker(broken).build()) {
      assertThatThrownBy(lb::pick)
          .isInstanceOf(LoadBalancerException.class)
          .hasMessageEndingWith("of 'orders' returned index 5 (expected: 0-1)");
    }
  }

  @Test
  void pickerFactory_seesTheBalancersRandomTickerAndPreviousPicker() {
    FakeTicker ticker = new FakeTicker();
    SplittableRandom random = new SplittableRandom(1);
    List<ReadyEndpoints> seen = new ArrayList<>();
    List<Picker> previous = new ArrayList<>();
    PickerFactory recording =
        ready -> {
          seen.add(ready);
          previous.add(ready.previous());
          return context -> 0;
        };
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).source(source).picker(recording).ticker(ticker).random(random).build()) {
      source.update(List.of(A, B));
      assertThat(seen.get(0).ticker()).isSameAs(ticker);
      assertThat(seen.get(0).random()).isSameAs(random);
      assertThat(seen.get(0).balancerName()).isEqualTo("orders");
      assertThat(previous.get(0)).isNull();
      assertThat(previous.get(1)).isNotNull();
      assertThat(seen.get(1).previous()).as("cleared once the picker is built").isNull();
      assertThat(seen.get(1).endpoint(1)).isEqualTo(B);
    }
  }

  @Test
  void toString_namesBalancerPickerAndCounts() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B)).build()) {
      assertThat(lb).hasToString("LoadBalancer{orders, picker=roundRobin, endpoints=2, ready=2}");
    }
  }

  static Lease acquireOn(LoadBalancer lb, Endpoint target) {
    List<Lease> others = new ArrayList<>();
    try {
      for (int i = 0; i < 1_000; i++) {
        Lease lease = lb.acquire();
        if (lease.endpoint().address().equals(target.address())) {
          return lease;
        }
        others.add(lease);
      }
      throw new AssertionError("never picked " + target);
    } finally {
      others.forEach(Lease::close);
    }
  }

  static EndpointStats statsOf(LoadBalancer lb, Endpoint endpoint) {
    return lb.stats().stream()
        .filter(s -> s.endpoint().address().equals(endpoint.address()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stats for " + endpoint));
  }
}
