package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import java.util.SplittableRandom;
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
 * One pick, for every picker and pool size, on one thread and on two threads sharing the balancer.
 * The keyed variants pick with a precomputed 64-bit hash ({@code PickContext.ofHash}, made before
 * measuring) and with a string key hashed per pick ({@code PickContext.ofKey}, whose context
 * escape analysis removes). Narrow a run with {@code -p picker=maglev -p endpoints=256}. The
 * load-report picker runs without a blackout, and its weights from reports count from the first
 * second of warm-up on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickBenchmark {
  @Param({
    "roundRobin", "weightedRoundRobin", "random", "weightedRandom", "leastConnections",
    "powerOfTwoChoices", "ringHash", "maglev", "rendezvous", "reportedLoad(blackoutPeriod=0s)",
    "prequal"
  })
  public String picker;

  @Param({"3", "16", "256", "4096"})
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

  /** Per-thread keys, made before measuring: 1,024 hashes and 1,024 strings, walked in turn. */
  @State(Scope.Thread)
  public static class Keys {
    final PickContext[] hashes = new PickContext[1024];
    final String[] strings = new String[1024];
    int next;

    @Setup
    public void setUp() {
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = PickContext.ofHash(random.nextLong());
        strings[i] = "user-" + random.nextInt(1_000_000);
      }
    }

    PickContext hash() {
      return hashes[next++ & 1023];
    }

    String string() {
      return strings[next++ & 1023];
    }
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

  @Benchmark
  @Threads(1)
  public Endpoint pickKeyHash(Keys keys) {
    return lb.pick(keys.hash());
  }

  @Benchmark
  @Threads(2)
  public Endpoint pickKeyHash_2threads(Keys keys) {
    return lb.pick(keys.hash());
  }

  @Benchmark
  @Threads(1)
  public Endpoint pickStringKey(Keys keys) {
    return lb.pick(PickContext.ofKey(keys.string()));
  }
}
