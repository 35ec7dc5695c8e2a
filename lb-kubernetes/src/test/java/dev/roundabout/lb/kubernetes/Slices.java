package dev.roundabout.lb.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/** EndpointSlices as the EndpointSlice controller writes them, for the tests. */
final class Slices {
  static final String NAMESPACE = "shop";
  static final String SERVICE = "orders";

  private Slices() {}

  /** A slice of {@link #SERVICE} with one TCP port, {@code http}, on 8080. */
  static EndpointSlice slice(String name, Endpoint... endpoints) {
    return slice(name, "IPv4", endpoints);
  }

  static EndpointSlice slice(String name, String addressType, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels(KubernetesEndpointSource.SERVICE_NAME_LABEL, SERVICE)
        .endMetadata()
        .withAddressType(addressType)
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .withEndpoints(List.of(endpoints))
        .build();
  }

  /** A ready endpoint of one address on pod {@code pod}, in zone {@code eu-west-1a}. */
  static Endpoint ready(String address, String pod) {
    return endpoint(address, pod, true, true, false);
  }

  /** An endpoint whose pod got SIGTERM: still serving, terminating, not ready. */
  static Endpoint terminating(String address, String pod) {
    return endpoint(address, pod, false, true, true);
  }

  /** An endpoint whose pod fails its readiness probe. */
  static Endpoint notServing(String address, String pod) {
    return endpoint(address, pod, false, false, false);
  }

  static Endpoint endpoint(String address, String pod, Boolean ready, Boolean serving, Boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
        .withZone("eu-west-1a")
        .withNodeName("node-1")
        .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(NAMESPACE).endTargetRef()
        .build();
  }
}
