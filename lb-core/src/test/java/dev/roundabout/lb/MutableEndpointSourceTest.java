package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutableEndpointSourceTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 8080);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 8080);

  @Test
  void subscribe_deliversTheCurrentList_thenEveryUpdate() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    List<List<Endpoint>> delivered = new ArrayList<>();
    source.subscribe(delivered::add);
    source.update(List.of(A, B));
    assertThat(delivered).containsExactly(List.of(A), List.of(A, B));
    assertThat(source.endpoints()).containsExactly(A, B);
  }

  @Test
  void closedSubscription_hearsNoMore() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    List<List<Endpoint>> delivered = new ArrayList<>();
    EndpointSource.Subscription subscription = source.subscribe(delivered::add);
    subscription.close();
    subscription.close();
    source.update(List.of(B));
    assertThat(delivered).containsExactly(List.of(A));
  }

  @Test
  void add_appendsOrReplacesTheSameHostPort() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    source.add(B);
    Endpoint heavierA = A.toBuilder().weight(5).build();
    source.add(heavierA);
    assertThat(source.endpoints()).containsExactly(heavierA, B);
  }

  @Test
  void remove_matchesByHostPort() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    assertThat(source.remove(A.toBuilder().weight(9).build())).isTrue();
    assertThat(source.remove(A)).isFalse();
    assertThat(source.endpoints()).containsExactly(B);
  }

  @Test
  void badUpdates_areRejected_andTheListStays() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    assertThatThrownBy(() -> source.update(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoints");
    assertThatThrownBy(() -> source.update(Arrays.asList(B, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoints[1]");
    assertThatThrownBy(() -> source.update(List.of(B, A, B)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 10.0.0.2:8080 at index 0 and 2 (expected: each host:port once)");
    assertThatThrownBy(() -> source.add(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
    assertThat(source.endpoints()).containsExactly(A);
  }

  @Test
  void factories_rejectBadLists() {
    assertThatThrownBy(() -> EndpointSource.mutable(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoints");
    assertThatThrownBy(() -> EndpointSource.of(List.of(A, A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 10.0.0.1:8080 at index 0 and 1 (expected: each host:port once)");
  }

  @Test
  void updates_reachEveryBalancerSubscribed() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));
    try (LoadBalancer first = LoadBalancer.builder("first").executor(Runnable::run).source(source).build();
        LoadBalancer second = LoadBalancer.builder("second").executor(Runnable::run).source(source).build()) {
      source.update(List.of(B));
      assertThat(first.endpoints()).containsExactly(B);
      assertThat(second.endpoints()).containsExactly(B);
    }
  }
}
