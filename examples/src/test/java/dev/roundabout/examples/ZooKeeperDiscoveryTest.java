package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ZooKeeper example runs, the calls leave the unregistered backend, and nothing is left running. */
class ZooKeeperDiscoveryTest {

  /**
   * The live threads, less those shared by everything in the JVM that nobody stops: the common
   * ForkJoinPool (the balancer's default executor), and OkHttp's TaskRunner pool and Okio's
   * timeout watchdog (one of each per JVM, which end after a minute idle). Less, too, each Curator
   * client's notification thread: Curator 5.9.0's close() does not shut it down (apache/curator
   * issue 1277), a daemon thread that the example's closed clients leave behind.
   */
  private static Set<Thread> ownThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool-worker-"))
        .filter(t -> !t.getName().startsWith("OkHttp TaskRunner"))
        .filter(t -> !t.getName().equals("Okio Watchdog"))
        .filter(t -> !t.getName().startsWith("Curator-SafeNotifyService-"))
        .collect(Collectors.toSet());
  }

  @Test
  void callsMoveOffTheUnregisteredBackend_byWeight_andEveryThreadEnds() throws Exception {
    Set<Thread> before = ownThreads();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ZooKeeperDiscovery.Result result = ZooKeeperDiscovery.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String printed = bytes.toString(StandardCharsets.UTF_8);
    // Weighted round robin: each cycle of four picks gives second (weight 2) two, the others one.
    assertThat(result.before()).as(printed).isEqualTo(Map.of("first", 10, "second", 20, "third", 10));
    assertThat(result.after()).as(printed).isEqualTo(Map.of("first", 20, "third", 20));
    assertThat(printed)
        .contains("first, second (weight 2) and third registered as orders under /services")
        .contains("the balancer follows zookeeper:/services/orders: [")
        .contains("40 calls to http://orders/items/7: {first=10, second=20, third=10}")
        .contains("second unregistered; the balancer now has [")
        .contains("40 calls to http://orders/items/7: {first=20, third=20}");

    // ZooKeeper's server and clients, Curator's threads, the source's, the HTTP servers', OkHttp's dispatcher.
    await().pollInSameThread().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Set<Thread> left = ownThreads();
      left.removeAll(before);
      assertThat(left).extracting(Thread::getName).isEmpty();
    });
  }
}
