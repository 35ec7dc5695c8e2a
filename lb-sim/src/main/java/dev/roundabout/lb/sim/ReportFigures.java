package dev.roundabout.lb.sim;

import dev.roundabout.lb.HedgingStats;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the quality report keeps of one run (a scenario under a policy): the summary figures of
 * {@link SimulationResult} and the series its charts draw, without the calls themselves (a run's
 * call log is dropped as soon as these are taken). Immutable and thread-safe.
 */
public final class ReportFigures {
  /** The slices of a run that the series are taken over. */
  public static final int BUCKETS = 60;
  /** The latency quantiles kept per slice: p50 and p99. */
  static final double[] QUANTILES = {0.5, 0.99};

  private final Policy policy;
  private final int calls;
  private final double successRate;
  private final double meanMillis;
  private final double p50Millis;
  private final double p99Millis;
  private final double p999Millis;
  private final long[] attemptsPerServer;
  private final double extraAttemptRate;
  private final HedgingStats hedging;
  private final double hedgeRate;
  private final double probesPerCall;
  private final long durationNanos;
  private final double[][] latencyOverTime;
  private final double[][] serverShareOverTime;

  private ReportFigures(SimulationResult r) {
    this.policy = r.policy();
    this.calls = r.calls();
    this.successRate = r.successRate();
    this.meanMillis = r.meanMillis();
    this.p50Millis = r.percentileMillis(0.5);
    this.p99Millis = r.percentileMillis(0.99);
    this.p999Millis = r.percentileMillis(0.999);
    this.attemptsPerServer = r.attemptsPerServer();
    this.extraAttemptRate = r.extraAttemptRate();
    this.hedging = r.hedging();
    this.hedgeRate = r.hedgeRate();
    this.probesPerCall = r.probesPerCall();
    this.durationNanos = r.durationNanos();
    this.latencyOverTime = r.latencyOverTime(BUCKETS, QUANTILES);
    this.serverShareOverTime = r.serverShareOverTime(BUCKETS);
  }

  /** The figures of {@code result}. */
  public static ReportFigures of(SimulationResult result) {
    return new ReportFigures(Objects.requireNonNull(result, "result"));
  }

  /** The policy of the run. */
  public Policy policy() {
    return policy;
  }

  /** The number of calls. */
  public int calls() {
    return calls;
  }

  /** The share of calls that succeeded, 0 to 1. */
  public double successRate() {
    return successRate;
  }

  /** The mean latency of every call, in milliseconds. */
  public double meanMillis() {
    return meanMillis;
  }

  /** The median latency, in milliseconds. */
  public double p50Millis() {
    return p50Millis;
  }

  /** The 99th percentile of latency, in milliseconds. */
  public double p99Millis() {
    return p99Millis;
  }

  /** The 99.9th percentile of latency, in milliseconds. */
  public double p999Millis() {
    return p999Millis;
  }

  /** Attempts each server received, by server index (a copy). */
  public long[] attemptsPerServer() {
    return attemptsPerServer.clone();
  }

  /** The smallest share of all attempts that a server received, 0 to 1. */
  public double minAttemptShare() {
    return attemptShare(true);
  }

  /** The largest share of all attempts that a server received, 0 to 1. */
  public double maxAttemptShare() {
    return attemptShare(false);
  }

  private double attemptShare(boolean min) {
    long total = 0;
    long best = min ? Long.MAX_VALUE : 0;
    for (long a : attemptsPerServer) {
      total += a;
      best = min ? Math.min(best, a) : Math.max(best, a);
    }
    return total == 0 ? 0 : best / (double) total;
  }

  /** Attempts beyond the first, as a share of calls. */
  public double extraAttemptRate() {
    return extraAttemptRate;
  }

  /** What the clients' hedging did ({@link HedgingStats#NONE} without hedging). */
  public HedgingStats hedging() {
    return hedging;
  }

  /** Hedges sent, as a share of calls. */
  public double hedgeRate() {
    return hedgeRate;
  }

  /** Load probes sent, per call (0 unless the policy probes). */
  public double probesPerCall() {
    return probesPerCall;
  }

  /** The run's arrival period, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** The p50 latency of the calls that arrived in each of {@link #BUCKETS} slices, in ms (0: none arrived). */
  public double[] p50OverTime() {
    return quantileOverTime(0);
  }

  /** The p99 latency of the calls that arrived in each of {@link #BUCKETS} slices, in ms (0: none arrived). */
  public double[] p99OverTime() {
    return quantileOverTime(1);
  }

  private double[] quantileOverTime(int q) {
    double[] series = new double[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) {
      series[b] = latencyOverTime[b][q];
    }
    return series;
  }

  /** Each server's share of the calls of each slice, as {@code [bucket][server]} (a copy). */
  public double[][] serverShareOverTime() {
    double[][] copy = new double[serverShareOverTime.length][];
    for (int b = 0; b < copy.length; b++) {
      copy[b] = serverShareOverTime[b].clone();
    }
    return copy;
  }

  /** The number of servers. */
  public int servers() {
    return attemptsPerServer.length;
  }

  @Override
  public String toString() {
    return policy.name() + ": " + calls + " calls, success " + successRate + ", p99 " + p99Millis + " ms, attempts "
        + Arrays.toString(attemptsPerServer);
  }
}
