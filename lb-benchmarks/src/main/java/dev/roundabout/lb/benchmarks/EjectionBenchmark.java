package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Ticker;
import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the calling thread pays for a {@code Lease.failure} that ejects its endpoint, on a balancer
 * whose picker is expensive to build (a ring over 1,000 endpoints): the outcome path records the
 * failure, the detector ejects, and the snapshot without the endpoint must be rebuilt. Before each
 * call, the previous ejection has ended and been applied, so every measured call ejects.
 *
 * <p>Run: {@code java -jar lb-benchmarks/target/benchmarks.jar EjectionBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EjectionBenchmark {
  private static final IOException FAILURE = new IOException("benchmark failure");

  @Param({"ringHash", "roundRobin"})
  public String picker;

  @Param({"1000"})
  public int endpoints;

  /** A clock the benchmark moves on, so that each ejection has ended before the next call. */
  private final ManualTicker ticker = new ManualTicker();
  private LoadBalancer lb;
  private Lease lease;

  @Setup(Level.Trial)
  public void setUp() {
    lb = LoadBalancer.builder("bench")
        .endpoints(Pools.endpoints(endpoints))
        .picker(Pools.picker(picker))
        .ticker(ticker)
        .healthTracker(OutlierDetector.builder()
            .consecutiveFailures(1)
            .withoutFailureRate()
            .baseEjectionTime(Duration.ofMillis(1))
            .maxEjectionTime(Duration.ofMillis(1))
            .maxEjectionPercent(100)
            .build())
        .build();
  }

  @Setup(Level.Invocation)
  public void prepare() {
    ticker.nanos += 10_000_000L; // the last ejection is over
    Lease warm = lb.acquire(); // applies it (where the update path runs)
    warm.success();
    warm.close();
    lease = lb.acquire();
  }

  @Benchmark
  public boolean failureThatEjects() {
    return lease.failure(FAILURE);
  }

  @TearDown(Level.Invocation)
  public void release() {
    lease.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lb.close();
  }

  /** A ticker the benchmark moves by hand. */
  static final class ManualTicker implements Ticker {
    volatile long nanos;

    @Override
    public long read() {
      return nanos;
    }
  }
}
