package dev.roundabout.lb.benchmarks.peers;

import dev.roundabout.lb.benchmarks.Pools;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peers' pickers on the same pools ({@link Pools#endpoints}), threads and keys as
 * {@code PickBenchmark}, in the same JMH run. Built only with {@code -Ppeers}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeerPickBenchmark {
  @Param({
    "armeriaRoundRobin", "armeriaWeightedRoundRobin", "armeriaSticky",
    "grpcRoundRobin", "grpcLeastRequest", "grpcLeastRequestTraced", "grpcRingHash",
    "dubboRoundRobin", "dubboLeastActive", "dubboConsistentHash",
    "ribbonRoundRobin", "ribbonBestAvailable",
    "springRoundRobin"
  })
  public String peer;

  @Param({"3", "16", "256", "4096"})
  public int endpoints;

  PeerPicker picker;

  @Setup
  public void setUp() throws Exception {
    picker = Peers.create(peer, Pools.endpoints(endpoints));
  }

  /** Per-thread keys, as in {@code PickBenchmark}. */
  @State(Scope.Thread)
  public static class Keys {
    final long[] hashes = new long[1024];
    final String[] strings = new String[1024];
    int next;

    @Setup
    public void setUp() {
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = random.nextLong();
        strings[i] = "user-" + random.nextInt(1_000_000);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public Object pick(Keys keys) {
    int i = keys.next++ & 1023;
    return picker.pick(keys.hashes[i], keys.strings[i]);
  }

  @Benchmark
  @Threads(2)
  public Object pick_2threads(Keys keys) {
    int i = keys.next++ & 1023;
    return picker.pick(keys.hashes[i], keys.strings[i]);
  }
}
