package dev.roundabout.lb.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.SourceStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The builder's checks and messages, and a client that cannot be used; no API server is asked anything. */
class KubernetesEndpointSourceTest {
  // Never used to call anything: the builder only keeps it.
  private static final KubernetesClient client = new KubernetesClientBuilder()
      .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
      .build();

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @Test
  void build_asksNothingYet_andDescribesTheServiceAndPort() {
    KubernetesEndpointSource byName = KubernetesEndpointSource.builder(client, "shop", "orders").port("http").build();
    KubernetesEndpointSource byNumber = KubernetesEndpointSource.builder(client, "shop", "orders").port(8080).build();

    assertThat(byName.description()).isEqualTo("kubernetes:shop/orders:http");
    assertThat(byNumber.description()).isEqualTo("kubernetes:shop/orders:8080");
    assertThat(byName.status().state()).isEqualTo(SourceStatus.State.WAITING);
    assertThat(byName.namespace()).isEqualTo("shop");
    assertThat(byName.service()).isEqualTo("orders");
    assertThat(byName.informerRunning()).isFalse();
  }

  @Test
  void aClosedClient_leavesTheSourceStaleWithTheReason_andTheBalancerBuilds() {
    KubernetesClient closed = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
        .build();
    closed.close();
    KubernetesEndpointSource source = KubernetesEndpointSource.builder(closed, "shop", "orders").port("http").build();

    try (LoadBalancer lb = LoadBalancer.builder("orders").source(source).executor(Runnable::run).build()) {
      assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);
      assertThat(source.status().reason()).isEqualTo("the informer could not start: IllegalStateException: Client is closed");
      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessageEndingWith("(the informer could not start: IllegalStateException: Client is closed))");
      assertThat(source.informerRunning()).isFalse();
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive() && t.getName().startsWith("roundabout-kubernetes-"));
  }

  @Test
  void namespace_mustBeAKubernetesName() {
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "", "orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace: \"\" (expected: a Kubernetes name)");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "Shop", "orders"))
        .hasMessage("namespace: \"Shop\" (expected: a Kubernetes name)");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "shop-", "orders"))
        .hasMessage("namespace: \"shop-\" (expected: a Kubernetes name)");
    String tooLong = "n".repeat(64);
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, tooLong, "orders"))
        .hasMessage("namespace: \"" + tooLong + "\" (expected: a Kubernetes name)");
    assertThat(KubernetesEndpointSource.builder(client, "n".repeat(63), "orders")).isNotNull();
    assertThat(KubernetesEndpointSource.builder(client, "1shop", "orders")).isNotNull(); // DNS-1123: a digit may lead
  }

  @Test
  void service_mustBeADns1035Label() {
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "shop", "Orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: \"Orders\" (expected: a DNS-1035 label)");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "shop", "1orders"))
        .hasMessage("service: \"1orders\" (expected: a DNS-1035 label)");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "shop", "orders.v1"))
        .hasMessage("service: \"orders.v1\" (expected: a DNS-1035 label)");
  }

  @Test
  void port_isANumberInRangeOrAPortName_chosenOnce() {
    KubernetesEndpointSource.Builder builder = KubernetesEndpointSource.builder(client, "shop", "orders");
    assertThatThrownBy(() -> builder.port(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1-65535)");
    assertThatThrownBy(() -> builder.port(65_536)).hasMessage("port: 65536 (expected: 1-65535)");
    assertThatThrownBy(() -> builder.port("HTTP")).hasMessage("port: \"HTTP\" (expected: a port name, a DNS-1123 label)");
    assertThatThrownBy(() -> builder.port("")).hasMessage("port: \"\" (expected: a port name, a DNS-1123 label)");
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("port: none (expected: port(name) or port(number))");

    builder.port("http");
    assertThatThrownBy(() -> builder.port(8080))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("port: chosen already as http (expected: one port, by name or by number)");
  }

  @Test
  void resyncPeriod_andStaleAfter_areChecked() {
    KubernetesEndpointSource.Builder builder = KubernetesEndpointSource.builder(client, "shop", "orders");
    assertThatThrownBy(() -> builder.resyncPeriod(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resyncPeriod: PT0.5S (expected: zero (no resync) or at least PT1S)");
    assertThatThrownBy(() -> builder.resyncPeriod(Duration.ofSeconds(-1)))
        .hasMessage("resyncPeriod: PT-1S (expected: zero (no resync) or at least PT1S)");
    assertThatThrownBy(() -> builder.staleAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("staleAfter: PT0S (expected: a positive duration)");
    assertThat(builder.resyncPeriod(Duration.ZERO).resyncPeriod(Duration.ofMinutes(5)).staleAfter(Duration.ofMillis(1)))
        .isSameAs(builder);
  }

  @Test
  void nulls_areRejectedByName() {
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(null, "shop", "orders"))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, null, "orders")).hasMessage("namespace");
    assertThatThrownBy(() -> KubernetesEndpointSource.builder(client, "shop", null)).hasMessage("service");
    KubernetesEndpointSource.Builder builder = KubernetesEndpointSource.builder(client, "shop", "orders");
    assertThatThrownBy(() -> builder.port(null)).hasMessage("port");
    assertThatThrownBy(() -> builder.resyncPeriod(null)).hasMessage("resyncPeriod");
    assertThatThrownBy(() -> builder.staleAfter(null)).hasMessage("staleAfter");
    assertThatThrownBy(() -> builder.backoff(null)).hasMessage("backoff");
    assertThatThrownBy(() -> builder.random(null)).hasMessage("random");
  }

  @Test
  void theDefaultBackoff_growsFromOneSecondToThirtyWithJitter() {
    assertThat(KubernetesEndpointSource.DEFAULT_BACKOFF).hasToString("Backoff{PT1S to PT30S, jitter 0.2}");
    KubernetesEndpointSource.Builder builder = KubernetesEndpointSource.builder(client, "shop", "orders");
    assertThat(builder.backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1))).random(new SplittableRandom(1)))
        .isSameAs(builder);
  }
}
