package dev.roundabout.lb.dns;

import static dev.roundabout.lb.dns.TestDnsServer.a;
import static dev.roundabout.lb.dns.TestDnsServer.aaaa;
import static dev.roundabout.lb.dns.TestDnsServer.srv;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.SourceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** SRV sources against a real DNS server on loopback, on a scheduler the test drives. */
class DnsSrvIntegrationTest {
  private static final String SERVICE = "_http._tcp.orders.example";
  private static final RandomGenerator NO_JITTER = () -> 0L;

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TestDnsServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestDnsServer.start();
    closeables.add(server);
  }

  @AfterEach
  void closeEverything_andNoThreadIsLeft() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    Recorder.awaitNoSourceThread();
  }

  private DnsEndpointSource source() {
    return DnsEndpointSource.srv(SERVICE)
        .servers(server.address())
        .timeout(Duration.ofMillis(300))
        .scheduler(scheduler)
        .random(NO_JITTER)
        .build();
  }

  private LoadBalancer balancer(DnsEndpointSource source) {
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).executor(Runnable::run).build();
    closeables.add(lb);
    return lb;
  }

  private static Endpoint endpoint(String host, int port, int weight) {
    return Endpoint.builder(host, port).weight(weight).build();
  }

  @Test
  void srvWeights_becomeEndpointWeights_andOnlyTheLowestPriorityIsUsed() {
    server.set(SERVICE, Type.SRV,
            srv(SERVICE, 60, 10, 0, 8080, "a.orders.example"),
            srv(SERVICE, 60, 10, 5, 8081, "b.orders.example"),
            srv(SERVICE, 60, 10, 65_535, 8082, "c.orders.example"),
            srv(SERVICE, 60, 20, 1, 9090, "d.orders.example"))
        .set("a.orders.example", Type.A, a("a.orders.example", 40, "10.0.1.1"))
        .set("b.orders.example", Type.A, a("b.orders.example", 40, "10.0.1.2"))
        .set("b.orders.example", Type.AAAA, aaaa("b.orders.example", 20, "2001:db8::2"))
        .set("c.orders.example", Type.A, a("c.orders.example", 40, "10.0.1.3"))
        .set("d.orders.example", Type.A, a("d.orders.example", 5, "10.0.2.1"));
    LoadBalancer lb = balancer(source());
    scheduler.runNext();

    assertThat(lb.endpoints()).containsExactly(
        endpoint("10.0.1.1", 8080, 1), // weight 0 becomes 1
        endpoint("10.0.1.2", 8081, 5),
        endpoint("10.0.1.3", 8082, Endpoint.MAX_WEIGHT), // 65535 is clamped
        endpoint("2001:db8::2", 8081, 5));
    // The smallest TTL among the records used: d's 5 s is not among them.
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aHigherPriority_isUsedOnlyWhileTheLowerHasNoAddress() {
    server.set(SERVICE, Type.SRV,
            srv(SERVICE, 60, 10, 1, 8080, "primary.orders.example"),
            srv(SERVICE, 60, 20, 1, 8080, "backup.orders.example"))
        .set("backup.orders.example", Type.A, a("backup.orders.example", 60, "10.0.2.1"));
    LoadBalancer lb = balancer(source());
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.2.1", 8080, 1)); // primary: NXDOMAIN

    server.set("primary.orders.example", Type.A, a("primary.orders.example", 60, "10.0.1.1"));
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.1.1", 8080, 1));
  }

  @Test
  void twoRecordsOnOneAddressAndPort_addUpTheirWeights() {
    server.set(SERVICE, Type.SRV,
            srv(SERVICE, 60, 10, 3, 8080, "a.orders.example"),
            srv(SERVICE, 60, 10, 4, 8080, "alias.orders.example"))
        .set("a.orders.example", Type.A, a("a.orders.example", 60, "10.0.1.1"))
        .set("alias.orders.example", Type.A, a("alias.orders.example", 60, "10.0.1.1"));
    LoadBalancer lb = balancer(source());
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.1.1", 8080, 7));
  }

  @Test
  void aTargetThatFails_keepsTheWholeLastList() {
    server.set(SERVICE, Type.SRV,
            srv(SERVICE, 60, 10, 1, 8080, "a.orders.example"),
            srv(SERVICE, 60, 10, 1, 8080, "b.orders.example"))
        .set("a.orders.example", Type.A, a("a.orders.example", 60, "10.0.1.1"))
        .set("b.orders.example", Type.A, a("b.orders.example", 60, "10.0.1.2"));
    DnsEndpointSource source = source();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();

    server.failing("b.orders.example");
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.1.1", 8080, 1), endpoint("10.0.1.2", 8080, 1));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
    assertThat(source.status().reason()).isEqualTo("b.orders.example/A: SERVFAIL from " + server.described());
  }

  @Test
  void noService_andNxdomain_emptyThePool() {
    server.set(SERVICE, Type.SRV, srv(SERVICE, 60, 10, 1, 8080, "a.orders.example"))
        .set("a.orders.example", Type.A, a("a.orders.example", 60, "10.0.1.1"));
    DnsEndpointSource source = source();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();
    assertThat(lb.endpoints()).hasSize(1);

    server.set(SERVICE, Type.SRV, srv(SERVICE, 60, 0, 0, 0, ".")); // RFC 2782: decidedly not available
    scheduler.runNext();
    assertThat(lb.endpoints()).isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);

    server.set(SERVICE, Type.SRV, srv(SERVICE, 60, 10, 1, 8080, "a.orders.example"));
    scheduler.runNext();
    assertThat(lb.endpoints()).hasSize(1);

    server.remove(SERVICE);
    scheduler.runNext();
    assertThat(lb.endpoints()).isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
  }
}
