package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.sim.ClientSpec;
import dev.roundabout.lb.sim.Policy;
import dev.roundabout.lb.sim.Scenario;
import dev.roundabout.lb.sim.Scenarios;
import dev.roundabout.lb.sim.Simulation;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many simulated calls lb-sim runs per second of wall time: one run of the simplest scenario
 * (ten single-slot servers at 90% load, 20 clients, each owning a real load balancer) per
 * operation, 100 s of virtual time (about 90,000 calls). The {@code calls} counter, per second,
 * is the throughput.
 *
 * <p>Run: {@code java -jar lb-benchmarks/target/benchmarks.jar SimulatorBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulatorBenchmark {
  @Param({"roundRobin", "powerOfTwoChoices", "leastConnections"})
  public String picker;

  private Scenario scenario;
  private Policy policy;
  private long seed;

  /** Simulated calls, reported per second of wall time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Calls {
    public long calls;

    @Setup(Level.Iteration)
    public void reset() {
      calls = 0;
    }
  }

  @Setup
  public void setUp() {
    scenario = Scenario.builder("simplest-bench")
        .servers(10, Scenarios.SERVER)
        .clients(ClientSpec.openLoop(20, 900))
        .duration(Duration.ofSeconds(100))
        .keyed(false)
        .build();
    policy = Policy.builtIn(picker);
  }

  @Benchmark
  public int simplest(Calls counter) {
    int calls = Simulation.builder().scenario(scenario).policy(policy).seed(++seed).run().calls();
    counter.calls += calls;
    return calls;
  }
}
