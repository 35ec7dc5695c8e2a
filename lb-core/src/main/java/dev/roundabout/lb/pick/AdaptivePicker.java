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
 * The library's latency-aware picker, from what one client sees of each endpoint: its latency
 * estimate (peak-sensitive, decaying), the mean age of its calls in flight (an endpoint that has
 * stopped answering looks slow before any answer comes back), its calls in flight, and its failures
 * (a failure costs at least the failure penalty, so an endpoint that fails fast never looks fast).
 *
 * <p>An endpoint's expected delay is {@code max(estimate, age) x (inFlight + 1)}. Weights do not
 * divide it: latencies already tell a fast endpoint from a slow one, and dividing by weight would
 * send every client with no call in flight to the heaviest endpoints. Between
 * samples an estimate drifts toward the reference (the mean estimate of the endpoints compared), not
 * toward zero: an endpoint that was slow is tried again as an average one after a while, never as
 * the best one, so clients do not flood it. The drift's time constant is the pool's own time scale,
 * {@link #AGING} times the reference, at most {@code decay}: knowledge of an endpoint is as old as
 * a few of its calls, whatever the latencies' scale, and any decay from seconds up behaves alike.
 * An endpoint without a sample counts as the reference. Pools up to {@link #SCAN_LIMIT} endpoints are scanned
 * for the least delay; larger ones compare {@code candidates} endpoints drawn at random (by default
 * {@link #LARGE_POOL_CANDIDATES}).
 */
final class AdaptivePicker implements PickTrace.Explaining {
  /** The largest pool scanned in full. */
  static final int SCAN_LIMIT = 32;
  /** How many random candidates a larger pool compares when no count is set. */
  static final int LARGE_POOL_CANDIDATES = 2;
  /** How many typical call durations an estimate takes to drift most of the way to the reference. */
  static final double AGING = 5;

  private final ReadyEndpoints ready;
  private final LatencyView latencies;
  private final RandomGenerator random;
  private final Ticker ticker;
  private final int[] weights;
  private final double decayNanos;
  private final int candidates;
  private final boolean ramping;

  AdaptivePicker(ReadyEndpoints ready, long decayNanos, long failurePenaltyNanos, int candidates) {
    this.ready = ready;
    this.latencies = (LatencyView) ready;
    this.random = ready.random();
    this.ticker = ready.ticker();
    this.weights = Loads.weights(ready);
    this.decayNanos = decayNanos;
    this.candidates = candidates;
    this.ramping = ready.ramping();
    latencies.latencyModel(decayNanos, failurePenaltyNanos);
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.scoredBy("expected delay", true);
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
    long now = ticker.read();
    return n <= SCAN_LIMIT && candidates >= n ? scan(n, now, trace) : sample(n, now, trace);
  }

  /**
   * The least expected delay over every endpoint, ties at random. Costs are compared as fractions
   * ({@link #costNumerator} over {@link #costDenominator}), so that the scan divides by nothing
   * but the in-flight ages of busy endpoints.
   */
  private int scan(int n, long now, @Nullable PickTrace trace) {
    if (trace != null) {
      trace.rule("the least expected delay = max(latency, age of calls in flight) x (inFlight + 1) of all, ties at random");
    }
    double reference = reference(0, n);
    double inverseTau = 1 / tau(reference);
    int best = -1;
    double bestNumerator = Double.MAX_VALUE;
    double bestDenominator = 1;
    int ties = 0;
    int start = random.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      if (ramping && !ready.admit(i)) {
        continue;
      }
      double denominator = costDenominator(i, inverseTau, now);
      double numerator = costNumerator(i, reference, denominator, now);
      if (trace != null) {
        trace.candidate(i, numerator / denominator);
      }
      double left = numerator * bestDenominator;
      double right = bestNumerator * denominator;
      if (left < right) {
        best = i;
        bestNumerator = numerator;
        bestDenominator = denominator;
        ties = 1;
      } else if (left == right && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    return best >= 0 ? best : start;
  }

  /**
   * The least expected delay of {@code candidates} endpoints drawn at random (two distinct ones
   * first; more may repeat), among those slow start admits when it can.
   */
  private int sample(int n, long now, @Nullable PickTrace trace) {
    if (trace != null) {
      trace.rule("the least expected delay = max(latency, age of calls in flight) x (inFlight + 1) of random candidates");
    }
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    int k = Math.min(candidates == Integer.MAX_VALUE ? LARGE_POOL_CANDIDATES : candidates, n);
    double reference = mean(a, b);
    double inverseTau = 1 / tau(reference);
    int best = a;
    double bestDenominator = costDenominator(a, inverseTau, now);
    double bestNumerator = costNumerator(a, reference, bestDenominator, now);
    if (trace != null) {
      trace.candidate(a, bestNumerator / bestDenominator);
    }
    for (int c = 1; c < k; c++) {
      int i = c == 1 ? b : random.nextInt(n);
      double denominator = costDenominator(i, inverseTau, now);
      double numerator = costNumerator(i, reference, denominator, now);
      if (trace != null) {
        trace.candidate(i, numerator / denominator);
      }
      if (numerator * bestDenominator < bestNumerator * denominator || (ramping && !ready.admit(best))) {
        best = i;
        bestNumerator = numerator;
        bestDenominator = denominator;
      }
    }
    return best;
  }

  /** The mean estimate of the sampled endpoints among {@code [from, to)}, 0 if none has one. */
  private double reference(int from, int to) {
    double sum = 0;
    int count = 0;
    for (int i = from; i < to; i++) {
      double e = latencies.latencyEstimate(i);
      if (!Double.isNaN(e)) {
        sum += e;
        count++;
      }
    }
    return count == 0 ? 0 : sum / count;
  }

  private double mean(int a, int b) {
    double ea = latencies.latencyEstimate(a);
    double eb = latencies.latencyEstimate(b);
    if (Double.isNaN(ea)) {
      return Double.isNaN(eb) ? 0 : eb;
    }
    return Double.isNaN(eb) ? ea : (ea + eb) / 2;
  }

  /** Knowledge ages on the pool's own time scale: a few typical call durations, at most decay. */
  private double tau(double reference) {
    return reference > 0 ? Math.min(decayNanos, AGING * reference) : decayNanos;
  }

  /**
   * The denominator of endpoint {@code i}'s cost: how much its estimate has decayed toward the
   * reference ({@code 1 / keep}), 1 without an estimate.
   */
  private double costDenominator(int i, double inverseTau, long now) {
    return Double.isNaN(latencies.latencyEstimate(i))
        ? 1
        : Decay.growth(now - latencies.estimateStamp(i), inverseTau);
  }

  /**
   * The numerator of endpoint {@code i}'s cost: over {@code denominator}, its expected delay,
   * {@code max(expected, age) x (inFlight + 1)}, where the expected latency is its estimate
   * drifted toward {@code reference} ({@code reference + (estimate - reference) x keep}).
   */
  private double costNumerator(int i, double reference, double denominator, long now) {
    double estimate = latencies.latencyEstimate(i);
    double expected = Double.isNaN(estimate) ? reference : reference * denominator + (estimate - reference);
    double age = latencies.inFlightAgeNanos(i, now);
    return Math.max(expected, age * denominator) * (ready.inFlight(i) + 1);
  }
}
