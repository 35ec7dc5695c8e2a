package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of an endpoint-list change: one endpoint leaves or comes back, and the balancer
 * reconciles its state and builds the new snapshot and picker (for {@code maglev}, the whole
 * 65,537-entry table). This is the update path, not the pick path: microseconds are fine here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UpdateBenchmark {
  @Param({
    "roundRobin", "weightedRoundRobin", "random", "weightedRandom", "leastConnections",
    "powerOfTwoChoices", "ringHash", "maglev", "rendezvous"
  })
  public String picker;

  @Param({"100", "1000"})
  public int endpoints;

  MutableEndpointSource source;
  LoadBalancer lb;
  List<Endpoint> full;
  List<Endpoint> lessOne;
  boolean toggle;

  @Setup
  public void setUp() {
    full = Pools.endpoints(endpoints);
    lessOne = new ArrayList<>(full);
    lessOne.remove(endpoints / 2);
    source = EndpointSource.mutable(full);
    lb = LoadBalancer.builder("bench").source(source).picker(Pools.picker(picker)).build();
  }

  @TearDown
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  public int update() {
    toggle = !toggle;
    source.update(toggle ? lessOne : full);
    return lb.endpoints().size();
  }
}
