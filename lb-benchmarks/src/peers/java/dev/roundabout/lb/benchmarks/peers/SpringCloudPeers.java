package dev.roundabout.lb.benchmarks.peers;

import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import reactor.core.publisher.Flux;

/**
 * Spring Cloud LoadBalancer 5.0.4: a {@link RoundRobinLoadBalancer} over a
 * {@link ServiceInstanceListSupplier} that serves the pool as {@link DefaultServiceInstance}s.
 * {@code pick} is {@code choose(request)} blocked on for its {@code Mono}'s result, as a blocking
 * caller ({@code BlockingLoadBalancerClient.choose}) does.
 *
 * <p>Spring's round robin has no weights ({@link Endpoint#weight()} is not used); weights would
 * need its separate {@code WeightedServiceInstanceListSupplier}, which is not this peer.
 */
final class SpringCloudPeers {
  private SpringCloudPeers() {}

  static PeerPicker create(String name, List<Endpoint> endpoints) {
    if (!name.equals("springRoundRobin")) {
      return null;
    }
    String serviceId = "roundabout-bench";
    List<ServiceInstance> instances = new ArrayList<>(endpoints.size());
    for (Endpoint endpoint : endpoints) {
      instances.add(
          new DefaultServiceInstance(endpoint.address(), serviceId, endpoint.host(), endpoint.port(), false));
    }
    ServiceInstanceListSupplier supplier =
        new FixedSupplier(serviceId, Collections.unmodifiableList(instances));
    RoundRobinLoadBalancer balancer =
        new RoundRobinLoadBalancer(new SimpleObjectProvider<>(supplier), serviceId);
    // The round robin does not read the request; one is built once, not per call (a caller that
    // has none passes the shared ReactiveLoadBalancer.REQUEST, also built once).
    Request<DefaultRequestContext> request = new DefaultRequest<>(new DefaultRequestContext());

    SpringPicker picker = new SpringPicker(balancer, request);
    if (picker.pick(0, "") == null) {
      throw new IllegalStateException(name + ": Spring Cloud chose no instance among " + instances.size());
    }
    return picker;
  }

  /**
   * The instances as one prebuilt {@code Flux} that emits the same list to every subscriber, as a
   * caching supplier hands out its cached list; no discovery, no health checks.
   */
  private static final class FixedSupplier implements ServiceInstanceListSupplier {
    private final String serviceId;
    private final Flux<List<ServiceInstance>> instances;

    FixedSupplier(String serviceId, List<ServiceInstance> instances) {
      this.serviceId = serviceId;
      this.instances = Flux.just(instances);
    }

    @Override
    public String getServiceId() {
      return serviceId;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
      return instances;
    }
  }

  /** Thread-safe: the balancer's position is an AtomicInteger; the request and supplier are immutable. */
  private static final class SpringPicker implements PeerPicker {
    private final RoundRobinLoadBalancer balancer;
    private final Request<DefaultRequestContext> request;

    SpringPicker(RoundRobinLoadBalancer balancer, Request<DefaultRequestContext> request) {
      this.balancer = balancer;
      this.request = request;
    }

    @Override
    public Object pick(long keyHash, String key) {
      // Per call: the Mono chain (supplier Flux -> next -> map) and its subscription by block().
      Response<ServiceInstance> response = balancer.choose(request).block();
      return response == null ? null : response.getServer();
    }
  }
}
