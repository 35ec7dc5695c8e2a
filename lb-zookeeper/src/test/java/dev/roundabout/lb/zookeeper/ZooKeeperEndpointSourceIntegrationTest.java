package dev.roundabout.lb.zookeeper;

import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.WAIT;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.instance;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.json;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.utf8;
import static dev.roundabout.lb.zookeeper.ZooKeeperTesting.writeEphemeral;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.SourceStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source against a real ZooKeeper server on loopback, shared by the tests (each follows a
 * service of its own): registrations through Curator's service discovery, and nodes written by
 * hand where a test needs what discovery would not write.
 */
class ZooKeeperEndpointSourceIntegrationTest {
  private static final AtomicInteger SERVICES = new AtomicInteger();
  private static TestingServer server;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ZooKeeperTesting.Events events = new ZooKeeperTesting.Events();
  private CuratorFramework curator;
  private CuratorFramework registrant;
  private String service;
  /** The source of the last balancer built. */
  private ZooKeeperEndpointSource source;

  @BeforeAll
  static void startServer() throws Exception {
    server = ZooKeeperTesting.server(true);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void connect() throws Exception {
    service = "orders-" + SERVICES.incrementAndGet();
    curator = ZooKeeperTesting.connected(server, 10_000);
    registrant = ZooKeeperTesting.connected(server, 10_000);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    registrant.close();
    curator.close();
    ZooKeeperTesting.awaitNoSourceThread();
  }

  private LoadBalancer balancer(ZooKeeperEndpointSource source) {
    this.source = source;
    LoadBalancer lb = LoadBalancer.builder(service).source(source).executor(Runnable::run).listener(events).build();
    toClose.add(lb);
    return lb;
  }

  private LoadBalancer follow(String basePath) {
    return balancer(ZooKeeperEndpointSource.builder(curator, service).basePath(basePath).build());
  }

  private ServiceDiscovery<InstanceDetails> discovery(String basePath) throws Exception {
    ServiceDiscovery<InstanceDetails> discovery =
        ServiceDiscoveryBuilder.builder(InstanceDetails.class).client(registrant).basePath(basePath).build();
    discovery.start();
    toClose.add(discovery);
    return discovery;
  }

  private static void awaitEndpoints(LoadBalancer lb, Endpoint... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(lb.endpoints()).containsExactly(expected));
  }

  @Test
  void registeredInstances_becomeEndpoints_withTheirWeightAndZone_orWeightOneWithoutPayload() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    discovery.registerService(instance(service, "a", 9001, InstanceDetails.of(3, "eu-west-1a")));
    discovery.registerService(instance(service, "b", 9002, null));

    LoadBalancer lb = follow("/services");

    assertThat(lb.awaitFirstList(WAIT)).isTrue();
    awaitEndpoints(lb, Endpoint.builder("127.0.0.1", 9001).weight(3).zone("eu-west-1a").build(), Endpoint.of("127.0.0.1", 9002));
    assertThat(lb.pick().port()).isIn(9001, 9002);

    discovery.registerService(instance(service, "c", 9003, InstanceDetails.of(2)));
    awaitEndpoints(lb, Endpoint.builder("127.0.0.1", 9001).weight(3).zone("eu-west-1a").build(), Endpoint.of("127.0.0.1", 9002),
        Endpoint.builder("127.0.0.1", 9003).weight(2).build());

    discovery.updateService(instance(service, "c", 9003, InstanceDetails.of(5, "eu-west-1b")));
    awaitEndpoints(lb, Endpoint.builder("127.0.0.1", 9001).weight(3).zone("eu-west-1a").build(), Endpoint.of("127.0.0.1", 9002),
        Endpoint.builder("127.0.0.1", 9003).weight(5).zone("eu-west-1b").build());
  }

  @Test
  void anUnregisteredInstance_leavesTheList_andItsCallsInFlightFinish() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    ServiceInstance<InstanceDetails> a = instance(service, "a", 9001, null);
    ServiceInstance<InstanceDetails> b = instance(service, "b", 9002, null);
    discovery.registerService(a);
    discovery.registerService(b);
    LoadBalancer lb = follow("/services");
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001), Endpoint.of("127.0.0.1", 9002));
    Lease onB = lb.acquire(PickContext.empty());
    while (onB.endpoint().port() != 9002) {
      onB.close();
      onB = lb.acquire(PickContext.empty());
    }

    discovery.unregisterService(b);

    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
    assertThat(events.seen).contains("removed 127.0.0.1:9002");
    for (int i = 0; i < 10; i++) {
      assertThat(lb.pick().port()).isEqualTo(9001);
    }
    onB.success(); // the call that was under way when B left ends normally
    onB.close();
  }

  @Test
  void aRegistrantReconnecting_deletesAndRecreatesItsInstance_whichTheRemovalDelayHides() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    discovery.registerService(instance(service, "a", 9001, null));
    LoadBalancer lb = follow("/services");
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
    String node = "/services/" + service + "/a";
    long created = curator.checkExists().forPath(node).getCzxid();

    registrant.getZookeeperClient().getZooKeeper().getTestable().closeSocket(); // same session, RECONNECTED

    // Curator's discovery deleted the node and created it again...
    await().atMost(WAIT).until(() -> {
      Stat stat = curator.checkExists().forPath(node);
      return stat != null && stat.getCzxid() != created;
    });
    // ...and the balancer saw nothing of it, then or once the delay had passed.
    await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> events.seen.size() == 1);
    assertThat(events.seen).containsExactly("added 127.0.0.1:9001");
  }

  @Test
  void anInstanceGone_leavesOnceTheRemovalDelayIsOver() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    ServiceInstance<InstanceDetails> b = instance(service, "b", 9002, null);
    discovery.registerService(instance(service, "a", 9001, null));
    discovery.registerService(b);
    LoadBalancer lb = balancer(ZooKeeperEndpointSource.builder(curator, service).removalDelay(Duration.ofMillis(700)).build());
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001), Endpoint.of("127.0.0.1", 9002));

    long unregistered = System.nanoTime();
    discovery.unregisterService(b);

    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
    assertThat(Duration.ofNanos(System.nanoTime() - unregistered)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
  }

  @Test
  void aServiceThatIsNotThere_orHasNoInstance_deliversAnEmptyList() throws Exception {
    LoadBalancer lb = follow("/services");

    assertThat(lb.awaitFirstList(WAIT)).isTrue(); // the path does not exist: nothing, authoritatively
    assertThat(lb.endpoints()).isEmpty();
    assertThatThrownBy(lb::pick).isInstanceOf(NoAvailableEndpointException.class);

    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    ServiceInstance<InstanceDetails> a = instance(service, "a", 9001, null);
    discovery.registerService(a);
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));

    discovery.unregisterService(a); // the path stays, with no child
    awaitEndpoints(lb);
    assertThat(registrant.checkExists().forPath("/services/" + service)).isNotNull();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThat(events.seen).containsExactly("added 127.0.0.1:9001", "removed 127.0.0.1:9001");
  }

  @Test
  void aRegistrantsSessionExpiring_removesItsEphemeralInstance() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    discovery.registerService(instance(service, "a", 9001, null));
    CuratorFramework shortLived = ZooKeeperTesting.client(server, 1_000);
    toClose.add(shortLived);
    writeEphemeral(shortLived, "/services/" + service + "/b", json(instance(service, "b", 9002, null)));
    LoadBalancer lb = follow("/services");
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001), Endpoint.of("127.0.0.1", 9002));

    KillSession.kill(shortLived.getZookeeperClient().getZooKeeper()); // the server ends it after its timeout

    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
    assertThat(events.seen).endsWith("removed 127.0.0.1:9002");
  }

  @Test
  void instancesThatCannotBeUsed_areLeftOut_andAServiceOfNothingElseKeepsTheLastList() throws Exception {
    String path = "/services/" + service;
    writeEphemeral(registrant, path + "/good", json(instance(service, "good", 9001, InstanceDetails.of(2))));
    writeEphemeral(registrant, path + "/garbage", utf8("not json"));
    writeEphemeral(registrant, path + "/empty", new byte[0]);
    writeEphemeral(registrant, path + "/map", utf8("{\"name\":\"" + service + "\",\"id\":\"map\",\"address\":\"127.0.0.1\","
        + "\"port\":9003,\"payload\":{\"@class\":\"java.util.HashMap\",\"weight\":2}}"));
    writeEphemeral(registrant, path + "/no-port", json(new ServiceInstance<>(service, "no-port", "127.0.0.1", null, 9443,
        null, 0, ServiceType.DYNAMIC, null)));
    LoadBalancer lb = follow("/services");

    awaitEndpoints(lb, Endpoint.builder("127.0.0.1", 9001).weight(2).build());
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);

    registrant.delete().forPath(path + "/good"); // four instances left, none usable

    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.STALE);
    assertThat(source.status().reason()).startsWith("none of the 4 instances under " + path + " can be used (instance ");
    assertThat(lb.endpoints()).containsExactly(Endpoint.builder("127.0.0.1", 9001).weight(2).build());

    writeEphemeral(registrant, path + "/good-again", json(instance(service, "good-again", 9004, null)));
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9004));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
  }

  @Test
  void useSslPort_takesEachInstancesSslPort_andLeavesOutInstancesWithout() throws Exception {
    String path = "/services/" + service;
    writeEphemeral(registrant, path + "/both", json(new ServiceInstance<>(service, "both", "127.0.0.1", 9001, 9441,
        null, 0, ServiceType.DYNAMIC, null)));
    writeEphemeral(registrant, path + "/plain", json(instance(service, "plain", 9002, null)));

    LoadBalancer lb = balancer(ZooKeeperEndpointSource.builder(curator, service).useSslPort(true).build());

    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9441));
  }

  @Test
  void twoInstancesWithOneAddress_theLaterRegistrationCounts() throws Exception {
    String path = "/services/" + service;
    writeEphemeral(registrant, path + "/old", json(new ServiceInstance<>(service, "old", "127.0.0.1", 9001, null,
        InstanceDetails.of(1), 1_000, ServiceType.DYNAMIC, null)));
    writeEphemeral(registrant, path + "/new", json(new ServiceInstance<>(service, "new", "127.0.0.1", 9001, null,
        InstanceDetails.of(5), 2_000, ServiceType.DYNAMIC, null)));

    LoadBalancer lb = follow("/services");

    awaitEndpoints(lb, Endpoint.builder("127.0.0.1", 9001).weight(5).build());
    registrant.delete().forPath(path + "/new"); // the old one stays while its session lives
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
  }

  @Test
  void aDisabledInstance_isLeftOut_andEveryInstanceDisabledIsAnEmptyList() throws Exception {
    String path = "/services/" + service;
    JsonInstanceSerializer<InstanceDetails> withEnabled = new JsonInstanceSerializer<>(InstanceDetails.class, false);
    writeEphemeral(registrant, path + "/on", withEnabled.serialize(instance(service, "on", 9001, null)));
    writeEphemeral(registrant, path + "/off", withEnabled.serialize(new ServiceInstance<>(service, "off", "127.0.0.1", 9002,
        null, null, 0, ServiceType.DYNAMIC, null, false)));
    LoadBalancer lb = follow("/services");
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));

    registrant.setData().forPath(path + "/on", withEnabled.serialize(new ServiceInstance<>(service, "on", "127.0.0.1", 9001,
        null, null, 0, ServiceType.DYNAMIC, null, false)));

    awaitEndpoints(lb);
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
  }

  @Test
  void aNamespacedClient_andAnotherBasePath_areFollowed() throws Exception {
    CuratorFramework namespaced = curator.usingNamespace("prod");
    writeEphemeral(registrant, "/prod/discovery/eu/" + service + "/a", json(instance(service, "a", 9001, null)));

    source = ZooKeeperEndpointSource.builder(namespaced, service).basePath("/discovery/eu").build();
    LoadBalancer lb = balancer(source);

    assertThat(source.description()).isEqualTo("zookeeper:/prod/discovery/eu/" + service);
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
  }

  @Test
  void closingTheBalancer_endsEveryThreadTheSourceStarted_andLeavesTheClientOpen() throws Exception {
    ServiceDiscovery<InstanceDetails> discovery = discovery("/services");
    discovery.registerService(instance(service, "a", 9001, null));
    // The client's notification thread, which Curator 5.9.0 starts on first use and never stops
    // (apache/curator issue 1277), starts now rather than with the source's first event.
    curator.runSafe(() -> {}).get();
    Set<Thread> before = ZooKeeperTesting.liveThreads();

    source = ZooKeeperEndpointSource.builder(curator, service).build();
    assertThat(ZooKeeperTesting.liveThreads()).isEqualTo(before); // the build starts nothing
    LoadBalancer lb = LoadBalancer.builder(service).source(source).executor(Runnable::run).build();
    awaitEndpoints(lb, Endpoint.of("127.0.0.1", 9001));
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("roundabout-zookeeper-"))
        .singleElement()
        .satisfies(t -> assertThat(t.getName()).isEqualTo("roundabout-zookeeper-" + service))
        .satisfies(t -> assertThat(t.isDaemon()).isTrue());
    lb.close();

    await().pollInSameThread().atMost(WAIT).untilAsserted(() -> {
      Set<Thread> left = ZooKeeperTesting.liveThreads();
      left.removeAll(before);
      assertThat(left).isEmpty();
    });
    assertThat(curator.getState()).isEqualTo(CuratorFrameworkState.STARTED);
    assertThat(curator.getChildren().forPath("/services/" + service)).containsExactly("a");
  }


  @Test
  void theReadmeExample_works() throws Exception {
    discovery("/services").registerService(instance("orders", "a", 9001, InstanceDetails.of(3, "eu-west-1a")));

    // readme:begin
    ZooKeeperEndpointSource source = ZooKeeperEndpointSource.builder(curator, "orders").basePath("/services").build();
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
    lb.awaitFirstList(Duration.ofSeconds(5));  // optional: the build never waits for ZooKeeper
    Endpoint endpoint = lb.pick();
    lb.close();                                 // stops the source and its thread; curator stays open
    // readme:end

    assertThat(endpoint).isEqualTo(Endpoint.builder("127.0.0.1", 9001).weight(3).zone("eu-west-1a").build());
    assertThat(curator.getState()).isEqualTo(CuratorFrameworkState.STARTED);
    String test = Files.readString(
        Path.of("src/test/java/dev/roundabout/lb/zookeeper/ZooKeeperEndpointSourceIntegrationTest.java"), StandardCharsets.UTF_8);
    String block = test.substring(test.indexOf("// readme:begin\n") + "// readme:begin\n".length(), test.indexOf("    // readme:end"))
        .replaceAll("(?m)^    ", "");
    assertThat(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8)).contains("```java\n" + block + "```\n");
  }
}
