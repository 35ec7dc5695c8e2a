package dev.roundabout.lb.zookeeper;

import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps an endpoint that left the registry in the list until it has been gone for the removal
 * delay: the source's lists are the registry's instances plus those seen there within the delay.
 * Curator's service discovery deletes and re-creates the node of every instance it registered
 * each time its client reconnects, and a balancer should not drain a backend, nor empty a pool of
 * one, for that.
 *
 * <p>Not thread-safe: confined to its source's thread. Time is in {@link System#nanoTime()}'s
 * terms, passed in.
 */
final class RecentInstances {
  private final long delayNanos;
  /** By address: the endpoint as last seen, and when. */
  private final Map<String, Seen> seen = new HashMap<>();

  private record Seen(Endpoint endpoint, long atNanos) {}

  /** The list to deliver, sorted by address, and the nanoseconds until it changes by itself. */
  record Merged(List<Endpoint> endpoints, long nanosToNextRemoval) {}

  RecentInstances(long delayNanos) {
    this.delayNanos = delayNanos;
  }

  /** Notes that {@code endpoint} was in the registry at {@code nowNanos} (one that just left, say). */
  void seen(Endpoint endpoint, long nowNanos) {
    if (delayNanos > 0) {
      seen.put(endpoint.address(), new Seen(endpoint, nowNanos));
    }
  }

  /**
   * The registry's {@code current} endpoints (sorted by address), and those seen within the delay
   * that it lacks; forgets the others. {@code nanosToNextRemoval} is {@link Long#MAX_VALUE} when
   * nothing is kept.
   */
  Merged merge(List<Endpoint> current, long nowNanos) {
    if (delayNanos == 0) {
      return new Merged(current, Long.MAX_VALUE);
    }
    Set<String> present = new HashSet<>();
    for (Endpoint endpoint : current) {
      present.add(endpoint.address());
      seen.put(endpoint.address(), new Seen(endpoint, nowNanos));
    }
    List<Endpoint> merged = new ArrayList<>(current);
    long next = Long.MAX_VALUE;
    for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (present.contains(s.endpoint.address())) {
        continue;
      }
      long left = delayNanos - (nowNanos - s.atNanos);
      if (left <= 0) {
        it.remove();
      } else {
        merged.add(s.endpoint);
        next = Math.min(next, left);
      }
    }
    if (merged.size() > current.size()) {
      merged.sort(InstanceReader.BY_ADDRESS);
    }
    return new Merged(List.copyOf(merged), next);
  }
}
