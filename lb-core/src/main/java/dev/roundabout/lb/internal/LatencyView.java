package dev.roundabout.lb.internal;

/**
 * What the balancer's ready list shows latency-aware pickers of each endpoint, beyond the public
 * {@code ReadyEndpoints}: its latency estimate (kept per endpoint across snapshots, updated on the
 * outcome path) and the age of its calls in flight. Not part of the API.
 */
public interface LatencyView {
  /** The endpoint's latency estimate in nanoseconds, NaN before its first sample. */
  double latencyEstimate(int index);

  /** When the endpoint's estimate last took a sample (ticker nanoseconds). */
  long estimateStamp(int index);

  /** The mean age at {@code now} of this balancer's calls in flight on the endpoint, 0 if none. */
  long inFlightAgeNanos(int index, long now);

  /**
   * Makes every endpoint of the list learn with time constant {@code decayNanos} and count a
   * failure as at least {@code failurePenaltyNanos}; called by a picker factory as it creates its
   * picker.
   */
  void latencyModel(long decayNanos, long failurePenaltyNanos);
}
