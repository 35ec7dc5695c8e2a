package dev.roundabout.lb.sim;

import dev.roundabout.lb.HedgingStats;
import java.util.Arrays;

/**
 * What a run measured: every call (start, latency, success, the server of its last attempt, its
 * attempts), what hedging did, the load probes sent, and summaries of them. A call's latency runs from its arrival to its end, success or
 * failure (a timeout ends it at the deadline); percentiles are nearest-rank over every call.
 * Immutable once returned; not thread-safe to build.
 */
public final class SimulationResult {
  private final Scenario scenario;
  private final Policy policy;
  private final long seed;
  private final CallLog log;
  private final long durationNanos;
  private final long[] sortedLatencies;
  private final HedgingStats hedging;
  private final long probes;

  SimulationResult(Scenario scenario, Policy policy, long seed, CallLog log, long durationNanos, HedgingStats hedging,
      long probes) {
    this.hedging = hedging;
    this.probes = probes;
    this.scenario = scenario;
    this.policy = policy;
    this.seed = seed;
    this.log = log;
    this.durationNanos = durationNanos;
    long[] latencies = new long[log.size()];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = log.end(i) - log.start(i);
    }
    Arrays.sort(latencies);
    this.sortedLatencies = latencies;
  }

  /** The scenario that ran. */
  public Scenario scenario() {
    return scenario;
  }

  /** The policy the clients used. */
  public Policy policy() {
    return policy;
  }

  /** The seed of the run. */
  public long seed() {
    return seed;
  }

  /** The number of calls. */
  public int calls() {
    return log.size();
  }

  /** The share of calls that succeeded, 0 to 1 (1 when there was no call). */
  public double successRate() {
    int n = log.size();
    if (n == 0) {
      return 1;
    }
    int ok = 0;
    for (int i = 0; i < n; i++) {
      if (log.success(i)) {
        ok++;
      }
    }
    return ok / (double) n;
  }

  /** The mean latency of every call, in milliseconds. */
  public double meanMillis() {
    if (sortedLatencies.length == 0) {
      return 0;
    }
    double sum = 0;
    for (long l : sortedLatencies) {
      sum += l;
    }
    return sum / sortedLatencies.length / 1e6;
  }

  /**
   * The latency at quantile {@code q} (0.99 for p99) over every call, in milliseconds.
   *
   * @throws IllegalArgumentException if {@code q} is not in (0, 1]
   */
  public double percentileMillis(double q) {
    return percentile(sortedLatencies, q) / 1e6;
  }

  static double percentile(long[] sorted, double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q: " + q + " (expected: more than 0, at most 1)");
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  /** Attempts each server received (first attempts and retries), by server index. */
  public long[] attemptsPerServer() {
    return log.attemptsPerServer();
  }

  /** Attempts beyond the first, as a share of calls (0.05: 5% extra load). */
  public double extraAttemptRate() {
    long attempts = 0;
    for (long a : log.attemptsPerServer()) {
      attempts += a;
    }
    return log.size() == 0 ? 0 : (attempts - log.size()) / (double) log.size();
  }

  /** What the clients' hedging did, added up over the clients ({@link HedgingStats#NONE} without hedging). */
  public HedgingStats hedging() {
    return hedging;
  }

  /** Hedges sent, as a share of calls (0.05: 5% extra load). */
  public double hedgeRate() {
    return log.size() == 0 ? 0 : hedging.sent() / (double) log.size();
  }

  /** The load probes the clients sent (0 unless the policy {@linkplain Policy#isProbing() probes}). */
  public long probes() {
    return probes;
  }

  /** Load probes sent, per call (1.0: as many probes as calls; 0 when there was no call). */
  public double probesPerCall() {
    return log.size() == 0 ? 0 : probes / (double) log.size();
  }

  /** When call {@code i} arrived, in nanoseconds from the start. */
  public long callStartNanos(int i) {
    return log.start(i);
  }

  /** How long call {@code i} took, in nanoseconds. */
  public long callLatencyNanos(int i) {
    return log.end(i) - log.start(i);
  }

  /** Whether call {@code i} succeeded. */
  public boolean callSucceeded(int i) {
    return log.success(i);
  }

  /** The server of call {@code i}'s last attempt, -1 if it made none. */
  public int callServer(int i) {
    return log.server(i);
  }

  /** How many attempts call {@code i} made. */
  public int callAttempts(int i) {
    return log.attempts(i);
  }

  /** The run's arrival period, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /**
   * The calls that arrived in each of {@code buckets} equal slices of the run: latency quantiles
   * {@code qs} (in milliseconds) per slice, as {@code [bucket][q]}; 0 for an empty slice.
   */
  public double[][] latencyOverTime(int buckets, double... qs) {
    long[][] byBucket = bucketLatencies(buckets);
    double[][] result = new double[buckets][qs.length];
    for (int b = 0; b < buckets; b++) {
      Arrays.sort(byBucket[b]);
      for (int k = 0; k < qs.length; k++) {
        result[b][k] = percentile(byBucket[b], qs[k]) / 1e6;
      }
    }
    return result;
  }

  /** Each server's share of the calls that arrived in each slice, as {@code [bucket][server]}, 0 to 1. */
  public double[][] serverShareOverTime(int buckets) {
    int servers = log.servers();
    double[][] share = new double[buckets][servers];
    int[] totals = new int[buckets];
    for (int i = 0; i < log.size(); i++) {
      int b = bucketOf(log.start(i), buckets);
      int s = log.server(i);
      if (s >= 0) {
        share[b][s]++;
        totals[b]++;
      }
    }
    for (int b = 0; b < buckets; b++) {
      for (int s = 0; s < servers; s++) {
        share[b][s] = totals[b] == 0 ? 0 : share[b][s] / totals[b];
      }
    }
    return share;
  }

  private long[][] bucketLatencies(int buckets) {
    int[] counts = new int[buckets];
    for (int i = 0; i < log.size(); i++) {
      counts[bucketOf(log.start(i), buckets)]++;
    }
    long[][] byBucket = new long[buckets][];
    for (int b = 0; b < buckets; b++) {
      byBucket[b] = new long[counts[b]];
      counts[b] = 0;
    }
    for (int i = 0; i < log.size(); i++) {
      int b = bucketOf(log.start(i), buckets);
      byBucket[b][counts[b]++] = log.end(i) - log.start(i);
    }
    return byBucket;
  }

  private int bucketOf(long start, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets: " + buckets + " (expected: 1 or more)");
    }
    return (int) Math.min(buckets - 1, Math.max(0, start * buckets / Math.max(1, durationNanos)));
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%s / %s: %d calls, %.3f%% ok, mean %.2f ms, p50 %.2f, p99 %.2f, p99.9 %.2f ms",
        scenario.name(), policy.name(), calls(), 100 * successRate(), meanMillis(), percentileMillis(0.5),
        percentileMillis(0.99), percentileMillis(0.999));
  }
}
