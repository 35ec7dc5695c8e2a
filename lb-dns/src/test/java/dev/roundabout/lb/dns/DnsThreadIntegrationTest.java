package dev.roundabout.lb.dns;

import static dev.roundabout.lb.dns.TestDnsServer.a;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The source's own thread, on real time: started with the balancer, ended with it. */
class DnsThreadIntegrationTest {
  private static final String NAME = "orders.example";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TestDnsServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestDnsServer.start();
    closeables.add(server);
    server.set(NAME, Type.A, a(NAME, 0, "10.0.0.1")); // TTL 0: asked again after minTtl
  }

  @AfterEach
  void closeEverything_andNoThreadIsLeft() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    Recorder.awaitNoSourceThread();
  }

  private LoadBalancer balancer(DnsEndpointSource source) {
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
    closeables.add(lb);
    return lb;
  }

  @Test
  void theOwnThread_startsWithTheBalancer_isNamedAndDaemon_andEndsWhenItCloses() throws Exception {
    DnsEndpointSource source = DnsEndpointSource.builder(NAME, 8080)
        .servers(server.address())
        .minTtl(Duration.ofMillis(50))
        .build();
    assertThat(Recorder.sourceThreads()).isEmpty(); // the build starts nothing

    LoadBalancer lb = balancer(source);
    assertThat(lb.awaitFirstList(Duration.ofSeconds(5))).isTrue();
    assertThat(lb.endpoints()).containsExactly(Endpoint.of("10.0.0.1", 8080));
    assertThat(Recorder.sourceThreads()).containsExactly("roundabout-dns-orders.example");
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().equals("roundabout-dns-orders.example"))
        .allMatch(Thread::isDaemon);

    // It refreshes on its own (after minTtl, 50 ms), and follows the zone.
    server.set(NAME, Type.A, a(NAME, 0, "10.0.0.2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> lb.endpoints().equals(List.of(Endpoint.of("10.0.0.2", 8080))));

    lb.close();
    Recorder.awaitNoSourceThread();
  }

  @Test
  void closingTheBalancer_endsARefreshThatWaitsForAnAnswer() {
    server.behave(TestDnsServer.Behaviour.DROP);
    DnsEndpointSource source = DnsEndpointSource.builder(NAME, 8080)
        .servers(server.address())
        .timeout(Duration.ofSeconds(30))
        .build();
    LoadBalancer lb = balancer(source);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.udpQueries() >= 2); // A and AAAA sent, no answer

    lb.close();
    Recorder.awaitNoSourceThread(); // well before the 30 s timeout
  }

  @Test
  void aGivenScheduler_runsTheRefreshes_andIsNotShutDown() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    closeables.add(scheduler::shutdownNow);
    LoadBalancer lb = balancer(DnsEndpointSource.builder(NAME, 8080).servers(server.address()).scheduler(scheduler).build());
    assertThat(lb.awaitFirstList(Duration.ofSeconds(5))).isTrue();
    assertThat(Recorder.sourceThreads()).isEmpty();

    lb.close();
    assertThat(scheduler.isShutdown()).isFalse();
    // The next refresh is cancelled (this executor keeps cancelled tasks queued until their time).
    await().atMost(Duration.ofSeconds(5))
        .until(() -> scheduler.getQueue().stream().allMatch(task -> ((Future<?>) task).isCancelled()));
  }

  @Test
  void theReadmeExample_works() throws Exception {
    server.set("_http._tcp.orders.example", Type.SRV,
        TestDnsServer.srv("_http._tcp.orders.example", 60, 10, 1, 8080, "orders.example"));

    DnsEndpointSource source = DnsEndpointSource.srv("_http._tcp.orders.example").servers(server.address()).build();
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
    lb.awaitFirstList(Duration.ofSeconds(5));  // optional: the build never waits for DNS
    Endpoint endpoint = lb.pick();
    lb.close();                                 // stops the source and its thread

    assertThat(endpoint).isEqualTo(Endpoint.of("10.0.0.1", 8080));
  }
}
