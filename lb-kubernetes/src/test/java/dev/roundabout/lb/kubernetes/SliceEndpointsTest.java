package dev.roundabout.lb.kubernetes;

import static dev.roundabout.lb.kubernetes.Slices.notServing;
import static dev.roundabout.lb.kubernetes.Slices.ready;
import static dev.roundabout.lb.kubernetes.Slices.slice;
import static dev.roundabout.lb.kubernetes.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How EndpointSlices become endpoints, without an API server. */
class SliceEndpointsTest {
  private final SliceEndpoints http = SliceEndpoints.portNamed("http");

  @Test
  void readyOrAbsent_takesCalls_terminatingAndNotServingLeave() {
    EndpointSlice slice = slice("orders-a",
        ready("10.0.0.1", "a"),
        new EndpointBuilder().withAddresses("10.0.0.2").build(), // no conditions at all: ready
        Slices.endpoint("10.0.0.3", "c", null, null, null), // every condition absent: ready
        terminating("10.0.0.4", "d"),
        notServing("10.0.0.5", "e"),
        Slices.endpoint("10.0.0.6", "f", true, false, false), // ready but not serving: gone
        Slices.endpoint("10.0.0.7", "g", null, true, true)); // terminating wins over an absent ready

    assertThat(http.map(List.of(slice)).endpoints())
        .extracting(Endpoint::address)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
  }

  @Test
  void everyAddress_isOneEndpoint_withTheZone_andPodNodeAndHintsAsMetadata() {
    EndpointSlice slice = slice("orders-v6", "IPv6", new EndpointBuilder(ready("2001:DB8::0:1", "a"))
        .addToAddresses("2001:db8::2")
        .withNewHints().addNewForZone("eu-west-1a").addNewForZone("eu-west-1b").endHints()
        .build());

    List<Endpoint> endpoints = http.map(List.of(slice)).endpoints();

    Endpoint first = Endpoint.builder("2001:db8::1", 8080)
        .zone("eu-west-1a")
        .metadata(KubernetesEndpointSource.METADATA_POD, "a")
        .metadata(KubernetesEndpointSource.METADATA_NODE, "node-1")
        .metadata(KubernetesEndpointSource.METADATA_FOR_ZONES, "eu-west-1a,eu-west-1b")
        .build();
    Endpoint second = Endpoint.builder("2001:db8::2", 8080).zone("eu-west-1a").metadata(first.metadata()).build();
    assertThat(endpoints).containsExactly(first, second);
    assertThat(endpoints.get(0).address()).isEqualTo("[2001:db8::1]:8080");
  }

  @Test
  void severalSlices_areMergedInNameOrder_andAnAddressListedTwiceCountsOnce() {
    EndpointSlice b = slice("orders-b", terminating("10.0.0.1", "old"), ready("10.0.0.3", "c"));
    EndpointSlice a = slice("orders-a", ready("10.0.0.2", "b"), ready("10.0.0.1", "a"));
    EndpointSlice c = slice("orders-c", ready("10.0.0.3", "c-again"));

    List<Endpoint> endpoints = http.map(List.of(c, b, a)).endpoints();

    assertThat(endpoints).extracting(Endpoint::address)
        .containsExactly("10.0.0.2:8080", "10.0.0.1:8080", "10.0.0.3:8080");
    assertThat(endpoints.get(2).metadata()).containsEntry(KubernetesEndpointSource.METADATA_POD, "c");
  }

  @Test
  void thePort_isChosenByNameOrNumber_overTcp_andASliceWithoutItGivesNothing() {
    EndpointSlice web = slice("orders-web", ready("10.0.0.1", "a"));
    EndpointSlice grpc = new EndpointSliceBuilder(slice("orders-grpc", ready("10.0.0.2", "b")))
        .withPorts()
        .addNewPort().withName("grpc").withPort(9090).withProtocol("TCP").endPort()
        .addNewPort().withName("http").withPort(8081).withProtocol("UDP").endPort()
        .build();
    EndpointSlice unnamed = new EndpointSliceBuilder(slice("orders-unnamed", ready("10.0.0.3", "c")))
        .withPorts()
        .addNewPort().withPort(9090).endPort() // no name, no protocol: TCP
        .build();

    List<EndpointSlice> slices = List.of(web, grpc, unnamed);
    assertThat(http.map(slices).endpoints()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080");
    assertThat(SliceEndpoints.portNamed("grpc").map(slices).endpoints()).extracting(Endpoint::address)
        .containsExactly("10.0.0.2:9090");
    assertThat(SliceEndpoints.portNumbered(9090).map(slices).endpoints()).extracting(Endpoint::address)
        .containsExactly("10.0.0.2:9090", "10.0.0.3:9090");
    assertThat(SliceEndpoints.portNumbered(8081).map(slices).endpoints()).isEmpty();
  }

  @Test
  void anAddressThatIsNoIpOrHostName_isSkipped_andReported() {
    EndpointSlice slice = slice("orders-a", ready("10.0.0.1", "a"), ready("10.0.0.256:80", "b"));

    SliceEndpoints.Mapped mapped = http.map(List.of(slice));

    assertThat(mapped.endpoints()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080");
    assertThat(mapped.rejected()).containsExactly("10.0.0.256:80");
  }

  @Test
  void noSlice_orNoEndpointThatTakesCalls_isTheEmptyList() {
    assertThat(http.map(List.of()).endpoints()).isEmpty();
    assertThat(http.map(List.of(slice("orders-a"), slice("orders-b", terminating("10.0.0.1", "a")))).endpoints())
        .isEmpty();
  }
}
