package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sizing arithmetic and the argument checks; no sockets (see the integration test for the effect). */
class BalancedConnectionPoolTest {
  private final List<LoadBalancer> balancers = new ArrayList<>();

  @AfterEach
  void close() {
    balancers.forEach(LoadBalancer::close);
  }

  private LoadBalancer balancer(String name, int endpoints) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("10.0.0.1", 10_000 + i));
    }
    LoadBalancer lb = LoadBalancer.builder(name).endpoints(list).build();
    balancers.add(lb);
    return lb;
  }

  @Test
  void defaults_keepFivePerEndpoint_withHalfAsManyEndpointsAgainAsRoom_andFiveForOtherHosts() {
    assertThat(BalancedConnectionPool.builder().balancers(balancer("orders", 3)).maxIdleConnections())
        .isEqualTo(5 * 5 + 5); // ceil(3 x 1.5) = 5 endpoints
    assertThat(BalancedConnectionPool.builder().endpoints(4).maxIdleConnections()).isEqualTo(6 * 5 + 5);
    assertThat(BalancedConnectionPool.DEFAULT_KEEP_ALIVE).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void everyBalancerCounts_andOptionsChangeTheSize() {
    BalancedConnectionPool.Builder builder =
        BalancedConnectionPool.builder()
            .balancers(balancer("orders", 3), balancer("payments", 7))
            .idleConnectionsPerEndpoint(8)
            .headroomPercent(0)
            .unbalancedIdleConnections(0);

    assertThat(builder.maxIdleConnections()).isEqualTo(10 * 8);
    assertThat(builder.headroomPercent(100).maxIdleConnections()).isEqualTo(20 * 8);
    assertThat(builder.headroomPercent(25).unbalancedIdleConnections(3).maxIdleConnections())
        .isEqualTo(13 * 8 + 3); // ceil(10 x 1.25)
  }

  @Test
  void balancersAreCountedWhenThePoolIsBuilt_notWhenTheyAreGiven() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(Endpoint.of("10.0.0.1", 80)));
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
    balancers.add(lb);
    BalancedConnectionPool.Builder builder =
        BalancedConnectionPool.builder().balancers(lb).headroomPercent(0).unbalancedIdleConnections(0);
    assertThat(builder.maxIdleConnections()).isEqualTo(5);

    source.update(List.of(Endpoint.of("10.0.0.1", 80), Endpoint.of("10.0.0.2", 80), Endpoint.of("10.0.0.3", 80)));

    assertThat(builder.maxIdleConnections()).isEqualTo(15);
  }

  @Test
  void aBalancerWithoutEndpointsYet_countsAsOne() {
    assertThat(BalancedConnectionPool.builder().balancers(balancer("orders", 0)).headroomPercent(0).maxIdleConnections())
        .isEqualTo(5 + 5);
  }

  @Test
  void aBalancerListedTwice_countsTwice() {
    LoadBalancer orders = balancer("orders", 2);
    assertThat(BalancedConnectionPool.builder().balancers(List.of(orders, orders)).headroomPercent(0).maxIdleConnections())
        .isEqualTo(4 * 5 + 5);
  }

  @Test
  void hugeSizes_saturateInsteadOfOverflowing() {
    BalancedConnectionPool.Builder builder =
        BalancedConnectionPool.builder().endpoints(100_000).headroomPercent(1000).idleConnectionsPerEndpoint(1000);
    assertThat(builder.maxIdleConnections()).isEqualTo(1_100_000_000 + 5);
    List<LoadBalancer> many = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      many.add(balancer("s" + i, 1000));
    }
    LoadBalancer[] repeated = new LoadBalancer[3000];
    for (int i = 0; i < repeated.length; i++) {
      repeated[i] = many.get(i % 3);
    }
    assertThat(BalancedConnectionPool.builder().balancers(repeated).headroomPercent(1000).idleConnectionsPerEndpoint(1000)
        .maxIdleConnections()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void build_makesAnEmptyOkHttpPool() {
    ConnectionPool pool = BalancedConnectionPool.builder().endpoints(3).keepAlive(Duration.ofSeconds(30)).build();
    assertThat(pool.connectionCount()).isZero();
    assertThat(pool.idleConnectionCount()).isZero();
  }

  @Test
  void badArguments_areRejectedWithTheValueAndTheRange() {
    BalancedConnectionPool.Builder builder = BalancedConnectionPool.builder();
    assertThatThrownBy(() -> builder.endpoints(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("endpoints: 0 (expected: 1-100000)");
    assertThatThrownBy(() -> builder.endpoints(100_001))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("endpoints: 100001 (expected: 1-100000)");
    assertThatThrownBy(() -> builder.idleConnectionsPerEndpoint(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("idleConnectionsPerEndpoint: 0 (expected: 1-1000)");
    assertThatThrownBy(() -> builder.idleConnectionsPerEndpoint(1001))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("idleConnectionsPerEndpoint: 1001 (expected: 1-1000)");
    assertThatThrownBy(() -> builder.headroomPercent(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("headroomPercent: -1 (expected: 0-1000)");
    assertThatThrownBy(() -> builder.unbalancedIdleConnections(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unbalancedIdleConnections: -1 (expected: 0-1000)");
    assertThatThrownBy(() -> builder.keepAlive(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keepAlive: PT0S (expected: more than PT0S, at most PT24H)");
    assertThatThrownBy(() -> builder.keepAlive(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keepAlive: PT-1S (expected: more than PT0S, at most PT24H)");
    assertThatThrownBy(() -> builder.keepAlive(Duration.ofHours(24).plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepAlive: PT24H0.000000001S (expected: more than PT0S, at most PT24H)");
    assertThatThrownBy(() -> builder.balancers())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("balancers: [] (expected: at least one)");
    assertThatThrownBy(() -> builder.balancers(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("balancers: [] (expected: at least one)");
  }

  @Test
  void nulls_areRejectedByName() {
    BalancedConnectionPool.Builder builder = BalancedConnectionPool.builder();
    assertThatThrownBy(() -> builder.keepAlive(null)).isInstanceOf(NullPointerException.class).hasMessage("keepAlive");
    assertThatThrownBy(() -> builder.balancers((LoadBalancer[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("balancers");
    assertThatThrownBy(() -> builder.balancers(Arrays.asList(balancer("orders", 1), null)))
        .isInstanceOf(NullPointerException.class).hasMessage("balancers[1]");
  }

  @Test
  void withoutEndpoints_orWithBothWays_theBuilderRefuses() {
    assertThatThrownBy(() -> BalancedConnectionPool.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no endpoints to size the pool for (expected: balancers(...) or endpoints(n))");
    LoadBalancer orders = balancer("orders", 1);
    assertThatThrownBy(() -> BalancedConnectionPool.builder().endpoints(3).balancers(orders))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("endpoints(3) was already set (expected: balancers(...) or endpoints(n), not both)");
    assertThatThrownBy(() -> BalancedConnectionPool.builder().balancers(orders).endpoints(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("balancers(...) were already set (expected: balancers(...) or endpoints(n), not both)");
  }
}
