package dev.roundabout.lb.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad configuration fails in the builder, with the project's messages; no server needed. */
class ZooKeeperEndpointSourceBuilderTest {
  /** Never started: the checks run before any connection. */
  private final CuratorFramework curator = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));

  @AfterEach
  void closeClient() {
    curator.close();
  }

  @Test
  void service_blank_isRejected() {
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: \"\" (expected: a non-blank service name)");
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, "  "))
        .hasMessage("service: \"  \" (expected: a non-blank service name)");
  }

  @Test
  void service_notANodeName_isRejected() {
    for (String service : new String[] {"orders/v1", "/orders", ".", "..", "or\u0000ders", "or\tders"}) {
      assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, service))
          .as(service)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("service: \"" + service + "\" (expected: a ZooKeeper node name: no /, not . or .., no control characters)");
    }
  }

  @Test
  void basePath_relative_isRejected() {
    ZooKeeperEndpointSource.Builder builder = ZooKeeperEndpointSource.builder(curator, "orders");
    assertThatThrownBy(() -> builder.basePath("services"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("basePath: \"services\" (expected: a ZooKeeper path starting with /)");
    assertThatThrownBy(() -> builder.basePath(""))
        .hasMessage("basePath: \"\" (expected: a ZooKeeper path starting with /)");
  }

  @Test
  void basePath_withEmptyDotOrBadNames_isRejected() {
    ZooKeeperEndpointSource.Builder builder = ZooKeeperEndpointSource.builder(curator, "orders");
    for (String path : new String[] {"/services/", "//services", "/a//b", "/a/./b", "/a/..", "/a\u0001"}) {
      assertThatThrownBy(() -> builder.basePath(path))
          .as(path)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("basePath: \"" + path + "\" (expected: a ZooKeeper path of /-separated node names, such as /services)");
    }
  }

  @Test
  void basePath_rootAndNestedPaths_areAccepted() {
    ZooKeeperEndpointSource.builder(curator, "orders").basePath("/");
    ZooKeeperEndpointSource.builder(curator, "orders").basePath("/discovery/prod-eu");
    ZooKeeperEndpointSource.builder(curator, "orders.v2_grpc").basePath("/services");
  }

  @Test
  void removalDelay_negativeOrAboveAnHour_isRejected() {
    ZooKeeperEndpointSource.Builder builder = ZooKeeperEndpointSource.builder(curator, "orders");
    assertThatThrownBy(() -> builder.removalDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("removalDelay: PT-0.001S (expected: 0-PT1H)");
    assertThatThrownBy(() -> builder.removalDelay(Duration.ofMinutes(61)))
        .hasMessage("removalDelay: PT1H1M (expected: 0-PT1H)");
    builder.removalDelay(Duration.ZERO).removalDelay(Duration.ofHours(1));
    assertThat(ZooKeeperEndpointSource.DEFAULT_REMOVAL_DELAY).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void nulls_areNamed() {
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(null, "orders"))
        .isInstanceOf(NullPointerException.class).hasMessage("curator");
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, null))
        .isInstanceOf(NullPointerException.class).hasMessage("service");
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, "orders").basePath(null))
        .isInstanceOf(NullPointerException.class).hasMessage("basePath");
    assertThatThrownBy(() -> ZooKeeperEndpointSource.builder(curator, "orders").removalDelay(null))
        .isInstanceOf(NullPointerException.class).hasMessage("removalDelay");
  }

  @Test
  void aClientNotStarted_orClosed_isRejected() {
    ZooKeeperEndpointSource.Builder builder = ZooKeeperEndpointSource.builder(curator, "orders");
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("curator: LATENT (expected: a started CuratorFramework)");

    try (CuratorFramework closed = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1))) {
      closed.start();
      closed.close();
      assertThatThrownBy(ZooKeeperEndpointSource.builder(closed, "orders")::build)
          .hasMessage("curator: STOPPED (expected: a started CuratorFramework)");
    }
  }

  @Test
  void theDefaultBasePath_isServices() {
    assertThat(ZooKeeperEndpointSource.DEFAULT_BASE_PATH).isEqualTo("/services");
  }
}
