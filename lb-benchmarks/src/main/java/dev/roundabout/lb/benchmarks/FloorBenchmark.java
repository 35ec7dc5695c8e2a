package dev.roundabout.lb.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * The floors: the least each kind of picker must do, with nothing of a load balancer around it.
 * Round robin cannot go below one shared counter increment and an array read; random below one
 * draw and an array read; power of two choices below two draws and two volatile reads; a hash
 * table below a remainder of the key's hash and an array read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FloorBenchmark {
  @Param({"16", "256"})
  public int endpoints;

  final AtomicInteger counter = new AtomicInteger();
  Object[] array;
  AtomicIntegerArray loads;
  int[] table;

  @Setup
  public void setUp() {
    array = new Object[endpoints];
    for (int i = 0; i < endpoints; i++) {
      array[i] = "endpoint-" + i;
    }
    loads = new AtomicIntegerArray(endpoints);
    table = new int[65_537];
    for (int i = 0; i < table.length; i++) {
      table[i] = i % endpoints;
    }
  }

  /** Per-thread precomputed hashes. */
  @State(Scope.Thread)
  public static class Hashes {
    final long[] hashes = new long[1024];
    int next;

    @Setup
    public void setUp() {
      java.util.SplittableRandom random = new java.util.SplittableRandom(42);
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = random.nextLong();
      }
    }
  }

  @Benchmark
  @Threads(1)
  public Object atomicIncrementArrayRead() {
    return array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  @Threads(2)
  public Object atomicIncrementArrayRead_2threads() {
    return array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  @Threads(1)
  public Object randomDrawArrayRead() {
    return array[ThreadLocalRandom.current().nextInt(array.length)];
  }

  @Benchmark
  @Threads(1)
  public Object twoDrawsTwoVolatileReads() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(array.length);
    int b = random.nextInt(array.length);
    return loads.get(a) <= loads.get(b) ? array[a] : array[b];
  }

  @Benchmark
  @Threads(1)
  public Object hashArrayRead(Hashes h) {
    long hash = h.hashes[h.next++ & 1023];
    return array[table[(int) Long.remainderUnsigned(hash, table.length)]];
  }
}
