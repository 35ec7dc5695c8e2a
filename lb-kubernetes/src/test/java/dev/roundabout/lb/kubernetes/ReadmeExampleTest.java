package dev.roundabout.lb.kubernetes;

import static dev.roundabout.lb.kubernetes.Slices.ready;
import static dev.roundabout.lb.kubernetes.Slices.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.LoadBalancer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example of lb-kubernetes/README.md, compiled and run against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class ReadmeExampleTest {
  KubernetesClient client; // set by the extension; in the README, new KubernetesClientBuilder().build()

  @Test
  void theReadmeExample_balancesOverTheServicesPods() throws Exception {
    client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice("orders-a", ready("10.0.0.1", "a"))).create();

    // README: begin
    KubernetesEndpointSource orders = KubernetesEndpointSource.builder(client, "shop", "orders")
        .port("http")
        .build();
    try (LoadBalancer lb = LoadBalancer.builder("orders").source(orders).build()) {
      lb.awaitFirstList(Duration.ofSeconds(5));
      // README: end
      assertThat(lb.pick().address()).isEqualTo("10.0.0.1:8080");

      // A change that follows; it also lets the mock server finish replaying the slices to the new
      // watch before the watch closes (see KubernetesEndpointSourceIntegrationTest).
      client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice("orders-b", ready("10.0.0.2", "b"))).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> lb.endpoints().size() == 2);
    }
  }
}
