package dev.roundabout.lb.internal;

/**
 * What the balancer's ready list shows the load-report picker of each endpoint, beyond the public
 * {@code ReadyEndpoints}: the weight its latest load report gives it, and its slow-start ramp. Not
 * part of the API.
 */
public interface ReportView {
  /**
   * The endpoint's weight at {@code now} from its latest load report,
   * {@code rps / (utilization + eps / rps x errorPenalty)}, or 0 when it has no usable report, when
   * its reports began less than {@code blackoutNanos} ago, or when the latest is at least
   * {@code expiryNanos} old (the next report then begins a new blackout). Called on the update
   * path.
   */
  double reportedWeight(int index, long now, long blackoutNanos, long expiryNanos, double errorPenalty);

  /** The slow-start ramp fraction of the endpoint, in (0, 1]; 1 when it is not in slow start. */
  double ramp(int index);
}
