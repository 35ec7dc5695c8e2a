package dev.roundabout.lb.pick;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;

import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;

/**
 * The built-in picker factories, for {@code dev.roundabout.lb.Pickers}; not part of the API (this
 * package is not exported).
 */
public final class BuiltinPickers {
  private BuiltinPickers() {}

  /** See {@link RoundRobinPicker}. */
  public static PickerFactory roundRobin() {
    return RoundRobinPicker.FACTORY;
  }

  /** See {@link WeightedRoundRobinPicker}. */
  public static PickerFactory weightedRoundRobin() {
    return WeightedRoundRobinPicker.FACTORY;
  }

  /** See {@link RandomPicker}. */
  public static PickerFactory random() {
    return RandomPicker.FACTORY;
  }

  /** See {@link WeightedRandomPicker}. */
  public static PickerFactory weightedRandom() {
    return WeightedRandomPicker.FACTORY;
  }

  /** See {@link LeastConnectionsPicker}. */
  public static PickerFactory leastConnections() {
    return LeastConnectionsPicker.FACTORY;
  }

  /** See {@link PowerOfTwoChoicesPicker}. */
  public static PickerFactory powerOfTwoChoices() {
    return PowerOfTwoChoicesPicker.FACTORY;
  }

  /**
   * See {@link PeakEwmaPicker}. The list must be the balancer's own (it shows the latencies);
   * {@code decayNanos} positive.
   */
  public static PickerFactory peakEwma(long decayNanos) {
    return ready -> new PeakEwmaPicker(latencyAware(ready), decayNanos);
  }

  /** See {@link AdaptivePicker}; {@code candidates} of 2 or more, or {@link Integer#MAX_VALUE} to scan. */
  public static PickerFactory adaptive(long decayNanos, long failurePenaltyNanos, int candidates) {
    return ready -> new AdaptivePicker(latencyAware(ready), decayNanos, failurePenaltyNanos, candidates);
  }

  /**
   * See {@link ReportedLoadPicker}. The list must be the balancer's own (it shows the reports);
   * durations in nanoseconds, positive but {@code blackoutNanos}, which may be 0.
   */
  public static PickerFactory reportedLoad(long blackoutNanos, long expiryNanos, long periodNanos, double errorPenalty) {
    return ready -> new ReportedLoadPicker(reportAware(ready), blackoutNanos, expiryNanos, periodNanos, errorPenalty);
  }

  /**
   * See {@link PrequalPicker}. The list must be the balancer's own (it shows the calls that
   * ended); options checked by the caller.
   */
  public static PickerFactory prequal(dev.roundabout.lb.LoadProbe probe, double probesPerCall, int poolSize,
      long maxAgeNanos, double hotQuantile, java.time.Duration probeTimeout, int reuse) {
    PrequalPicker.Options options =
        new PrequalPicker.Options(probe, probesPerCall, poolSize, maxAgeNanos, hotQuantile, probeTimeout, reuse);
    return ready -> new PrequalPicker(probeAware(ready), options);
  }

  private static ReadyEndpoints probeAware(ReadyEndpoints ready) {
    if (!(ready instanceof dev.roundabout.lb.internal.ProbeView)) {
      throw new IllegalArgumentException("ready: " + ready
          + " (expected: the ready list of a LoadBalancer, which counts each endpoint's calls)");
    }
    return ready;
  }

  private static ReadyEndpoints reportAware(ReadyEndpoints ready) {
    if (!(ready instanceof dev.roundabout.lb.internal.ReportView)) {
      throw new IllegalArgumentException("ready: " + ready
          + " (expected: the ready list of a LoadBalancer, which keeps each endpoint's load reports)");
    }
    return ready;
  }

  private static ReadyEndpoints latencyAware(ReadyEndpoints ready) {
    if (!(ready instanceof dev.roundabout.lb.internal.LatencyView)) {
      throw new IllegalArgumentException("ready: " + ready
          + " (expected: the ready list of a LoadBalancer, which keeps each endpoint's latency)");
    }
    return ready;
  }

  /** The default number of ring points per unit of weight of {@link #ringHash}. */
  public static final int DEFAULT_POINTS_PER_WEIGHT = RingHashPicker.DEFAULT_POINTS_PER_WEIGHT;

  /** The default maximum number of points of {@link #ringHash}. */
  public static final int DEFAULT_RING_SIZE = RingHashPicker.DEFAULT_RING_SIZE;

  /** The default table size of {@link #maglev}. */
  public static final int DEFAULT_TABLE_SIZE = MaglevPicker.DEFAULT_TABLE_SIZE;

  /** No load bound. */
  public static final double UNBOUNDED = 0;

  /** See {@link RingHashPicker}; {@code loadFactor} is {@link #UNBOUNDED} or checked by {@link #checkLoadFactor}. */
  public static PickerFactory ringHash(int pointsPerWeight, int ringSize, double loadFactor) {
    checkPointsPerWeight(pointsPerWeight);
    checkRingSize(ringSize);
    return ready -> new RingHashPicker(ready, pointsPerWeight, ringSize, loadFactor);
  }

  /** See {@link MaglevPicker}. */
  public static PickerFactory maglev(int tableSize, double loadFactor) {
    checkTableSize(tableSize);
    return ready -> new MaglevPicker(ready, tableSize, loadFactor);
  }

  /** See {@link RendezvousPicker}. */
  public static PickerFactory rendezvous(double loadFactor) {
    return ready -> new RendezvousPicker(ready, loadFactor);
  }

  /** Checks a number of ring points per unit of weight: 1 to 65,536. */
  public static int checkPointsPerWeight(int points) {
    return checkInRange(points, 1, RingHashPicker.MAX_POINTS_PER_WEIGHT, "pointsPerWeight");
  }

  /** Checks a ring size: 1 to 2^23 points. */
  public static int checkRingSize(int ringSize) {
    return checkInRange(ringSize, 1, RingHashPicker.MAX_RING_SIZE, "ringSize");
  }

  /** Checks a Maglev table size: a prime up to 16,777,213; the message suggests the next prime. */
  public static int checkTableSize(int tableSize) {
    checkArgument(
        tableSize <= MaglevPicker.MAX_TABLE_SIZE, "tableSize", tableSize,
        "a prime up to " + MaglevPicker.MAX_TABLE_SIZE + ", such as 65537 or 131071");
    checkArgument(isPrime(tableSize), "tableSize", tableSize, "a prime, such as " + nextPrime(tableSize));
    return tableSize;
  }

  /** Checks a bounded-load factor {@code c}: finite and above 1. */
  public static double checkLoadFactor(double c) {
    checkArgument(c > 1 && c < Double.POSITIVE_INFINITY, "boundedLoad", c, "a finite number above 1, such as 1.25");
    return c;
  }

  static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  static int nextPrime(int n) {
    int candidate = Math.max(2, n);
    while (!isPrime(candidate)) {
      candidate++;
    }
    return candidate;
  }
}
