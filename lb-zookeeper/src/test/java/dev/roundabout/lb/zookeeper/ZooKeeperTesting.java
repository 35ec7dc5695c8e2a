package dev.roundabout.lb.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.SourceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.jspecify.annotations.Nullable;

/** A ZooKeeper server on loopback in the test JVM, its clients, and what the tests observe. */
final class ZooKeeperTesting {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String SOURCE_THREAD = "roundabout-zookeeper-";

  private ZooKeeperTesting() {}

  /**
   * A server bound to 127.0.0.1 on a free port, with a 100 ms tick (sessions may be as short as
   * that) and sessions of up to a minute.
   */
  static TestingServer server(boolean start) throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1,
        Map.of("clientPortAddress", "127.0.0.1", "maxSessionTimeout", "60000"), "127.0.0.1");
    return new TestingServer(spec, start);
  }

  /** A started client (not necessarily connected yet) with a session of {@code sessionMs}. */
  static CuratorFramework client(TestingServer server, int sessionMs) {
    CuratorFramework client = unstarted(server, sessionMs);
    client.start();
    return client;
  }

  /**
   * A started client whose {@code CONNECTED} has reached its listeners. A {@code ServiceDiscovery}
   * started on it later does not hear that event, which would make it delete and re-create every
   * instance it has registered by then.
   */
  static CuratorFramework connected(TestingServer server, int sessionMs) throws InterruptedException {
    CuratorFramework client = unstarted(server, sessionMs);
    CountDownLatch connected = new CountDownLatch(1);
    client.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.CONNECTED) {
        connected.countDown();
      }
    });
    client.start();
    assertThat(connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("connected to %s", server.getConnectString()).isTrue();
    return client;
  }

  private static CuratorFramework unstarted(TestingServer server, int sessionMs) {
    return CuratorFrameworkFactory.builder()
        .connectString(server.getConnectString())
        .sessionTimeoutMs(sessionMs)
        .connectionTimeoutMs(2_000)
        .retryPolicy(new ExponentialBackoffRetry(50, 3))
        .build();
  }

  static ServiceInstance<InstanceDetails> instance(String service, String id, int port, @Nullable InstanceDetails details) {
    return new ServiceInstance<>(service, id, "127.0.0.1", port, null, details, 0, ServiceType.DYNAMIC, null);
  }

  /** Writes {@code json} as an ephemeral instance node of {@code client}'s session. */
  static void writeEphemeral(CuratorFramework client, String path, byte[] json) throws Exception {
    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, json);
  }

  static byte[] json(ServiceInstance<InstanceDetails> instance) throws Exception {
    return new JsonInstanceSerializer<>(InstanceDetails.class).serialize(instance);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The live threads' names that start with {@code prefix}. */
  static List<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  /** Waits until no thread of any source is left. */
  static void awaitNoSourceThread() {
    await().pollInSameThread().atMost(WAIT).until(() -> threadsNamed(SOURCE_THREAD).isEmpty());
  }

  /** What a balancer tells its listener, in order: {@code added 127.0.0.1:9001}, {@code stale}, {@code current}. */
  static final class Events implements LoadBalancerListener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onEndpointAdded(String balancer, Endpoint endpoint) {
      seen.add("added " + endpoint);
    }

    @Override
    public void onEndpointRemoved(String balancer, Endpoint endpoint) {
      seen.add("removed " + endpoint);
    }

    @Override
    public void onSourceStale(String balancer, SourceStatus status) {
      seen.add("stale");
    }

    @Override
    public void onSourceCurrent(String balancer, SourceStatus status) {
      seen.add("current");
    }
  }
}
