package dev.roundabout.lb;

import java.util.List;

/**
 * Delivers complete endpoint lists to the load balancers that subscribe: a static list
 * ({@link #of}), a list the application updates ({@link #mutable}), or a discovery mechanism.
 *
 * <p>Implementations are thread-safe. Every delivery is the whole current list, never a delta; a
 * source delivers its current list (if it has one) during {@link #subscribe} and every later list
 * in order. A source that fails to refresh keeps its last good list rather than delivering an
 * empty one.
 */
public interface EndpointSource {
  /**
   * Starts delivering lists to {@code listener} until the returned subscription is closed. Called
   * by a load balancer when it is built.
   */
  Subscription subscribe(Listener listener);

  /**
   * Returns a source that delivers {@code endpoints} once and never changes.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if two endpoints share a {@code host:port}
   */
  static EndpointSource of(List<Endpoint> endpoints) {
    return new StaticEndpointSource(EndpointLists.checkedCopy(endpoints));
  }

  /**
   * Returns a source holding {@code initial} that the application updates with
   * {@link MutableEndpointSource#update}.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if two endpoints share a {@code host:port}
   */
  static MutableEndpointSource mutable(List<Endpoint> initial) {
    return new MutableEndpointSource(EndpointLists.checkedCopy(initial));
  }

  /**
   * Receives the lists of a source. Called on the source's thread (for a mutable source, the thread
   * that updates it), one call at a time; it must not block.
   */
  @FunctionalInterface
  interface Listener {
    /** The source's whole current list, immutable. */
    void onEndpoints(List<Endpoint> endpoints);

    /**
     * The source's status changed (a source that follows a registry: waiting for its first list,
     * current, stale); by default ignored. Called like {@link #onEndpoints}.
     */
    default void onStatus(SourceStatus status) {}
  }

  /** Stops the deliveries of one {@link #subscribe}. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    /** Stops delivering; idempotent. */
    @Override
    void close();
  }
}
