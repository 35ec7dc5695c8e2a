package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.micrometer.LoadBalancerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What lb-micrometer adds to the hot paths: a pick, and a call's whole lease (acquire, success,
 * close), on a balancer whose {@link LoadBalancerMetrics} (both listeners given) are bound to no
 * registry ({@code none}: the baseline, no listener at all), to Micrometer's simple registry, to
 * the Prometheus registry, or to the Prometheus registry with the percentile histogram on. The
 * call listener times each call into its endpoint's timer; a pick reaches no metrics code.
 *
 * <p>Interleaved within one fork: the four balancers are built once, and each iteration measures
 * the next of them in turn ({@link #VARIANTS} order), so that four consecutive iterations, under
 * the same load of a shared machine, make one paired comparison. JMH's own summary mixes the four:
 * run it through {@link MetricsComparison}, which reads each iteration. The warm-up iterations
 * must be a multiple of four, so that measurement iteration {@code i} is variant {@code i % 4}.
 * All four variants run through the same compiled code, as they would in one application only if
 * it used both registry types (the timer's call site then sees two classes, not one).
 *
 * <p>Besides JMH's time per operation (wall-clock time), each iteration reports the benchmark
 * thread's CPU time and its operations ({@link CpuTime}): on a machine shared with other work, time
 * the thread spent descheduled inflates the first and not the second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 40, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Fork(3)
public class MetricsBenchmark {
  /** The variants, in the order iterations cycle through them. */
  public static final List<String> VARIANTS = List.of("none", "simple", "prometheus", "prometheusHistogram");

  @Param({"powerOfTwoChoices"})
  public String picker;

  @Param({"16"})
  public int endpoints;

  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<MeterRegistry> registries = new ArrayList<>();
  private int iteration = -1;
  LoadBalancer lb;

  @Setup(Level.Trial)
  public void setUp() {
    for (String variant : VARIANTS) {
      LoadBalancer.Builder builder = LoadBalancer.builder("bench-" + variant).endpoints(Pools.endpoints(endpoints))
          .picker(Pools.picker(picker));
      MeterRegistry registry = switch (variant) {
        case "none" -> null;
        case "simple" -> new SimpleMeterRegistry();
        default -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      };
      if (registry == null) {
        balancers.add(builder.build());
        continue;
      }
      LoadBalancerMetrics metrics = LoadBalancerMetrics.builder()
          .percentileHistogram(variant.equals("prometheusHistogram"))
          .build();
      LoadBalancer balancer = builder.listener(metrics.listener()).callListener(metrics.callListener()).build();
      metrics.forBalancer(balancer).bindTo(registry);
      balancers.add(balancer);
      registries.add(registry);
    }
  }

  /** The next variant's balancer, for this iteration. */
  @Setup(Level.Iteration)
  public void nextVariant() {
    iteration++;
    lb = balancers.get(iteration % VARIANTS.size());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    balancers.forEach(LoadBalancer::close);
    registries.forEach(MeterRegistry::close);
  }

  /**
   * The benchmark thread's CPU time over an iteration and the operations it ran, reported per
   * iteration as JMH secondary results {@code cpuNanos} and {@code operations}.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long cpuNanos;
    public long operations;
    private long start;

    @Setup(Level.Iteration)
    public void start() {
      cpuNanos = 0;
      operations = 0;
      start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
      cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    }
  }

  @Benchmark
  @Threads(1)
  public int pick(CpuTime cpu) {
    cpu.operations++;
    return lb.pick().port();
  }

  @Benchmark
  @Threads(1)
  public boolean acquireSuccessClose(CpuTime cpu) {
    cpu.operations++;
    try (Lease lease = lb.acquire()) {
      return lease.success();
    }
  }
}
