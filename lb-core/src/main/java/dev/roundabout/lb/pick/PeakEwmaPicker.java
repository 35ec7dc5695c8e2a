package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.Ticker;
import dev.roundabout.lb.internal.Decay;
import dev.roundabout.lb.internal.LatencyView;
import dev.roundabout.lb.internal.PickTrace;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Peak EWMA as Finagle and Linkerd publish it, the reference for latency-aware picking: two
 * distinct endpoints at random, and the one with the lower {@code latency x (inFlight + 1)}, where
 * the latency estimate takes any sample above it at once and otherwise decays toward the samples,
 * and, between samples, toward zero with time constant {@code decay} (as Finagle reads its cost).
 * An endpoint without a sample costs nothing unless it has calls in flight, then a large penalty.
 */
final class PeakEwmaPicker implements PickTrace.Explaining {
  /** What an endpoint with calls in flight and no latency estimate costs (Finagle's penalty). */
  static final double PENALTY = Integer.MAX_VALUE;

  private final ReadyEndpoints ready;
  private final LatencyView latencies;
  private final RandomGenerator random;
  private final Ticker ticker;
  private final int[] weights;
  private final double decayNanos;
  private final boolean ramping;

  PeakEwmaPicker(ReadyEndpoints ready, long decayNanos) {
    this.ready = ready;
    this.latencies = (LatencyView) ready;
    this.random = ready.random();
    this.ticker = ready.ticker();
    this.weights = Loads.weights(ready);
    this.decayNanos = decayNanos;
    this.ramping = ready.ramping();
    latencies.latencyModel(decayNanos, 0);
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.scoredBy("cost", true);
    trace.rule("the lower latency x (inFlight + 1) / weight of two random candidates");
    return choose(trace);
  }

  private int choose(@Nullable PickTrace trace) {
    int n = weights.length;
    if (n == 1) {
      if (trace != null) {
        trace.onlyEndpoint(Double.NaN);
      }
      return 0;
    }
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    long now = ticker.read();
    double costA = cost(a, now);
    double costB = cost(b, now);
    if (trace != null) {
      trace.candidate(a, costA);
      trace.candidate(b, costB);
    }
    int lighter = costB < costA ? b : a;
    if (!ramping || ready.admit(lighter)) {
      return lighter;
    }
    int other = lighter == a ? b : a;
    if (trace != null) {
      trace.rule("slow start turned the cheaper away: the other candidate, if admitted");
    }
    return ready.admit(other) ? other : lighter;
  }

  private double cost(int i, long now) {
    int inFlight = ready.inFlight(i);
    double estimate = latencies.latencyEstimate(i);
    double decayed = Double.isNaN(estimate)
        ? 0 : estimate * Decay.keep(now - latencies.estimateStamp(i), decayNanos);
    if (decayed == 0 && inFlight > 0) {
      return PENALTY / weights[i];
    }
    return decayed * (inFlight + 1) / weights[i];
  }
}
