package dev.roundabout.lb.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link MetricsBenchmark} (its forks, warm-up and measurement as annotated, with
 * {@code -prof gc}) and reports each variant against {@code none} from its iterations: every four
 * consecutive measurement iterations (one per variant, about a second in all) give one ratio per
 * variant, and the ratios of all cycles of all forks are summarized as median, 10th-90th percentile
 * and lowest-highest; once for JMH's time per operation (wall-clock), once for the benchmark
 * thread's CPU time per operation, which time spent descheduled on a busy machine does not
 * inflate. Beside them: the median ns/op of each and the bytes per operation.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl lb-benchmarks -am package -DskipTests
 * java -cp lb-benchmarks/target/benchmarks.jar dev.roundabout.lb.benchmarks.MetricsComparison
 * }</pre>
 *
 * <p>About 50 seconds per benchmark and fork (two benchmarks, three forks: five minutes).
 */
public final class MetricsComparison {
  private static final String[] BENCHMARKS = {"pick", "acquireSuccessClose"};

  private MetricsComparison() {}

  public static void main(String[] args) throws RunnerException {
    int variants = MetricsBenchmark.VARIANTS.size();
    System.out.println();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%-20s %-20s %-5s %8s %8s %17s %17s %7s%n",
        "benchmark", "metrics", "clock", "ns/op", "ratio", "p10-p90", "min-max", "B/op"));
    for (String benchmark : BENCHMARKS) {
      List<List<Double>> scores = lists(variants);
      List<List<Double>> cpu = lists(variants);
      List<List<Double>> bytes = lists(variants);
      List<List<Double>> ratios = lists(variants);
      List<List<Double>> cpuRatios = lists(variants);
      for (RunResult run : new Runner(new OptionsBuilder()
          .include(MetricsBenchmark.class.getName() + "\\." + benchmark + "$")
          .addProfiler(GCProfiler.class)
          .build()).run()) {
        for (BenchmarkResult fork : run.getBenchmarkResults()) {
          List<IterationResult> iterations = new ArrayList<>(fork.getIterationResults());
          for (int cycle = 0; (cycle + 1) * variants <= iterations.size(); cycle++) {
            IterationResult first = iterations.get(cycle * variants);
            double baseline = first.getPrimaryResult().getScore();
            double cpuBaseline = cpuPerOp(first);
            for (int v = 0; v < variants; v++) {
              IterationResult it = iterations.get(cycle * variants + v);
              double score = it.getPrimaryResult().getScore();
              scores.get(v).add(score);
              ratios.get(v).add(score / baseline);
              cpu.get(v).add(cpuPerOp(it));
              cpuRatios.get(v).add(cpuPerOp(it) / cpuBaseline);
              bytes.get(v).add(secondary(it, "gc.alloc.rate.norm"));
            }
          }
        }
      }
      for (int v = 0; v < variants; v++) {
        row(table, benchmark, MetricsBenchmark.VARIANTS.get(v), "wall", scores.get(v), ratios.get(v), bytes.get(v));
        row(table, benchmark, MetricsBenchmark.VARIANTS.get(v), "cpu", cpu.get(v), cpuRatios.get(v), bytes.get(v));
      }
    }
    System.out.println();
    System.out.print(table);
  }

  private static void row(StringBuilder table, String benchmark, String variant, String clock, List<Double> scores,
      List<Double> ratios, List<Double> bytes) {
    table.append(String.format(Locale.ROOT, "%-20s %-20s %-5s %8.1f %8.3f %8.3f-%-8.3f %8.3f-%-8.3f %7.1f%n",
        benchmark, variant, clock, percentile(scores, 50), percentile(ratios, 50), percentile(ratios, 10),
        percentile(ratios, 90), Collections.min(ratios), Collections.max(ratios), percentile(bytes, 50)));
  }

  private static List<List<Double>> lists(int count) {
    List<List<Double>> lists = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lists.add(new ArrayList<>());
    }
    return lists;
  }

  private static double cpuPerOp(IterationResult iteration) {
    return secondary(iteration, "cpuNanos") / secondary(iteration, "operations");
  }

  private static double secondary(IterationResult iteration, String name) {
    for (String key : iteration.getSecondaryResults().keySet()) {
      if (key.endsWith(name)) {
        return iteration.getSecondaryResults().get(key).getScore();
      }
    }
    return Double.NaN;
  }

  /** The {@code p}th percentile, nearest rank. */
  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
