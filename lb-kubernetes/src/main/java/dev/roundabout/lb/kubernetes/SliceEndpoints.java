package dev.roundabout.lb.kubernetes;

import dev.roundabout.lb.Endpoint;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Turns the EndpointSlices of one Service into the one list of endpoints that take calls on the
 * chosen port (see {@link KubernetesEndpointSource} for the rules). Immutable and thread-safe.
 */
final class SliceEndpoints {
  private static final String TCP = "TCP";
  private static final Comparator<EndpointSlice> BY_NAME =
      Comparator.comparing(slice -> slice.getMetadata() == null ? "" : nullToEmpty(slice.getMetadata().getName()));

  private final @Nullable String portName;
  private final int portNumber;

  private SliceEndpoints(@Nullable String portName, int portNumber) {
    this.portName = portName;
    this.portNumber = portNumber;
  }

  /** Endpoints on the port named {@code name} in the slices (the Service's port name). */
  static SliceEndpoints portNamed(String name) {
    return new SliceEndpoints(name, 0);
  }

  /** Endpoints on port {@code number} as the slices list it (the pods' port). */
  static SliceEndpoints portNumbered(int number) {
    return new SliceEndpoints(null, number);
  }

  /** What {@link #map} made of a set of slices. */
  record Mapped(List<Endpoint> endpoints, List<String> rejected) {}

  /**
   * The endpoints of {@code slices} that take calls, in slice-name order, an address that several
   * slices list counted once (the first entry that takes calls, in slice-name order, gives its
   * zone and metadata); and the addresses that are no IP address or host name, for a log line.
   */
  Mapped map(Collection<EndpointSlice> slices) {
    List<EndpointSlice> sorted = new ArrayList<>(slices);
    sorted.sort(BY_NAME);
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    List<String> rejected = new ArrayList<>();
    for (EndpointSlice slice : sorted) {
      Integer port = portOf(slice);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint entry : slice.getEndpoints()) {
        if (entry == null || !takesCalls(entry.getConditions()) || entry.getAddresses() == null) {
          continue;
        }
        for (String address : entry.getAddresses()) {
          Endpoint endpoint = endpoint(address, port, entry);
          if (endpoint == null) {
            rejected.add(String.valueOf(address));
          } else {
            byAddress.putIfAbsent(endpoint.address(), endpoint);
          }
        }
      }
    }
    return new Mapped(List.copyOf(byAddress.values()), List.copyOf(rejected));
  }

  /**
   * Whether an endpoint takes new calls: {@code ready} true or absent, and neither
   * {@code serving} false (gone) nor {@code terminating} true (draining: in-flight calls finish,
   * nothing new is sent).
   */
  static boolean takesCalls(@Nullable EndpointConditions conditions) {
    if (conditions == null) {
      return true;
    }
    return !Boolean.FALSE.equals(conditions.getReady())
        && !Boolean.FALSE.equals(conditions.getServing())
        && !Boolean.TRUE.equals(conditions.getTerminating());
  }

  /** The slice's number for the chosen port, or null when the slice does not list it over TCP. */
  private @Nullable Integer portOf(EndpointSlice slice) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort port : slice.getPorts()) {
      if (port == null || port.getPort() == null || !TCP.equals(port.getProtocol() == null ? TCP : port.getProtocol())) {
        continue;
      }
      boolean chosen = portName != null ? portName.equals(nullToEmpty(port.getName())) : port.getPort() == portNumber;
      if (chosen && port.getPort() >= 1 && port.getPort() <= 65_535) {
        return port.getPort();
      }
    }
    return null;
  }

  private static @Nullable Endpoint endpoint(
      @Nullable String address, int port, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint entry) {
    if (address == null) {
      return null;
    }
    Endpoint.Builder builder;
    try {
      builder = Endpoint.builder(address, port);
    } catch (IllegalArgumentException e) {
      return null;
    }
    String zone = entry.getZone();
    if (zone != null && !zone.isBlank()) {
      builder.zone(zone);
    }
    ObjectReference target = entry.getTargetRef();
    if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
      builder.metadata(KubernetesEndpointSource.METADATA_POD, target.getName());
    }
    if (entry.getNodeName() != null) {
      builder.metadata(KubernetesEndpointSource.METADATA_NODE, entry.getNodeName());
    }
    String forZones = forZones(entry.getHints());
    if (!forZones.isEmpty()) {
      builder.metadata(KubernetesEndpointSource.METADATA_FOR_ZONES, forZones);
    }
    return builder.build();
  }

  /** The zones the endpoint is hinted for, comma-separated; empty when none. */
  private static String forZones(@Nullable EndpointHints hints) {
    if (hints == null || hints.getForZones() == null) {
      return "";
    }
    StringJoiner joined = new StringJoiner(",");
    for (ForZone zone : hints.getForZones()) {
      if (zone != null && zone.getName() != null && !zone.getName().isBlank()) {
        joined.add(zone.getName());
      }
    }
    return joined.toString();
  }

  private static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return portName != null ? portName : String.valueOf(portNumber);
  }
}
