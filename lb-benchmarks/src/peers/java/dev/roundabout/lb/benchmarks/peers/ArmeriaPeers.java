package dev.roundabout.lb.benchmarks.peers;

import com.linecorp.armeria.common.loadbalancer.LoadBalancer;
import com.linecorp.armeria.common.loadbalancer.SimpleLoadBalancer;
import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Armeria 1.40.0's load balancers ({@code com.linecorp.armeria.common.loadbalancer.LoadBalancer},
 * an {@code @UnstableApi}), the ones its client strategies {@code EndpointSelectionStrategy
 * .roundRobin()}, {@code .weightedRoundRobin()} and {@code .sticky(hasher)} build over the
 * endpoint group's current list.
 *
 * <p>The candidates are Armeria's own {@code com.linecorp.armeria.client.Endpoint}s, with the
 * pool's hosts, ports and weights. The balancer is built once here, as Armeria builds it once per
 * endpoint list; {@code pick} is one call's selection. The balancers are immutable apart from an
 * {@code AtomicInteger} sequence (the round-robin ones), so one instance is shared by all threads.
 */
final class ArmeriaPeers {
  private ArmeriaPeers() {}

  /** The picker of the peer {@code name}, or {@code null} when the name is not an Armeria one. */
  static PeerPicker create(String name, List<Endpoint> endpoints) {
    switch (name) {
      case "armeriaRoundRobin":
        return roundRobin(endpoints);
      case "armeriaWeightedRoundRobin":
        return weightedRoundRobin(endpoints);
      case "armeriaSticky":
        return sticky(endpoints);
      default:
        return null;
    }
  }

  /** Plain round robin: a shared counter modulo the list size; weights are not used. */
  private static PeerPicker roundRobin(List<Endpoint> endpoints) {
    SimpleLoadBalancer<com.linecorp.armeria.client.Endpoint> balancer =
        LoadBalancer.ofRoundRobin(armeriaEndpoints(endpoints));
    return (keyHash, key) -> balancer.pick();
  }

  /**
   * Weighted round robin: the shared counter modulo the total weight, mapped to an endpoint through
   * the candidates grouped by weight (a binary search over the groups), weights from the pool.
   */
  private static PeerPicker weightedRoundRobin(List<Endpoint> endpoints) {
    SimpleLoadBalancer<com.linecorp.armeria.client.Endpoint> balancer =
        LoadBalancer.ofWeightedRoundRobin(
            armeriaEndpoints(endpoints), com.linecorp.armeria.client.Endpoint::weight);
    return (keyHash, key) -> balancer.pick();
  }

  /**
   * Sticky: the call's context is its key string, hashed by the hasher given at construction (here
   * {@code String.hashCode}, as Armeria's documentation hashes a header value), then Guava's
   * consistent hash over the list; weights are not used. In an Armeria client the context would be
   * the {@code ClientRequestContext} and the hasher would read the key from it; the balancer does
   * not need one, so none is built.
   */
  private static PeerPicker sticky(List<Endpoint> endpoints) {
    LoadBalancer<com.linecorp.armeria.client.Endpoint, String> balancer =
        LoadBalancer.ofSticky(armeriaEndpoints(endpoints), String::hashCode);
    return (keyHash, key) -> balancer.pick(key);
  }

  private static List<com.linecorp.armeria.client.Endpoint> armeriaEndpoints(
      List<Endpoint> endpoints) {
    List<com.linecorp.armeria.client.Endpoint> result = new ArrayList<>(endpoints.size());
    for (Endpoint endpoint : endpoints) {
      result.add(
          com.linecorp.armeria.client.Endpoint.of(endpoint.host(), endpoint.port())
              .withWeight(endpoint.weight()));
    }
    return result;
  }
}
