package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides which endpoints of one load balancer may take calls. The balancer feeds it the outcomes
 * of calls and the changes of its endpoint list, asks it for each endpoint's
 * {@link EndpointHealth} when it builds a snapshot (and, for an endpoint it keeps out, the
 * {@link #reason}), and rebuilds when the tracker calls
 * {@link HealthContext#refresh()} or when the delay given by {@link #nanosUntilChange} has passed.
 * Health is never checked on the pick path.
 *
 * <p>A tracker belongs to one balancer: a {@link HealthPolicy} creates one for each balancer it
 * is given to, and that balancer calls {@link #start} once, on the thread that builds it, before
 * anything else. Threads: {@link #endpointsChanged}, {@link #health}, {@link #reason},
 * {@link #nanosUntilChange} and {@link #close} run on the balancer's serialized update path, one at a time (a failed build
 * may also close the tracker on the building thread); {@link #onOutcome},
 * {@link #tryTrial} and {@link #releaseTrial} run on the threads that make calls, concurrently,
 * and must be thread-safe, fast and non-blocking. No method may call back into the balancer
 * synchronously except {@link HealthContext#refresh()}.
 */
public interface HealthTracker {
  /**
   * Starts tracking for the balancer of {@code context}, before any other call.
   *
   * @throws IllegalStateException if the tracker was already started (by any balancer)
   */
  void start(HealthContext context);

  /**
   * The endpoint list changed to {@code endpoints}: {@code added} joined, {@code removed} left. A
   * tracker forgets what it knew of removed endpoints. An endpoint whose weight or metadata changed
   * is in neither list.
   */
  void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed);

  /** The health of {@code endpoint} (one of the current list) at {@code nowNanos}. */
  EndpointHealth health(Endpoint endpoint, long nowNanos);

  /**
   * Why {@code endpoint} is out: asked on the update path right after {@link #health} returned
   * anything but {@code AVAILABLE} for it, with the same {@code nowNanos}, and published with the
   * snapshot that {@code LoadBalancer.describe()} reads. Return a reason for the health just
   * returned (a reason for another health is ignored), with its end ({@link HealthReason#until})
   * when the tracker knows when the endpoint comes back; or null to say nothing more than the
   * health. Must be cheap and must not block. The default returns null, so a tracker that does
   * not implement it still works: its endpoints are described by their health alone.
   */
  default @Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
    return null;
  }

  /**
   * How long from {@code nowNanos} until some endpoint's health may change with no outcome and no
   * {@link HealthContext#refresh()} (an ejection that ends), or {@link Long#MAX_VALUE} for never.
   */
  default long nanosUntilChange(long nowNanos) {
    return Long.MAX_VALUE;
  }

  /**
   * The outcome of a call to {@code endpoint}: success or failure, its latency, and the exception
   * it failed with (null for a success or a failure without one, such as an error status).
   */
  void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause);

  /**
   * Asks for a trial call to a {@link EndpointHealth#TRIAL} endpoint. True means the call may go;
   * its outcome or {@link #releaseTrial} follows. The default admits every call.
   */
  default boolean tryTrial(Endpoint endpoint) {
    return true;
  }

  /** Gives back a trial granted by {@link #tryTrial} whose call ended without an outcome. */
  default void releaseTrial(Endpoint endpoint) {}

  /** The balancer closed: stop all work (probes, timers) and release resources. */
  void close();
}
