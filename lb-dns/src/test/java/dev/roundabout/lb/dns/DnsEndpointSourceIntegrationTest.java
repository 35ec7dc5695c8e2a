package dev.roundabout.lb.dns;

import static dev.roundabout.lb.dns.TestDnsServer.a;
import static dev.roundabout.lb.dns.TestDnsServer.aaaa;
import static dev.roundabout.lb.dns.TestDnsServer.cname;
import static dev.roundabout.lb.dns.TestDnsServer.txt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A/AAAA sources against a real DNS server on loopback, on a scheduler the test drives: every
 * refresh runs on the test's thread, and the test reads the delay the source chose.
 */
class DnsEndpointSourceIntegrationTest {
  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
  private static final String NAME = "orders.example";
  /** nextDouble() is 0: no jitter. */
  private static final RandomGenerator NO_JITTER = () -> 0L;

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Recorder recorder = new Recorder();
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

  private DnsEndpointSource.Builder source() {
    return DnsEndpointSource.builder(NAME, 8080)
        .servers(server.address())
        .timeout(Duration.ofMillis(300))
        .scheduler(scheduler)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .random(NO_JITTER);
  }

  private LoadBalancer balancer(DnsEndpointSource source) {
    LoadBalancer lb = LoadBalancer.builder("orders").source(source).executor(Runnable::run).listener(recorder).build();
    closeables.add(lb);
    return lb;
  }

  private static Endpoint endpoint(String host) {
    return Endpoint.of(host, 8080);
  }

  private void zone(String... addresses) {
    List<Record> v4 = new ArrayList<>();
    List<Record> v6 = new ArrayList<>();
    for (String address : addresses) {
      if (address.contains(":")) {
        v6.add(aaaa(NAME, 30, address));
      } else {
        v4.add(a(NAME, 30, address));
      }
    }
    server.set(NAME, Type.A, v4.toArray(new Record[0])).set(NAME, Type.AAAA, v6.toArray(new Record[0]));
  }

  @Test
  void addressRecords_becomeEndpoints_andTheListFollowsTheZone() {
    zone("10.0.0.2", "10.0.0.1", "2001:db8:0:0::1");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    assertThatThrownBy(lb::pick).isInstanceOf(NoAvailableEndpointException.class)
        .hasMessage("no available endpoint in 'orders' (no list yet from dns:orders.example:8080: waiting since " + T0 + ")");

    assertThat(scheduler.runNext()).isZero(); // the first refresh, at once
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"), endpoint("10.0.0.2"), endpoint("2001:db8::1"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(30)); // the records' TTL

    zone("10.0.0.1", "10.0.0.3", "2001:db8::1");
    recorder.take();
    assertThat(scheduler.runNext()).isEqualTo(Duration.ofSeconds(30));
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"), endpoint("10.0.0.3"), endpoint("2001:db8::1"));
    assertThat(recorder.take()).containsExactlyInAnyOrder("added 10.0.0.3:8080", "removed 10.0.0.2:8080");
  }

  @Test
  void theSameRecordsInAnotherOrder_changeNothing() {
    zone("10.0.0.1", "10.0.0.2", "10.0.0.3");
    LoadBalancer lb = balancer(source().build());
    scheduler.runNext();
    recorder.take();

    zone("10.0.0.3", "10.0.0.1", "10.0.0.2");
    scheduler.runNext();
    assertThat(recorder.take()).isEmpty();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"), endpoint("10.0.0.2"), endpoint("10.0.0.3"));
  }

  @Test
  void theRefresh_followsTheTtl_boundedByMinTtlAndMaxTtl() {
    balancer(source().minTtl(Duration.ofSeconds(10)).maxTtl(Duration.ofSeconds(60)).build());
    server.set(NAME, Type.A, a(NAME, 1, "10.0.0.1")).set(NAME, Type.AAAA, aaaa(NAME, 3600, "::1"));
    scheduler.runNext();
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(10)); // the smallest TTL (1 s), raised to minTtl

    server.set(NAME, Type.A, a(NAME, 3600, "10.0.0.1"));
    scheduler.runNext();
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(60)); // lowered to maxTtl

    server.set(NAME, Type.A, a(NAME, 20, "10.0.0.1"));
    scheduler.runNext();
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void theRefresh_isShortenedByAtMostTenPercent() {
    long seed = 42;
    zone("10.0.0.1");
    balancer(source().random(new SplittableRandom(seed)).build());
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      scheduler.runNext();
      delays.add(scheduler.nextDelay());
    }
    assertThat(delays).as("seed %d", seed).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(27), Duration.ofSeconds(30)));
    assertThat(delays).as("seed %d", seed).doesNotHaveDuplicates();
  }

  @Test
  void nxdomain_emptiesThePool_andIsAskedAgainAfterTheNegativeTtl() {
    zone("10.0.0.1");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();
    recorder.take();

    server.remove(NAME);
    scheduler.runNext();
    assertThat(lb.endpoints()).isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThat(recorder.take()).containsExactly("removed 10.0.0.1:8080");
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(TestDnsServer.SOA_MINIMUM));

    zone("10.0.0.2");
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.2"));
  }

  @Test
  void anAuthoritativeAnswerWithoutAddresses_emptiesThePool() {
    zone("10.0.0.1");
    LoadBalancer lb = balancer(source().build());
    scheduler.runNext();

    zone();
    server.set(NAME, Type.TXT, txt(NAME, 30, "no addresses here")); // the name exists: NOERROR, no data
    scheduler.runNext();
    assertThat(lb.endpoints()).isEmpty();
  }

  @Test
  void anEmptyAnswerWithoutAuthority_keepsTheLastList() {
    zone("10.0.0.1");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();

    server.behave(TestDnsServer.Behaviour.LAME);
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
    assertThat(source.status().reason())
        .isEqualTo("orders.example/A: an empty answer without authority from " + server.described());
  }

  @Test
  void servfail_keepsTheLastList_retriesWithBackoff_andRecoveryAppliesTheNewList() {
    zone("10.0.0.1", "10.0.0.2");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();
    recorder.take();

    server.behave(TestDnsServer.Behaviour.SERVFAIL);
    List<Duration> retries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      scheduler.runNext();
      retries.add(scheduler.nextDelay());
    }
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"), endpoint("10.0.0.2"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
    assertThat(source.status().reason()).isEqualTo("orders.example/A: SERVFAIL from " + server.described());
    assertThat(source.status().since()).isEqualTo(T0);
    // The default backoff: from 1 s, doubling, up to minTtl (5 s).
    assertThat(retries).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5));
    assertThat(recorder.take()).containsExactly("stale");

    server.behave(TestDnsServer.Behaviour.ANSWER);
    zone("10.0.0.2", "10.0.0.3");
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.2"), endpoint("10.0.0.3"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThat(recorder.take()).containsExactlyInAnyOrder("added 10.0.0.3:8080", "removed 10.0.0.1:8080", "current");
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aServerThatDoesNotAnswer_makesTheSourceStale_untilItAnswersAgain() {
    zone("10.0.0.1");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();

    server.behave(TestDnsServer.Behaviour.DROP);
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"));
    assertThat(source.status().reason()).isEqualTo("orders.example/A: no answer within PT0.3S from " + server.described());
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));

    server.behave(TestDnsServer.Behaviour.ANSWER);
    zone("10.0.0.4");
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.4"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
  }

  @Test
  void garbage_keepsTheLastList() {
    zone("10.0.0.1");
    DnsEndpointSource source = source().build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();

    server.behave(TestDnsServer.Behaviour.GARBAGE);
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.1"));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
    assertThat(source.status().reason()).startsWith("orders.example/A: garbage from " + server.described() + " (");
  }

  @Test
  void aTruncatedUdpAnswer_isAskedAgainOverTcp() {
    String[] many = new String[40];
    for (int i = 0; i < many.length; i++) {
      many[i] = "10.0.1." + (i + 1);
    }
    zone(many);
    server.behave(TestDnsServer.Behaviour.TRUNCATE_UDP);
    LoadBalancer lb = balancer(source().build());
    scheduler.runNext();

    assertThat(lb.endpoints()).hasSize(40).startsWith(endpoint("10.0.1.1"), endpoint("10.0.1.2"));
    assertThat(server.udpQueries()).isEqualTo(2); // A and AAAA, truncated
    assertThat(server.tcpQueries()).isEqualTo(2); // and again over TCP
  }

  @Test
  void theNextServer_isAskedWhenOneFails() throws Exception {
    TestDnsServer second = TestDnsServer.start();
    closeables.add(second);
    server.behave(TestDnsServer.Behaviour.SERVFAIL);
    second.set(NAME, Type.A, a(NAME, 30, "10.0.0.9"));
    DnsEndpointSource source = source().servers(server.address(), second.address()).build();
    LoadBalancer lb = balancer(source);
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.9"));

    second.behave(TestDnsServer.Behaviour.LAME);
    scheduler.runNext();
    assertThat(source.status().reason()).isEqualTo("orders.example/A: SERVFAIL from " + server.described()
        + "; an empty answer without authority from " + second.described());
  }

  @Test
  void cnamesInTheAnswer_areFollowed() {
    server.set(NAME, Type.CNAME, cname(NAME, 10, "real.example"))
        .set("real.example", Type.A, a("real.example", 30, "10.0.0.7"));
    LoadBalancer lb = balancer(source().minTtl(Duration.ofSeconds(1)).build());
    scheduler.runNext();
    assertThat(lb.endpoints()).containsExactly(endpoint("10.0.0.7"));
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(10)); // the CNAME's TTL counts too
  }

  @Test
  void closingTheBalancer_cancelsTheNextRefresh_andARefreshThatRacesItAsksNothing() {
    zone("10.0.0.1");
    LoadBalancer lb = balancer(source().build());
    scheduler.runNext();
    int queries = server.udpQueries();
    Runnable racing = scheduler.takeNext(); // a thread took the next refresh...

    lb.close(); // ...and the balancer closes before it runs
    racing.run();
    assertThat(server.udpQueries()).isEqualTo(queries);
  }

  @Test
  void closingTheBalancer_leavesNothingScheduled() {
    zone("10.0.0.1");
    LoadBalancer lb = balancer(source().build());
    scheduler.runNext();
    assertThat(scheduler.pending()).isEqualTo(1);

    lb.close();
    assertThat(scheduler.pending()).isZero();
    assertThat(scheduler.isShutdown()).isFalse(); // a given scheduler is the user's
  }
}
