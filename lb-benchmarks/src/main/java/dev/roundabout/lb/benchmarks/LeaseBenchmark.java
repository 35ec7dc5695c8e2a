package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
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
 * One call's whole hold on an endpoint: acquire (pick and count in flight), report success (two
 * clock reads, the outcome counters and latency average), close. The lease itself is the one
 * allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LeaseBenchmark {
  @Param({
    "roundRobin", "weightedRoundRobin", "random", "weightedRandom", "leastConnections",
    "powerOfTwoChoices", "ringHash", "maglev", "rendezvous"
  })
  public String picker;

  @Param({"16", "256"})
  public int endpoints;

  LoadBalancer lb;

  @Setup
  public void setUp() {
    lb = Pools.balancer(picker, endpoints);
  }

  @TearDown
  public void tearDown() {
    lb.close();
  }

  @Benchmark
  @Threads(1)
  public boolean acquireSuccessClose() {
    try (Lease lease = lb.acquire()) {
      return lease.success();
    }
  }

  @Benchmark
  @Threads(2)
  public boolean acquireSuccessClose_2threads() {
    try (Lease lease = lb.acquire()) {
      return lease.success();
    }
  }

  /** A lease closed without an outcome: acquire and release alone, for what success adds. */
  @Benchmark
  @Threads(1)
  public Endpoint acquireClose() {
    try (Lease lease = lb.acquire()) {
      return lease.endpoint();
    }
  }

  /** A clock read, as acquire and success each make one. */
  @Benchmark
  @Threads(1)
  public long clockRead() {
    return System.nanoTime();
  }
}
