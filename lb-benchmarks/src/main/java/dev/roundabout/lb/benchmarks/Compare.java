package dev.roundabout.lb.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Ours beside the peers and the floors, measured honestly on a small, noisy machine: every round
 * runs our pickers, the peers' and the floors one after the other (one fork each), and the rounds
 * repeat, so that drift of the machine hits both sides of a ratio alike. Each ratio is reported as
 * the median over the rounds with its lowest and highest value; a goal counts as met only when the
 * highest stays on the right side.
 *
 * <pre>
 * java -cp lb-benchmarks/target/benchmarks.jar dev.roundabout.lb.benchmarks.Compare [rounds] [sizes]
 * </pre>
 *
 * (built with {@code -Ppeers}; {@code bench.sh compare} does both). {@code rounds} defaults to 3,
 * {@code sizes} to {@code 16,256}.
 */
public final class Compare {
  /** An algorithm: our picker, the peers that implement it, and its floor (empty when none). */
  record Row(String algorithm, String picker, boolean keyed, List<String> peers, String floor) {}

  static final List<Row> ROWS = List.of(
      new Row("round robin", "roundRobin", false,
          List.of("armeriaRoundRobin", "grpcRoundRobin", "ribbonRoundRobin", "springRoundRobin"),
          "atomicIncrementArrayRead"),
      new Row("weighted round robin", "weightedRoundRobin", false,
          List.of("armeriaWeightedRoundRobin", "dubboRoundRobin"), "atomicIncrementArrayRead"),
      new Row("random", "random", false, List.of(), "randomDrawArrayRead"),
      new Row("weighted random", "weightedRandom", false, List.of(), "randomDrawArrayRead"),
      new Row("least connections", "leastConnections", false,
          List.of("ribbonBestAvailable", "dubboLeastActive"), ""),
      new Row("power of two choices", "powerOfTwoChoices", false, List.of("grpcLeastRequest"),
          "twoDrawsTwoVolatileReads"),
      new Row("ring hash (key hash)", "ringHash", true, List.of("grpcRingHash", "dubboConsistentHash"),
          "hashArrayRead"),
      new Row("maglev (key hash)", "maglev", true,
          List.of("armeriaSticky", "grpcRingHash", "dubboConsistentHash"), "hashArrayRead"),
      new Row("rendezvous (key hash)", "rendezvous", true, List.of(), "hashArrayRead"));

  private Compare() {}

  public static void main(String[] args) throws RunnerException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    String[] sizes = args.length > 1 ? args[1].split(",") : new String[] {"16", "256"};
    // key: "picker|size|threads" or "peer|size|threads" or "floor|size|threads" -> score per round
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      System.out.printf(Locale.ROOT, "round %d of %d%n", round + 1, rounds);
      record(scores, round, rounds, run(options(sizes)
          .include("\\.PickBenchmark\\.pick(_2threads)?$")
          .param("picker", pickers(false))));
      record(scores, round, rounds, run(options(sizes)
          .include("\\.PickBenchmark\\.pickKeyHash(_2threads)?$")
          .param("picker", pickers(true))));
      record(scores, round, rounds, run(options(sizes)
          .include("\\.PeerPickBenchmark\\.pick(_2threads)?$")
          .param("peer", ROWS.stream().flatMap(r -> r.peers().stream()).distinct().toArray(String[]::new))));
      record(scores, round, rounds, run(options(sizes)
          .include("\\.FloorBenchmark\\.")));
    }
    System.out.println(table(scores, sizes, rounds));
  }

  private static String[] pickers(boolean keyed) {
    return ROWS.stream().filter(r -> r.keyed() == keyed).map(Row::picker).toArray(String[]::new);
  }

  private static ChainedOptionsBuilder options(String[] sizes) {
    return new OptionsBuilder()
        .param("endpoints", sizes)
        .forks(1)
        .warmupIterations(2)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(3)
        .measurementTime(TimeValue.seconds(1));
  }

  private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
    Collection<RunResult> results = new Runner(options.build()).run();
    if (results.isEmpty()) {
      throw new IllegalStateException("no benchmark ran: build the jar with -Ppeers (bench.sh compare does)");
    }
    return results;
  }

  private static void record(Map<String, double[]> scores, int round, int rounds, Collection<RunResult> results) {
    for (RunResult result : results) {
      var params = result.getParams();
      String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      int threads = method.endsWith("_2threads") ? 2 : 1;
      String name = params.getParam("picker") != null ? params.getParam("picker")
          : params.getParam("peer") != null ? params.getParam("peer")
          : method.replace("_2threads", "");
      String key = name + "|" + params.getParam("endpoints") + "|" + threads;
      double[] perRound = scores.computeIfAbsent(key, k -> new double[rounds]);
      perRound[round] = result.getPrimaryResult().getScore();
    }
  }

  /** The markdown table: for each algorithm, size and thread count, ours, the fastest peer and the floor. */
  static String table(Map<String, double[]> scores, String[] sizes, int rounds) {
    StringBuilder out = new StringBuilder();
    out.append("| algorithm | endpoints | threads | ours ns | fastest peer ns | ours / peer: median [min, max] | ")
        .append("ahead? | floor ns | ours / floor: median [min, max] |\n")
        .append("|---|---:|---:|---:|---|---|---|---:|---|\n");
    for (Row row : ROWS) {
      for (String size : sizes) {
        for (int threads = 1; threads <= 2; threads++) {
          double[] ours = scores.get(row.picker() + "|" + size + "|" + threads);
          if (ours == null) {
            continue;
          }
          double[] bestPeer = new double[rounds];
          String bestName = "";
          double bestMedian = Double.MAX_VALUE;
          Arrays.fill(bestPeer, Double.MAX_VALUE);
          for (String peer : row.peers()) {
            double[] p = scores.get(peer + "|" + size + "|" + threads);
            if (p == null) {
              continue;
            }
            for (int r = 0; r < rounds; r++) {
              bestPeer[r] = Math.min(bestPeer[r], p[r]); // the fastest peer of each round
            }
            if (median(p) < bestMedian) {
              bestMedian = median(p);
              bestName = peer;
            }
          }
          // A floor measured on as many threads, else its one-thread figure (no shared state).
          double[] floor = scores.getOrDefault(row.floor() + "|" + size + "|" + threads,
              scores.get(row.floor() + "|" + size + "|1"));
          out.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | ", row.algorithm(), size, threads, median(ours)));
          if (bestName.isEmpty()) {
            out.append("n/a | n/a | n/a | ");
          } else {
            double[] ratio = ratios(ours, bestPeer);
            out.append(String.format(Locale.ROOT, "%.1f (%s) | %s | %s | ", bestMedian, bestName, spread(ratio),
                max(ratio) <= 1 ? "yes" : median(ratio) <= 1 ? "within noise" : "no"));
          }
          if (floor == null) {
            out.append("n/a | n/a |\n");
          } else {
            out.append(String.format(Locale.ROOT, "%.1f | %s |\n", median(floor), spread(ratios(ours, floor))));
          }
        }
      }
    }
    return out.toString();
  }

  private static double[] ratios(double[] a, double[] b) {
    double[] ratio = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      ratio[i] = a[i] / b[i];
    }
    return ratio;
  }

  private static String spread(double[] values) {
    return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", median(values), min(values), max(values));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
