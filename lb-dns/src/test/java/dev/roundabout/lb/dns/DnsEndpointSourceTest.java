package dev.roundabout.lb.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.SourceStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The builder: defaults, checks and their messages; nothing here opens a socket. */
class DnsEndpointSourceTest {
  @AfterEach
  void noThreadIsLeft() {
    Recorder.awaitNoSourceThread();
  }

  @Test
  void description_namesTheNameAndPort_orTheService() {
    assertThat(DnsEndpointSource.builder("orders.example", 8080).build().description())
        .isEqualTo("dns:orders.example:8080");
    assertThat(DnsEndpointSource.srv("_http._tcp.orders.example.").build().description())
        .isEqualTo("dns:_http._tcp.orders.example.");
  }

  @Test
  void build_startsNothing_andTheSourceWaits() {
    DnsEndpointSource source = DnsEndpointSource.builder("orders.example", 8080).build();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.WAITING);
    assertThat(Recorder.sourceThreads()).isEmpty();
  }

  @Test
  void name_mustBeADnsName() {
    for (String bad : new String[] {"orders..example", "", ".", "-orders.example", "orders-.example", "orders example",
        "orders.example:8080", "http://orders.example", "10.0.0.1", "a".repeat(64) + ".example",
        ("a".repeat(63) + ".").repeat(4) + "example"}) {
      assertThatThrownBy(() -> DnsEndpointSource.builder(bad, 8080))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("name: \"" + bad + "\" (expected: a DNS name)");
      assertThatThrownBy(() -> DnsEndpointSource.srv(bad))
          .hasMessage("name: \"" + bad + "\" (expected: a DNS name)");
    }
    assertThatThrownBy(() -> DnsEndpointSource.builder(null, 8080))
        .isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThat(DnsEndpointSource.builder("orders_db.svc.example.", 5432).build()).isNotNull();
    assertThat(DnsEndpointSource.builder("a".repeat(63) + ".example", 80).build()).isNotNull();
  }

  @Test
  void port_mustBeInRange() {
    assertThatThrownBy(() -> DnsEndpointSource.builder("orders.example", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 70000 (expected: 1-65535)");
    assertThatThrownBy(() -> DnsEndpointSource.builder("orders.example", 0))
        .hasMessage("port: 0 (expected: 1-65535)");
  }

  @Test
  void durations_mustBePositive_andMaxTtlAtLeastMinTtl() {
    DnsEndpointSource.Builder builder = DnsEndpointSource.builder("orders.example", 8080);
    assertThatThrownBy(() -> builder.minTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minTtl: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.maxTtl(Duration.ofSeconds(-1)))
        .hasMessage("maxTtl: PT-1S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.minTtl(null)).isInstanceOf(NullPointerException.class).hasMessage("minTtl");

    builder.minTtl(Duration.ofMinutes(10)); // above the default maxTtl: checked when built
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxTtl: PT5M (expected: at least minTtl PT10M)");
    assertThat(builder.maxTtl(Duration.ofMinutes(10)).build()).isNotNull();
  }

  @Test
  void servers_mustBeResolvedAddresses_atLeastOne() {
    DnsEndpointSource.Builder builder = DnsEndpointSource.builder("orders.example", 8080);
    assertThatThrownBy(builder::servers)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers: [] (expected: at least one server)");
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("dns.example", 53);
    assertThatThrownBy(() -> builder.servers(unresolved))
        .hasMessage("server: dns.example/<unresolved>:53 (expected: an IP address and port)");
    assertThatThrownBy(() -> builder.servers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), null))
        .isInstanceOf(NullPointerException.class).hasMessage("server");
  }

  @Test
  void otherOptions_refuseNull() {
    DnsEndpointSource.Builder builder = DnsEndpointSource.builder("orders.example", 8080);
    assertThatThrownBy(() -> builder.backoff(null)).isInstanceOf(NullPointerException.class).hasMessage("backoff");
    assertThatThrownBy(() -> builder.scheduler(null)).hasMessage("scheduler");
    assertThatThrownBy(() -> builder.clock(null)).hasMessage("clock");
    assertThatThrownBy(() -> builder.random(null)).hasMessage("random");
    assertThat(builder.backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1))).build()).isNotNull();
  }

  @Test
  void srvWeights_becomeEndpointWeights() {
    assertThat(DnsLookup.weight(0)).isEqualTo(1);
    assertThat(DnsLookup.weight(1)).isEqualTo(1);
    assertThat(DnsLookup.weight(10_000)).isEqualTo(10_000);
    assertThat(DnsLookup.weight(65_535)).isEqualTo(10_000);
  }
}
