package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The live state a balancer keeps for one backend ({@code host:port}) for as long as the backend
 * is in its list, across every snapshot: the endpoint as last delivered, the in-flight count and
 * the outcome figures.
 *
 * <p>Thread-safe. The endpoint, health and slow-start fields are written only on the balancer's
 * serialized update path; health is volatile because {@link #stats()} reads it from any thread.
 */
final class EndpointState {
  /** Weight of the newest sample in the latency average. */
  static final double LATENCY_EWMA_ALPHA = 0.2;

  private volatile Endpoint endpoint;
  private static final VarHandle IN_FLIGHT;

  static {
    try {
      IN_FLIGHT = MethodHandles.lookup().findVarHandle(EndpointState.class, "inFlight", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Leases open on this endpoint; a field, not an AtomicInteger, so that a pick reads it in one hop. */
  @SuppressWarnings("unused") // updated through IN_FLIGHT
  private volatile int inFlight;
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /**
   * Exponentially weighted average of latencies in nanoseconds, -1 before the first outcome.
   * Updated with a plain read-modify-write: two outcomes that finish at the same moment may lose
   * one sample. That race is accepted; an average has no use for a lock on the outcome path.
   */
  private volatile long latencyEwmaNanos = -1;

  /**
   * Whether the latest outcome said that the endpoint did not answer at all (refused, unreachable,
   * dropped before answering). Written on the outcome path; read when readiness is computed.
   */
  private volatile boolean silent;

  /** The health seen at the last rebuild, null before the first. */
  private volatile @Nullable EndpointHealth health;

  /** When slow start began, valid while {@link #ramping}. Update path only. */
  long rampStartNanos;

  /** Whether the endpoint is in slow start. Update path only. */
  boolean ramping;

  /** Whether slow start should begin as soon as the endpoint is available (it joined late). */
  boolean rampWhenAvailable;

  EndpointState(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Nullable EndpointHealth health() {
    return health;
  }

  void health(EndpointHealth health) {
    this.health = health;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  void endpoint(Endpoint updated) {
    this.endpoint = updated;
  }

  int inFlight() {
    return inFlight;
  }

  void acquired() {
    IN_FLIGHT.getAndAdd(this, 1);
  }

  void released() {
    IN_FLIGHT.getAndAdd(this, -1);
  }

  boolean silent() {
    return silent;
  }

  /** Records an outcome; returns whether the endpoint's {@link #silent()} fact changed. */
  boolean recordOutcome(boolean success, long latencyNanos, boolean silentNow) {
    boolean changed = silent != silentNow;
    if (changed) {
      silent = silentNow;
    }
    (success ? successes : failures).incrementAndGet();
    recordLatency(latencyNanos);
    return changed;
  }

  private void recordLatency(long latencyNanos) {
    long previous = latencyEwmaNanos;
    latencyEwmaNanos =
        previous < 0
            ? latencyNanos
            : (long) (previous + LATENCY_EWMA_ALPHA * (latencyNanos - previous));
  }

  EndpointStats stats() {
    EndpointHealth h = health;
    return new EndpointStats(
        endpoint, h == null ? EndpointHealth.AVAILABLE : h, inFlight, successes.get(), failures.get(),
        latencyEwmaNanos);
  }
}
