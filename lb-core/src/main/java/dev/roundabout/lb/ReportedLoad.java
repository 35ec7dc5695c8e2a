package dev.roundabout.lb;

import org.jspecify.annotations.Nullable;

/**
 * The load one backend last reported ({@link Lease#loadReport}), kept with its endpoint's state
 * across snapshots: the latest report that can weigh the endpoint, when it came, and since when
 * reports have come without a gap longer than their expiry (for the blackout of new reports).
 *
 * <p>Thread-safe. Reports are written on the outcome path with plain volatile writes; two reports
 * arriving at once may keep either one, and a report that arrives while the update path marks the
 * endpoint's reports expired may restart its blackout. Both races are accepted: a report is a
 * sample of a figure that changes slowly, and the next one corrects either.
 */
final class ReportedLoad {
  private volatile @Nullable LoadReport latest;
  /** When {@link #latest} arrived (ticker nanoseconds). */
  private volatile long lastUpdated;
  /** When the current run of reports began; meaningful while {@link #active}. */
  private volatile long nonEmptySince;
  /** Whether reports are coming: a usable report arrived and has not expired since. */
  private volatile boolean active;

  /**
   * Records {@code report}, which arrived at {@code now}. A report without utilisation or without
   * requests cannot weigh the endpoint and is ignored, as gRPC ignores it.
   */
  void record(LoadReport report, long now) {
    if (!(report.utilization() > 0 && report.rps() > 0)) {
      return;
    }
    if (!active) {
      nonEmptySince = now;
      active = true;
    }
    latest = report;
    lastUpdated = now;
  }

  /**
   * The weight of the endpoint at {@code now}: {@code rps / (utilization + eps / rps x penalty)}
   * from its latest report, or 0 when it has none, when its reports are newer than the blackout
   * (they began less than {@code blackoutNanos} ago) or when the latest is older than
   * {@code expiryNanos}. An expired endpoint's next report begins a new blackout. Called on the
   * update path.
   */
  double weight(long now, long blackoutNanos, long expiryNanos, double errorPenalty) {
    LoadReport report = latest;
    if (report == null || !active) {
      return 0;
    }
    if (now - lastUpdated >= expiryNanos) {
      active = false;
      return 0;
    }
    if (blackoutNanos > 0 && now - nonEmptySince < blackoutNanos) {
      return 0;
    }
    double rps = report.rps();
    double penalty = report.eps() > 0 && errorPenalty > 0 ? report.eps() / rps * errorPenalty : 0;
    return rps / (report.utilization() + penalty);
  }
}
