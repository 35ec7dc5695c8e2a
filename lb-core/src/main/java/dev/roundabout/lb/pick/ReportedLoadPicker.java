package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import dev.roundabout.lb.internal.RefreshingPicker;
import dev.roundabout.lb.internal.ReportView;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Weighted round robin by the load servers report, as gRPC's weighted round robin weighs them: an
 * endpoint's weight is {@code rps / (utilization + eps / rps x errorPenalty)} from its latest
 * report, that is the requests it serves per unit of utilisation (its capacity as it sees it),
 * less for errors.
 *
 * <p>An endpoint has no weight until its reports have come for the blackout period (a server
 * that just started reports figures of an empty window), nor once its latest report is older than
 * the expiry; an endpoint without weight counts as the mean of the others', and when none has
 * one every endpoint counts alike (round robin). Weights are kept within {@value #MAX_RATIO} times
 * the mean above and a tenth of it below, so that no endpoint is starved or flooded by one odd
 * report. Slow start multiplies an endpoint's weight by its ramp fraction. Configured endpoint
 * weights are not read: the reports say what each server can take.
 *
 * <p>Weights are recomputed every update period on the balancer's update path ({@link #refresh});
 * each recomputation that changes them publishes a new {@link WeightedRoundRobinPicker} schedule
 * through one volatile field, continuing the rotation. A pick reads that field and picks from the
 * schedule: O(1), lock-free, allocation-free.
 */
final class ReportedLoadPicker implements RefreshingPicker, Rotation.Rotating, PickTrace.Explaining {
  /** How far above the mean weight an endpoint's weight may go, and the inverse of how far below. */
  static final double MAX_RATIO = 10;
  /** The integer weight of the heaviest endpoint in the schedule: weights are exact to 0.1% of it. */
  static final int RESOLUTION = 1000;

  private final ReadyEndpoints ready;
  private final ReportView reports;
  private final long blackoutNanos;
  private final long expiryNanos;
  private final long periodNanos;
  private final double errorPenalty;
  // Update path only: scratch for the recomputation and the weights of the current schedule.
  private final double[] reported;
  private final int[] scaled;
  private int @Nullable [] current;
  private volatile Rotation.Rotating schedule;

  ReportedLoadPicker(ReadyEndpoints ready, long blackoutNanos, long expiryNanos, long periodNanos, double errorPenalty) {
    this.ready = ready;
    this.reports = (ReportView) ready;
    this.blackoutNanos = blackoutNanos;
    this.expiryNanos = expiryNanos;
    this.periodNanos = periodNanos;
    this.errorPenalty = errorPenalty;
    this.reported = new double[ready.size()];
    this.scaled = new int[ready.size()];
    recompute(ready.ticker().read());
    this.schedule = WeightedRoundRobinPicker.over(scaled, ready.previous(), ready.random());
  }

  @Override
  public int pick(PickContext context) {
    return schedule.pick(context);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    return trace.chose(schedule.pick(context),
        "the owner of the next point of the rotation weighted by the load endpoints report");
  }

  @Override
  public Rotation rotation() {
    return schedule.rotation();
  }

  @Override
  public long refresh(long now) {
    if (recompute(now)) {
      schedule = WeightedRoundRobinPicker.over(scaled, schedule, ready.random());
    }
    return periodNanos;
  }

  /** The weights at {@code now}, scaled to integers; for tests. */
  int[] weights(long now) {
    refresh(now);
    return scaled.clone();
  }

  /** Computes the weights at {@code now} into {@link #scaled}; returns whether they changed. */
  private boolean recompute(long now) {
    int n = reported.length;
    double sum = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
      double w = reports.reportedWeight(i, now, blackoutNanos, expiryNanos, errorPenalty);
      reported[i] = w > 0 && Double.isFinite(w) ? w : 0;
      if (reported[i] > 0) {
        sum += reported[i];
        count++;
      }
    }
    double mean = count == 0 ? 1 : sum / count;
    double max = 0;
    for (int i = 0; i < n; i++) {
      double w = reported[i] > 0 ? Math.min(MAX_RATIO * mean, Math.max(mean / MAX_RATIO, reported[i])) : mean;
      reported[i] = w * reports.ramp(i);
      max = Math.max(max, reported[i]);
    }
    for (int i = 0; i < n; i++) {
      scaled[i] = (int) Math.max(1, Math.round(reported[i] / max * RESOLUTION));
    }
    if (Arrays.equals(scaled, current)) {
      return false;
    }
    current = scaled.clone();
    return true;
  }
}
