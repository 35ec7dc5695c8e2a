package dev.roundabout.lb;

import dev.roundabout.lb.internal.LatencyView;
import dev.roundabout.lb.internal.ProbeView;
import dev.roundabout.lb.internal.ReportView;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ReadyEndpoints} of one snapshot: arrays indexed as the picker's result, the endpoints
 * as delivered in this list and the live state of the same backends.
 *
 * <p>Thread-safe once published. {@link #previous} is set only while the factory runs, then
 * cleared, so that pickers do not chain every earlier picker in memory.
 */
final class ReadyList implements ReadyEndpoints, LatencyView, ReportView, ProbeView {
  private final String balancerName;
  final EndpointState[] states;
  final Endpoint[] endpoints;
  private final int[] weights;
  private final int[] effectiveWeights;
  private final double @Nullable [] ramp; // per index, in (0, 1]; null when no endpoint ramps
  private final Map<String, Integer> indexByAddress;
  private final RandomGenerator random;
  private final Ticker ticker;
  private @Nullable Picker previous;

  ReadyList(
      String balancerName,
      EndpointState[] states,
      Endpoint[] endpoints,
      RandomGenerator random,
      Ticker ticker,
      @Nullable Picker previous,
      double @Nullable [] ramp) {
    this.balancerName = balancerName;
    this.states = states;
    this.endpoints = endpoints;
    this.weights = new int[endpoints.length];
    Map<String, Integer> indexes = new HashMap<>();
    for (int i = 0; i < endpoints.length; i++) {
      weights[i] = endpoints[i].weight();
      indexes.put(endpoints[i].address(), i);
    }
    this.indexByAddress = Map.copyOf(indexes);
    this.ramp = ramp;
    if (ramp == null) {
      this.effectiveWeights = weights;
    } else {
      this.effectiveWeights = new int[endpoints.length];
      for (int i = 0; i < endpoints.length; i++) {
        effectiveWeights[i] = (int) Math.max(1, Math.round(weights[i] * 100 * ramp[i]));
      }
    }
    this.random = random;
    this.ticker = ticker;
    this.previous = previous;
  }

  /** The index of the endpoint at {@code address} ({@code host:port}), or -1 if it is not ready. */
  int indexOf(String address) {
    Integer index = indexByAddress.get(address);
    return index == null ? -1 : index;
  }

  void clearPrevious() {
    previous = null;
  }

  @Override
  public String balancerName() {
    return balancerName;
  }

  @Override
  public int size() {
    return states.length;
  }

  @Override
  public Endpoint endpoint(int index) {
    return endpoints[index];
  }

  @Override
  public int weight(int index) {
    return weights[index];
  }

  @Override
  public int effectiveWeight(int index) {
    return effectiveWeights[index];
  }

  @Override
  public boolean admit(int index) {
    double[] r = ramp;
    return r == null || r[index] >= 1 || random.nextDouble() < r[index];
  }

  @Override
  public boolean ramping() {
    return ramp != null;
  }

  /** The ramp fractions by index, or null when no endpoint is in slow start; not to be modified. */
  double @Nullable [] rampArray() {
    return ramp;
  }

  @Override
  public double ramp(int index) {
    return ramp == null ? 1 : ramp[index];
  }

  @Override
  public int inFlight(int index) {
    return states[index].inFlight();
  }

  @Override
  public double latencyEstimate(int index) {
    return states[index].latencyEstimate();
  }

  @Override
  public long estimateStamp(int index) {
    return states[index].estimateStamp();
  }

  @Override
  public long inFlightAgeNanos(int index, long now) {
    return states[index].inFlightAgeNanos(now);
  }

  @Override
  public void latencyModel(long decayNanos, long failurePenaltyNanos) {
    for (EndpointState state : states) {
      state.latencyModel(decayNanos, failurePenaltyNanos);
    }
  }

  @Override
  public double reportedWeight(int index, long now, long blackoutNanos, long expiryNanos, double errorPenalty) {
    return states[index].reportedLoad.weight(now, blackoutNanos, expiryNanos, errorPenalty);
  }

  @Override
  public long callsEnded(int index) {
    return states[index].callsEnded();
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public @Nullable Picker previous() {
    return previous;
  }
}
