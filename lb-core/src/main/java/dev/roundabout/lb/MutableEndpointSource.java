package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link EndpointSource} the application updates: each {@link #update} replaces the whole list
 * and is delivered to every subscribed load balancer before it returns (unless that balancer is
 * busy with another change on another thread, in which case that thread applies it right after).
 *
 * <p>Thread-safe. Concurrent updates are applied one after the other and delivered in the same
 * order. Removing an endpoint drains it: the balancers send it no new call, and leases already open
 * on it complete normally.
 */
public final class MutableEndpointSource implements EndpointSource {
  private final Object lock = new Object();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile List<Endpoint> endpoints;

  MutableEndpointSource(List<Endpoint> initial) {
    this.endpoints = initial;
  }

  /**
   * Replaces the list.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if two endpoints share a {@code host:port}; the list stays
   *     as it was
   */
  public void update(List<Endpoint> endpoints) {
    List<Endpoint> copy = EndpointLists.checkedCopy(endpoints);
    synchronized (lock) {
      this.endpoints = copy;
      for (Listener listener : listeners) {
        listener.onEndpoints(copy);
      }
    }
  }

  /**
   * Adds {@code endpoint}, or replaces the endpoint of the same {@code host:port} (a weight change,
   * say) in place.
   */
  public void add(Endpoint endpoint) {
    checkNotNull(endpoint, "endpoint");
    synchronized (lock) {
      List<Endpoint> next = new ArrayList<>(endpoints);
      int index = indexOf(next, endpoint.address());
      if (index >= 0) {
        next.set(index, endpoint);
      } else {
        next.add(endpoint);
      }
      update(next);
    }
  }

  /**
   * Removes the endpoint whose {@code host:port} is that of {@code endpoint}.
   *
   * @return true if it was in the list
   */
  public boolean remove(Endpoint endpoint) {
    checkNotNull(endpoint, "endpoint");
    synchronized (lock) {
      List<Endpoint> next = new ArrayList<>(endpoints);
      int index = indexOf(next, endpoint.address());
      if (index < 0) {
        return false;
      }
      next.remove(index);
      update(next);
      return true;
    }
  }

  /** The current list, immutable. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public Subscription subscribe(Listener listener) {
    checkNotNull(listener, "listener");
    synchronized (lock) {
      listeners.add(listener);
      listener.onEndpoints(endpoints);
    }
    return () -> listeners.remove(listener);
  }

  private static int indexOf(List<Endpoint> list, String address) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).address().equals(address)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "EndpointSource.mutable(" + endpoints + ")";
  }
}
