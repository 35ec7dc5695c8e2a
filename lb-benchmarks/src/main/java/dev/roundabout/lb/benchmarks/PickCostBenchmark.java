package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.Ticker;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
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
 * Where a pick's nanoseconds go, one step at a time, for round robin and power of two choices on
 * one thread. Each step adds one thing to the one before, so that the differences between
 * neighbours are what that thing costs:
 *
 * <ol>
 *   <li>{@code floor}: the algorithm on one array (power of two choices: two draws and two
 *       volatile reads of one {@code AtomicIntegerArray}; round robin: one shared counter and an
 *       array read);
 *   <li>{@code objects}: the same with each in-flight count in its own object, as the balancer
 *       keeps them (the index-to-endpoint hop of the in-flight read);
 *   <li>{@code picker}: the library's picker, called directly on a list of such objects;
 *   <li>{@code snapshot}: plus a volatile read of a snapshot holding the picker and the
 *       endpoints;
 *   <li>{@code refreshCheck}: plus the check of the snapshot's due time;
 *   <li>{@code contextChecks}: plus the checks of the context (null, empty list, decision log,
 *       avoided endpoints);
 *   <li>{@code endpointHop}: plus the check of the returned index and the read of the endpoint,
 *       which is what {@code LoadBalancer.pick} does;
 *   <li>{@code balancer}: the balancer itself, for comparison with the step before.
 * </ol>
 *
 * <p>Run as {@code java -jar lb-benchmarks/target/benchmarks.jar PickCostBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PickCostBenchmark {
  /** Sentinel due time of a snapshot with nothing due, as the balancer's. */
  private static final long NEVER = Long.MIN_VALUE;

  @Param({"16", "256"})
  public int endpoints;

  @Param({"powerOfTwoChoices", "roundRobin"})
  public String picker;

  // floor and objects
  boolean twoChoices;
  final AtomicInteger counter = new AtomicInteger();
  Endpoint[] array;
  AtomicIntegerArray loads;
  Load[] objects;

  // picker and the steps around it
  Picker direct;
  volatile Shot shot;
  LoadBalancer lb;
  final PickContext context = PickContext.empty();
  final @Nullable Object decisions = null;

  /** An in-flight count in its own object, as the balancer keeps one per endpoint. */
  static final class Load {
    volatile int inFlight;
  }

  /** What a snapshot holds for a pick. */
  record Shot(Picker picker, Endpoint[] endpoints, long refreshAt) {}

  /** A ready list over {@link Load} objects, uniform weights, the thread's random generator. */
  static final class Ready implements ReadyEndpoints {
    private final Endpoint[] endpoints;
    private final Load[] loads;

    Ready(Endpoint[] endpoints, Load[] loads) {
      this.endpoints = endpoints;
      this.loads = loads;
    }

    @Override
    public String balancerName() {
      return "cost";
    }

    @Override
    public int size() {
      return endpoints.length;
    }

    @Override
    public Endpoint endpoint(int index) {
      return endpoints[index];
    }

    @Override
    public int weight(int index) {
      return 1;
    }

    @Override
    public int inFlight(int index) {
      return loads[index].inFlight;
    }

    @Override
    public RandomGenerator random() {
      return Rng.INSTANCE;
    }

    @Override
    public Ticker ticker() {
      return Ticker.system();
    }

    @Override
    public @Nullable Picker previous() {
      return null;
    }
  }

  /** Draws from the calling thread's {@code ThreadLocalRandom}, as the balancer's default. */
  enum Rng implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
  }

  @Setup
  public void setUp() {
    twoChoices = picker.equals("powerOfTwoChoices");
    List<Endpoint> list = Pools.endpoints(endpoints).stream()
        .map(e -> Endpoint.of(e.host(), e.port())).toList(); // equal weights: the floors ignore weight
    array = list.toArray(new Endpoint[0]);
    loads = new AtomicIntegerArray(endpoints);
    objects = new Load[endpoints];
    for (int i = 0; i < endpoints; i++) {
      objects[i] = new Load();
    }
    PickerFactory factory = Pickers.named(picker);
    direct = factory.create(new Ready(array, objects));
    shot = new Shot(direct, array, NEVER);
    lb = LoadBalancer.builder("cost").endpoints(list).picker(factory).build();
  }

  @TearDown
  public void tearDown() {
    lb.close();
  }

  private boolean p2c() {
    return twoChoices;
  }

  @Benchmark
  @Threads(1)
  public Endpoint step1_floor() {
    if (p2c()) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int a = random.nextInt(array.length);
      int b = random.nextInt(array.length);
      return loads.get(a) <= loads.get(b) ? array[a] : array[b];
    }
    return array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step2_objects() {
    if (p2c()) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int a = random.nextInt(array.length);
      int b = random.nextInt(array.length);
      return objects[a].inFlight <= objects[b].inFlight ? array[a] : array[b];
    }
    return array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step3_picker() {
    return array[direct.pick(context)];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step4_snapshot() {
    Shot s = shot;
    return s.endpoints[s.picker.pick(context)];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step5_refreshCheck() {
    Shot s = shot;
    if (s.refreshAt != NEVER && System.nanoTime() - s.refreshAt >= 0) {
      throw new IllegalStateException("never due here");
    }
    return s.endpoints[s.picker.pick(context)];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step6_contextChecks() {
    Shot s = shot;
    if (s.refreshAt != NEVER && System.nanoTime() - s.refreshAt >= 0) {
      throw new IllegalStateException("never due here");
    }
    PickContext c = Objects.requireNonNull(context, "context");
    int size = s.endpoints.length;
    if (size == 0 || decisions != null) {
      throw new IllegalStateException("never here");
    }
    int index = s.picker.pick(c);
    if (c.avoids(s.endpoints[index])) {
      throw new IllegalStateException("nothing avoided here");
    }
    return s.endpoints[index];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step7_endpointHop() {
    Shot s = shot;
    if (s.refreshAt != NEVER && System.nanoTime() - s.refreshAt >= 0) {
      throw new IllegalStateException("never due here");
    }
    PickContext c = Objects.requireNonNull(context, "context");
    int size = s.endpoints.length;
    if (size == 0 || decisions != null) {
      throw new IllegalStateException("never here");
    }
    int index = s.picker.pick(c);
    if (index < 0 || index >= size) {
      throw new IllegalStateException("index " + index);
    }
    if (c.avoids(s.endpoints[index])) {
      throw new IllegalStateException("nothing avoided here");
    }
    return s.endpoints[index];
  }

  @Benchmark
  @Threads(1)
  public Endpoint step8_balancer() {
    return lb.pick();
  }
}
