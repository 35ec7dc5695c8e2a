package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Validation of endpoint lists, shared by the builder and the sources. */
final class EndpointLists {
  private EndpointLists() {}

  /**
   * Returns an immutable copy of {@code endpoints} after checking that neither it nor an element is
   * null and that no {@code host:port} appears twice.
   */
  static List<Endpoint> checkedCopy(List<Endpoint> endpoints) {
    checkNotNull(endpoints, "endpoints");
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint endpoint = checkNotNull(endpoints.get(i), "endpoints[" + i + "]");
      Integer first = seen.putIfAbsent(endpoint.address(), i);
      if (first != null) {
        throw new IllegalArgumentException(
            "endpoints: " + endpoint.address() + " at index " + first + " and " + i
                + " (expected: each host:port once)");
      }
    }
    return List.copyOf(endpoints);
  }
}
