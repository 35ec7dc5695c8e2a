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

  /** The default time constant of the latency estimate: 10 seconds. */
  static final long DEFAULT_DECAY_NANOS = 10_000_000_000L;

  private volatile Endpoint endpoint;
  private static final VarHandle IN_FLIGHT;
  private static final VarHandle STARTS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      IN_FLIGHT = lookup.findVarHandle(EndpointState.class, "inFlight", int.class);
      STARTS = lookup.findVarHandle(EndpointState.class, "inFlightStarts", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The sum of the start times (ticker nanoseconds) of the leases open on this endpoint: with
   * {@link #inFlight} it gives their mean age without a list. Sums of ticker values may wrap; the
   * mean age is computed from differences, which stay right.
   */
  @SuppressWarnings("unused") // updated through STARTS
  private volatile long inFlightStarts;

  /**
   * A peak-sensitive, time-decayed estimate of this endpoint's latency in nanoseconds (NaN before
   * the first sample): a sample above it replaces it; below it, it moves toward the sample by
   * {@code 1 - exp(-elapsed / decay)}. Failures count as at least the failure penalty. Updated with
   * plain read-modify-writes on the outcome path: two outcomes finishing at once may lose a
   * sample; accepted, as for the average above.
   */
  private volatile double latencyEstimate = Double.NaN;
  /** When {@link #latencyEstimate} last took a sample (ticker nanoseconds). */
  private volatile long estimateStamp;
  /** The time constant of {@link #latencyEstimate}, set by the picker that reads it. */
  private volatile long decayNanos = DEFAULT_DECAY_NANOS;
  /** What a failure costs at least, in nanoseconds, set by the picker that reads it. */
  private volatile long failurePenaltyNanos;

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

  /** What the backend last said of its own load, for the load-report picker. */
  final ReportedLoad reportedLoad = new ReportedLoad();

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

  /** The calls that ended in a success or a failure. */
  long callsEnded() {
    return successes.get() + failures.get();
  }

  void acquired(long startNanos) {
    STARTS.getAndAdd(this, startNanos);
    IN_FLIGHT.getAndAdd(this, 1);
  }

  void released(long startNanos) {
    IN_FLIGHT.getAndAdd(this, -1);
    STARTS.getAndAdd(this, -startNanos);
  }

  /**
   * The mean age at {@code now} of the leases open on this endpoint, 0 when none is. The two
   * fields are read apart: a lease opened or closed between the reads skews one answer.
   */
  long inFlightAgeNanos(long now) {
    int n = inFlight;
    if (n <= 0) {
      return 0;
    }
    long starts = inFlightStarts;
    long age = (now * (long) n - starts) / n; // differences of ticker values: wrapping is harmless
    return Math.max(0, age);
  }

  /** The latency estimate in nanoseconds, NaN before the first sample. */
  double latencyEstimate() {
    return latencyEstimate;
  }

  /** When the latency estimate last took a sample. */
  long estimateStamp() {
    return estimateStamp;
  }

  /** Drops the latency estimate: the next sample starts it afresh. */
  void forgetLatency() {
    latencyEstimate = Double.NaN;
  }

  /** Sets how the latency estimate learns: its time constant and the least a failure costs. */
  void latencyModel(long decay, long failurePenalty) {
    this.decayNanos = decay;
    this.failurePenaltyNanos = failurePenalty;
  }

  private void observeLatency(long latencyNanos, boolean success, long now) {
    double sample = success ? latencyNanos : Math.max(latencyNanos, failurePenaltyNanos);
    double previous = latencyEstimate;
    if (Double.isNaN(previous) || sample >= previous) {
      latencyEstimate = sample; // a peak replaces the estimate at once
    } else {
      long elapsed = Math.max(0, now - estimateStamp);
      double keep = dev.roundabout.lb.internal.Decay.keep(elapsed, (double) decayNanos);
      latencyEstimate = previous * keep + sample * (1 - keep);
    }
    estimateStamp = now;
  }

  /**
   * A lower bound of a latency (an abandoned call ran this long without an answer): raises the
   * estimate to it when it is above, and never lowers it.
   */
  void observeAtLeast(long latencyNanos, long now) {
    double previous = latencyEstimate;
    if (Double.isNaN(previous) || latencyNanos > previous) {
      latencyEstimate = latencyNanos;
      estimateStamp = now;
    }
  }

  boolean silent() {
    return silent;
  }

  /** Records an outcome; returns whether the endpoint's {@link #silent()} fact changed. */
  boolean recordOutcome(boolean success, long latencyNanos, boolean silentNow, long now) {
    boolean changed = silent != silentNow;
    if (changed) {
      silent = silentNow;
    }
    (success ? successes : failures).incrementAndGet();
    recordLatency(latencyNanos);
    observeLatency(latencyNanos, success, now);
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
    return stats(h == null ? EndpointHealth.AVAILABLE : h);
  }

  /** The figures read now, with {@code health} as a snapshot saw it. */
  EndpointStats stats(EndpointHealth health) {
    return new EndpointStats(endpoint, health, inFlight, successes.get(), failures.get(), latencyEwmaNanos);
  }
}
