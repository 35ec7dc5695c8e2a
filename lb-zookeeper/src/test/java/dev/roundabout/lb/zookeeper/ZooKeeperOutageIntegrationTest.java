package dev.roundabout.lb.zookeeper;

import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.WAIT;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.instance;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.json;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.writeEphemeral;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.SourceStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper going away under the source: the server stopped and restarted, the source's own
 * session expiring, the server down when the balancer is built. A server per test.
 */
class ZooKeeperOutageIntegrationTest {
  private static final Endpoint A = Endpoint.of("127.0.0.1", 9001);
  private static final Endpoint B = Endpoint.of("127.0.0.1", 9002);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ZooKeeperTesting.Events events = new ZooKeeperTesting.Events();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    ZooKeeperTesting.awaitNoSourceThread();
  }

  private TestingServer server(boolean start) throws Exception {
    TestingServer server = ZooKeeperTesting.server(start);
    toClose.add(server);
    return server;
  }

  private CuratorFramework client(TestingServer server, int sessionMs) {
    CuratorFramework client = ZooKeeperTesting.client(server, sessionMs);
    toClose.add(client);
    return client;
  }

  private CuratorFramework connected(TestingServer server, int sessionMs) throws InterruptedException {
    CuratorFramework client = ZooKeeperTesting.connected(server, sessionMs);
    toClose.add(client);
    return client;
  }

  private ServiceDiscovery<InstanceDetails> register(CuratorFramework client, String id, int port) throws Exception {
    ServiceDiscovery<InstanceDetails> discovery =
        ServiceDiscoveryBuilder.builder(InstanceDetails.class).client(client).basePath("/services").build();
    discovery.start();
    toClose.add(discovery);
    discovery.registerService(instance("orders", id, port, null));
    return discovery;
  }

  private LoadBalancer balancer(ZooKeeperEndpointSource source) {
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).executor(Runnable::run).listener(events).build();
    toClose.add(lb);
    return lb;
  }

  private static void awaitEndpoints(LoadBalancer lb, Endpoint... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(lb.endpoints()).containsExactly(expected));
  }

  @Test
  void zooKeeperStoppedAndRestarted_keepsTheLastListWhileDown_thenAppliesTheNewList() throws Exception {
    TestingServer server = server(true);
    CuratorFramework curator = client(server, 10_000);
    register(connected(server, 10_000), "a", 9001);
    CuratorFramework shortLived = connected(server, 1_000);
    writeEphemeral(shortLived, "/services/orders/b", json(instance("orders", "b", 9002, null)));
    ZooKeeperEndpointSource source = ZooKeeperEndpointSource.builder(curator, "orders").build();
    LoadBalancer lb = balancer(source);
    awaitEndpoints(lb, A, B);

    server.stop();

    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.STALE);
    assertThat(source.status().reason()).isEqualTo("connection to ZooKeeper " + server.getConnectString() + " suspended");
    assertThat(lb.endpoints()).containsExactly(A, B);
    assertThat(lb.pick()).isIn(A, B);
    // While the server is down, B's process dies: nobody will resume its session, which the server
    // ends once it is back and the session's second has passed, and B's node with it.
    KillSession.kill(shortLived.getZookeeperClient().getZooKeeper());

    server.restart();

    awaitEndpoints(lb, A);
    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.CURRENT);
    // B leaves with the first list after the restart, or with a later one if the source was back first.
    assertThat(events.seen).containsSubsequence("added " + A, "added " + B, "stale", "removed " + B);
    assertThat(events.seen).containsSubsequence("stale", "current").containsOnlyOnce("stale", "current");
  }

  @Test
  void theSourcesOwnSessionExpiring_keepsTheList_andTheNewSessionIsFollowed() throws Exception {
    TestingServer server = server(true);
    CuratorFramework curator = client(server, 10_000);
    CuratorFramework registrant = connected(server, 10_000);
    register(registrant, "a", 9001);
    ZooKeeperEndpointSource source = ZooKeeperEndpointSource.builder(curator, "orders").build();
    LoadBalancer lb = balancer(source);
    awaitEndpoints(lb, A);

    KillSession.kill(curator.getZookeeperClient().getZooKeeper());

    await().atMost(WAIT).until(() -> events.seen.contains("current"));
    assertThat(events.seen).containsExactly("added " + A, "stale", "current");
    assertThat(lb.endpoints()).containsExactly(A);

    register(registrant, "b", 9002); // seen through the watch of the new session
    awaitEndpoints(lb, A, B);
  }

  @Test
  void build_neverWaitsForZooKeeper_andPicksBeforeTheFirstListNameTheSource() throws Exception {
    TestingServer server = server(false);
    CuratorFramework curator = client(server, 10_000); // started, but nothing to connect to yet

    LoadBalancer lb = balancer(ZooKeeperEndpointSource.builder(curator, "orders").build());

    assertThatThrownBy(lb::pick)
        .isInstanceOf(NoAvailableEndpointException.class)
        .hasMessageStartingWith("no available endpoint in 'orders' (no list yet from zookeeper:/services/orders: ");
    assertThat(lb.awaitFirstList(java.time.Duration.ZERO)).isFalse();

    server.start();
    register(connected(server, 10_000), "a", 9001);

    assertThat(lb.awaitFirstList(WAIT)).isTrue();
    awaitEndpoints(lb, A);
  }
}
