package dev.roundabout.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The figures of one run of the demo, and how they are printed. */
final class DemoResult {
  final String picker;
  final long requests;
  final long failed;
  final long retries;
  final double p50;
  final double p99;
  final double max;
  final double slowShare;
  final Map<String, DemoRecorder.PerBackend> backends;

  DemoResult(String picker, DemoRecorder recorder) {
    this.picker = picker;
    this.requests = recorder.requests.get();
    this.failed = recorder.failed.get();
    this.retries = recorder.attempts.get() - recorder.requests.get();
    this.p50 = recorder.clientLatencies.percentileMillis(50);
    this.p99 = recorder.clientLatencies.percentileMillis(99);
    this.max = recorder.clientLatencies.maxMillis();
    long whileSlow = recorder.attemptsWhileSlow.get();
    this.slowShare = whileSlow == 0 ? 0 : 100.0 * recorder.slowAttemptsWhileSlow.get() / whileSlow;
    this.backends = recorder.backends;
  }

  void print(PrintStream out) {
    out.printf("%n%-8s %9s %9s %8s %8s %10s%n", "backend", "requests", "failures", "p50 ms", "p99 ms", "ejections");
    for (Map.Entry<String, DemoRecorder.PerBackend> entry : backends.entrySet()) {
      DemoRecorder.PerBackend b = entry.getValue();
      out.printf("%-8s %9d %9d %8.1f %8.1f %10d%n", entry.getKey(), b.attempts.get(), b.failures.get(),
          b.latencies.percentileMillis(50), b.latencies.percentileMillis(99), b.ejections.get());
    }
    out.printf("%nclient: %d requests, %d failed, %d retries; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        requests, failed, retries, p50, p99, max);
    out.println(failed == 0 ? "not one request failed" : failed + " requests failed");
  }

  static void printComparison(List<DemoResult> results, PrintStream out) {
    out.printf("%n%-18s %8s %8s %8s %7s %8s %14s%n",
        "picker", "p50 ms", "p99 ms", "max ms", "failed", "retries", "slow b2 share");
    for (DemoResult r : results) {
      out.printf("%-18s %8.1f %8.1f %8.1f %7d %8d %13.1f%%%n", r.picker, r.p50, r.p99, r.max, r.failed, r.retries, r.slowShare);
    }
    out.println("(slow b2 share: the slow backend's share of requests while it was slow)");
  }
}
