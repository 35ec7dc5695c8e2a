package dev.roundabout.lb.zookeeper;

import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the instance nodes of a service into endpoints: each node holds one of Curator's
 * {@code ServiceInstance}s in {@code JsonInstanceSerializer}'s JSON, with an
 * {@link InstanceDetails} payload or none.
 *
 * <p>A disabled instance is left out. A node that cannot be used (no data, not such JSON, a payload
 * of another class, no address, no port of the kind asked for, a bad address, port, weight or
 * zone) is left out and logged once per version of the node. Of two instances with one address,
 * the later registration wins (a restarted process whose earlier session has not expired yet).
 * The endpoints come sorted by host, then port.
 *
 * <p>Not thread-safe: confined to its source's thread (it remembers what it has logged).
 */
final class InstanceReader {
  private static final Logger logger = LoggerFactory.getLogger(ZooKeeperEndpointSource.class);
  private static final int MAX_PROBLEM_LENGTH = 200;
  /** The order of the lists: by host, then port. */
  static final Comparator<Endpoint> BY_ADDRESS =
      Comparator.comparing(Endpoint::host).thenComparingInt(Endpoint::port);

  private final String description;
  private final boolean useSslPort;
  private final InstanceSerializer<InstanceDetails> serializer = new JsonInstanceSerializer<>(InstanceDetails.class);
  /** The unusable nodes logged already, as {@code path@mzxid}: each version is logged once. */
  private Set<String> logged = new HashSet<>();

  InstanceReader(String description, boolean useSslPort) {
    this.description = description;
    this.useSslPort = useSslPort;
  }

  /** What a set of instance nodes comes to. */
  record Reading(List<Endpoint> endpoints, int unusable, @Nullable String firstProblem) {}

  /** One usable instance. */
  private record Candidate(String id, long registered, Endpoint endpoint) {
    boolean laterThan(Candidate other) {
      return registered != other.registered ? registered > other.registered : id.compareTo(other.id) > 0;
    }
  }

  Reading read(Collection<ChildData> nodes) {
    Map<String, Candidate> byAddress = new LinkedHashMap<>();
    Set<String> problems = new HashSet<>();
    int unusable = 0;
    String firstProblem = null;
    for (ChildData node : nodes) {
      String id = ZKPaths.getNodeFromPath(node.getPath());
      Candidate candidate;
      try {
        candidate = candidate(id, node.getData());
      } catch (UnusableInstanceException e) {
        String problem = "instance " + id + ": " + e.getMessage();
        String key = node.getPath() + "@" + (node.getStat() == null ? "?" : node.getStat().getMzxid());
        problems.add(key);
        if (!logged.contains(key)) {
          logger.warn("Endpoint source {} leaves out {}", description, problem);
        }
        unusable++;
        firstProblem = firstProblem == null ? problem : firstProblem;
        continue;
      }
      if (candidate == null) {
        logger.debug("Endpoint source {} leaves out instance {}: disabled", description, id);
        continue;
      }
      Candidate other = byAddress.get(candidate.endpoint.address());
      if (other == null || candidate.laterThan(other)) {
        byAddress.put(candidate.endpoint.address(), candidate);
      }
      if (other != null) {
        logger.debug("Endpoint source {}: instances {} and {} share the address {}; the later registration counts",
            description, other.id, candidate.id, candidate.endpoint.address());
      }
    }
    logged = problems;
    List<Endpoint> endpoints = new ArrayList<>(byAddress.size());
    for (Candidate candidate : byAddress.values()) {
      endpoints.add(candidate.endpoint);
    }
    endpoints.sort(BY_ADDRESS);
    return new Reading(List.copyOf(endpoints), unusable, firstProblem);
  }

  /** The endpoint of one node, or null if it has none (disabled, or unusable); logs nothing. */
  @Nullable Endpoint endpointOf(ChildData node) {
    try {
      Candidate candidate = candidate(ZKPaths.getNodeFromPath(node.getPath()), node.getData());
      return candidate == null ? null : candidate.endpoint;
    } catch (UnusableInstanceException e) {
      return null;
    }
  }

  /** The endpoint of one node, or null if the instance is disabled. */
  private @Nullable Candidate candidate(String id, byte @Nullable [] data) throws UnusableInstanceException {
    if (data == null || data.length == 0) {
      throw new UnusableInstanceException("no data");
    }
    ServiceInstance<InstanceDetails> instance;
    try {
      instance = serializer.deserialize(data);
    } catch (Exception e) { // Jackson's exceptions, and ClassCastException for a payload of another class
      throw new UnusableInstanceException(
          "not a service instance with an InstanceDetails payload or none (" + firstLine(e) + ")");
    }
    if (!instance.isEnabled()) {
      return null;
    }
    String address = instance.getAddress();
    Integer port = useSslPort ? instance.getSslPort() : instance.getPort();
    if (address == null) {
      throw new UnusableInstanceException("no address");
    }
    if (port == null) {
      throw new UnusableInstanceException(useSslPort ? "no sslPort" : "no port");
    }
    InstanceDetails details = instance.getPayload();
    Endpoint endpoint;
    try {
      Endpoint.Builder builder = Endpoint.builder(address, port);
      if (details != null) {
        builder.weight(details.weight());
        String zone = details.zone();
        if (zone != null) {
          builder.zone(zone);
        }
      }
      endpoint = builder.build();
    } catch (IllegalArgumentException e) {
      throw new UnusableInstanceException(String.valueOf(e.getMessage()));
    }
    return new Candidate(id, instance.getRegistrationTimeUTC(), endpoint);
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getName();
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() <= MAX_PROBLEM_LENGTH ? line : line.substring(0, MAX_PROBLEM_LENGTH) + "...";
  }

  /** Why a node is left out; carries no stack trace. */
  private static final class UnusableInstanceException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableInstanceException(String message) {
      super(message, null, false, false);
    }
  }
}
