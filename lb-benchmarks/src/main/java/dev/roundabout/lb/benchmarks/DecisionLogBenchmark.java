package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One pick with the decision log off and on (one pick in 10,000 sampled), on one and two threads:
 * what the option costs the picks it does not log. The benchmark jar has no SLF4J binding, so a
 * sampled pick finds its logger off and logs nothing; the figure is the cost of the sampling.
 *
 * <pre>
 * java -jar lb-benchmarks/target/benchmarks.jar DecisionLogBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionLogBenchmark {
  @Param({"roundRobin", "powerOfTwoChoices", "maglev", "adaptive"})
  public String picker;

  @Param({"16"})
  public int endpoints;

  /** 0: the decision log is off; otherwise one pick in this many is sampled. */
  @Param({"0", "10000"})
  public int oneIn;

  LoadBalancer lb;

  @Setup
  public void setUp() {
    LoadBalancer.Builder builder = LoadBalancer.builder("bench").endpoints(Pools.endpoints(endpoints))
        .picker(Pools.picker(picker));
    lb = (oneIn == 0 ? builder : builder.decisionLog(oneIn)).build();
  }

  @TearDown
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  @Threads(1)
  public Endpoint pick() {
    return lb.pick();
  }

  @Benchmark
  @Threads(2)
  public Endpoint pick_2threads() {
    return lb.pick();
  }
}
