package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;
import static dev.roundabout.lb.internal.Preconditions.quote;

import dev.roundabout.lb.health.HealthPolicy;
import dev.roundabout.lb.health.HealthTracker;
import dev.roundabout.lb.internal.PickTrace;
import dev.roundabout.lb.internal.ThreadLocalRandomGenerator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks one endpoint of a pool per call, so that the pool looks like one backend.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder("orders")
 *     .endpoints(List.of(Endpoint.of("10.0.0.1", 8080), Endpoint.of("10.0.0.2", 8080)))
 *     .picker(Pickers.powerOfTwoChoices())
 *     .build();
 * try (Lease lease = lb.acquire(PickContext.empty())) {
 *   call(lease.endpoint());
 *   lease.success();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #pick} and {@link #acquire} read one volatile field (an immutable snapshot
 * of the ready endpoints and their {@link Picker}) and never lock. Every change (a new list from
 * the {@link EndpointSource}, a change of health, a time-driven step, {@link #close()}) goes
 * through one serialized update path that reconciles the per-endpoint state by {@code host:port}
 * (an endpoint that stays keeps its in-flight count and latency), builds a new snapshot and
 * publishes it; a change that changes nothing publishes nothing. Pickers running during an update
 * finish on the old snapshot, so a pick returns an endpoint of the old or of the new list, never
 * another. See {@code lb-core/ARCHITECTURE.md} for the pick, update and outcome paths.
 *
 * <p>Threads: picks and outcomes run on the callers' threads and never build anything. When a
 * pick finds a time-driven change due (an ejection that ends, a slow-start step; while one is
 * pending, a pick reads the clock once), or an outcome or a health tracker changes health, the
 * rebuild is handed to the builder's {@link Builder#executor executor} (by default
 * {@code ForkJoinPool.commonPool()}); picks use the published snapshot until the new one is
 * published. A list from the source, the build and the close are applied on the calling thread
 * when no update is running. With a direct executor ({@code Runnable::run}, for tests and
 * simulations) every change takes effect before the call that caused it returns.
 *
 * <p>Health (the tracker that the policy given to {@link Builder#healthTracker} creates for this
 * balancer) decides which endpoints are offered; a change of health rebuilds the snapshot, so a
 * pick never checks health. When the available share of the
 * pool falls below the {@link Builder#panicThreshold panic threshold}, picks go to every endpoint
 * that health has seen, except those whose latest call said they do not answer at all.
 * With {@link Builder#slowStart slow start}, an endpoint that joins or comes back takes a share
 * that grows over a window.
 *
 * <p>The balancer starts no thread of its own (health checkers may). Close it when done: picks
 * then throw {@link IllegalStateException}, its source subscription ends and its health tracker
 * stops.
 */
public final class LoadBalancer implements AutoCloseable {
  /** The default {@link Builder#panicThreshold}: 50 percent. */
  public static final int DEFAULT_PANIC_THRESHOLD = 50;

  /** The default minimum weight of {@link Builder#slowStart(Duration)}: 10 percent. */
  public static final int DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT = 10;

  /**
   * The name of the SLF4J logger of the {@link Builder#decisionLog decision log}:
   * {@value #DECISION_LOGGER}. Its lines are at DEBUG.
   */
  public static final String DECISION_LOGGER = "dev.roundabout.lb.decisions";

  private static final VarHandle SNAPSHOT;

  static {
    try {
      SNAPSHOT = MethodHandles.lookup().findVarHandle(LoadBalancer.class, "snapshot", Snapshot.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final PickerFactory pickerFactory;
  private final Ticker ticker;
  private final RandomGenerator random;
  private final UpdatePath updates;
  private final HealthBridge health;
  private final int panicThreshold;
  /** The sampled decision log, or null when it is off: a pick then checks this field only. */
  private final @Nullable DecisionLog decisions;

  /** Read once per pick; replaced only through {@link #publish} and {@link #close}. */
  @SuppressWarnings("FieldMayBeFinal") // written through SNAPSHOT
  private volatile Snapshot snapshot;

  private LoadBalancer(Builder builder, EndpointSource source) {
    this.name = builder.name;
    this.pickerFactory = builder.pickerFactory;
    this.ticker = builder.ticker;
    this.random = builder.random;
    this.panicThreshold = builder.panicThreshold;
    this.decisions = builder.decisionLogOneIn == 0
        ? null : new DecisionLog(name, pickerFactory.toString(), builder.decisionLogOneIn, random);
    this.snapshot = Snapshot.empty(name);
    HealthPolicy policy = builder.healthPolicy;
    // This balancer's own tracker; creating it starts nothing (UpdatePath.start starts it).
    HealthTracker tracker = policy == null ? null : checkNotNull(policy.newTracker(), "policy.newTracker()");
    this.updates = new UpdatePath(this, name, pickerFactory, ticker, random, builder.listeners, tracker,
        builder.panicThreshold, builder.slowStartNanos, builder.slowStartMinPercent, builder.executor, builder.calls);
    this.health = updates.health();
    updates.start(source);
  }

  /**
   * Returns a builder for a balancer named {@code name} (used in logs and error messages).
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    checkNotNull(name, "name");
    checkArgument(!name.isBlank(), "name", quote(name), "a non-blank name");
    return new Builder(name);
  }

  /** The name given to the builder. */
  public String name() {
    return name;
  }

  /**
   * Picks an endpoint for a call that needs no context. Does not count the call in flight: use
   * {@link #acquire} when the picker should see the call's load and the outcome should be recorded.
   *
   * @throws NoAvailableEndpointException if no endpoint is available
   * @throws IllegalStateException if the balancer is closed
   */
  public Endpoint pick() {
    return pick(PickContext.empty());
  }

  /**
   * Picks an endpoint for a call with {@code context}. Lock-free and allocation-free.
   *
   * @throws NoAvailableEndpointException if no endpoint is available
   * @throws IllegalStateException if the balancer is closed
   */
  public Endpoint pick(PickContext context) {
    Snapshot s = snapshot;
    if (s.refreshAt != Snapshot.NEVER) {
      s = refreshIfDue(s, ticker.read());
    }
    return s.endpoints[choose(s, context)];
  }

  /** {@link #acquire(PickContext)} with {@link PickContext#empty()}. */
  public Lease acquire() {
    return acquire(PickContext.empty());
  }

  /**
   * Picks an endpoint and opens a {@link Lease} on it: the call counts as in flight until the lease
   * is closed, and the lease records its outcome and latency.
   *
   * @throws NoAvailableEndpointException if no endpoint is available
   * @throws IllegalStateException if the balancer is closed
   */
  public Lease acquire(PickContext context) {
    long now = ticker.read();
    Snapshot s = snapshot;
    if (s.refreshAt != Snapshot.NEVER) {
      s = refreshIfDue(s, now);
    }
    if (s.trials.length > 0) {
      checkNotNull(context, "context");
      Lease trial = tryTrial(s, context, now);
      if (trial != null) {
        return trial;
      }
    }
    int index = choose(s, context);
    return open(s.ready.states[index], s.endpoints[index], now, false);
  }

  private Lease open(EndpointState state, Endpoint endpoint, long now, boolean trial) {
    state.acquired(now);
    return new Lease(this, state, endpoint, now, trial);
  }

  /** A lease on an endpoint on trial whose tracker admits one more trial call, or null. */
  private @Nullable Lease tryTrial(Snapshot s, PickContext context, long now) {
    int n = s.trials.length;
    int start = n == 1 ? 0 : random.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      Endpoint endpoint = s.trialEndpoints[i];
      if (context.avoidsAny() && context.avoids(endpoint.address())) {
        continue; // a retry does not go back to the endpoint it left
      }
      if (health.tryTrial(endpoint)) {
        return open(s.trials[i], endpoint, now, true);
      }
    }
    return null;
  }

  /**
   * Hands a due time-driven change to the update path and returns the current snapshot: the one
   * the change published if the update path ran at once (a direct executor), else the same.
   */
  private Snapshot refreshIfDue(Snapshot s, long now) {
    if (now - s.refreshAt < 0) {
      return s;
    }
    updates.requestDueRefresh();
    return snapshot;
  }

  /**
   * The endpoint at {@code address} ({@code host:port}) if it is ready now, else null; for
   * {@link SessionAffinity}.
   */
  @Nullable Endpoint readyEndpoint(String address) {
    ReadyList ready = snapshot.ready;
    int index = ready.indexOf(address);
    return index < 0 ? null : ready.endpoints[index];
  }

  /**
   * A lease on the endpoint at {@code address} ({@code host:port}) if it is ready now, else null;
   * for {@link SessionAffinity}.
   */
  @Nullable Lease acquireIfReady(String address) {
    ReadyList ready = snapshot.ready;
    int index = ready.indexOf(address);
    return index < 0 ? null : open(ready.states[index], ready.endpoints[index], ticker.read(), false);
  }

  /**
   * Waits until the balancer has applied its source's first list, at most {@code timeout}: for an
   * application that wants its first calls to find endpoints when its source follows a registry
   * (the build never waits). Returns true if the first list has been applied, false on timeout.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitFirstList(Duration timeout) throws InterruptedException {
    checkNotNull(timeout, "timeout");
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    return updates.awaitFirstList(nanos);
  }

  /** The current full endpoint list, immutable; empty after {@link #close()}. */
  public List<Endpoint> endpoints() {
    return snapshot.all;
  }

  /** A copy of the figures of every current endpoint, in list order. Allocates; not for the pick path. */
  public List<EndpointStats> stats() {
    Snapshot s = snapshot;
    List<EndpointStats> stats = new ArrayList<>(s.allStates.length);
    for (EndpointState state : s.allStates) {
      stats.add(state.stats());
    }
    return List.copyOf(stats);
  }

  /**
   * Describes what the balancer is doing now: its picker, each endpoint with its health, why it is
   * out (ejected, and for how long more; failed health checks; circuit open; on trial), whether it
   * is in slow start and at what share of its weight, the endpoints removed and still draining,
   * the calls in flight, latency, successes and failures, and whether the pool is in panic. Its
   * {@code toString()} is an aligned table for a log.
   *
   * <p>Consistent and free for picks: everything but the figures comes from the one published
   * snapshot (read once), whose health and reasons the update path computed when it built it, so a
   * description never reads a health tracker, never waits for the update path and may be taken
   * from any thread, a listener's included. The figures are read live, endpoint by endpoint, and
   * the time left of an ejection is counted from one read of the ticker. Allocates; meant for
   * logs, consoles and admin endpoints, not for every call.
   */
  public LoadBalancerDescription describe() {
    Snapshot s = snapshot;
    return LoadBalancerDescription.of(name, pickerFactory.toString(), panicThreshold, s, ticker.read());
  }

  /**
   * Stops the balancer: picks throw {@link IllegalStateException} from now on, the source
   * subscription is closed and the health tracker stops (on the update path; this waits for an
   * update running on another thread to finish first). Leases already open stay valid and release
   * normally. Idempotent.
   */
  @Override
  public void close() {
    Snapshot previous = (Snapshot) SNAPSHOT.getAndSet(this, Snapshot.closed(name));
    if (previous.closed) {
      return;
    }
    updates.close();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return snapshot.closed;
  }

  @Override
  public String toString() {
    Snapshot s = snapshot;
    return "LoadBalancer{" + name + ", picker=" + pickerFactory
        + (s.closed ? ", closed" : ", endpoints=" + s.all.size() + ", ready=" + s.ready.size()) + '}';
  }

  Ticker ticker() {
    return ticker;
  }

  /** Where {@link Lease}s report outcomes. */
  HealthBridge health() {
    return health;
  }

  /** The published snapshot, for the update path and the health bridge. */
  Snapshot snapshot() {
    return snapshot;
  }

  /** Publishes {@code next} unless the balancer is closed; called on the update path only. */
  void publish(Snapshot next) {
    updates.checkInUpdatePath();
    Snapshot current;
    do {
      current = snapshot;
      if (current.closed) {
        return;
      }
    } while (!SNAPSHOT.compareAndSet(this, current, next));
  }

  private int choose(Snapshot s, PickContext context) {
    checkNotNull(context, "context");
    int size = s.endpoints.length;
    if (size == 0) {
      throw s.unavailable();
    }
    DecisionLog log = decisions;
    if (log != null && log.sampled()) {
      return chooseLogged(log, s, context, size);
    }
    return avoidIfAsked(s, context, checkedPick(s, context, size), size);
  }

  /** A sampled pick: the picker explains itself, and the line logged names the endpoint returned. */
  private int chooseLogged(DecisionLog log, Snapshot s, PickContext context, int size) {
    PickTrace trace = log.start(s.ready);
    int picked = checkedIndex(DecisionLog.pick(s, context, trace), size);
    int index = avoidIfAsked(s, context, picked, size);
    log.log(s, context, trace, picked, index);
    return index;
  }

  private int avoidIfAsked(Snapshot s, PickContext context, int index, int size) {
    if (context.avoidsAny() && size > 1 && context.avoids(s.endpoints[index].address())) {
      return avoid(s, context, index, size);
    }
    return index;
  }

  private int checkedPick(Snapshot s, PickContext context, int size) {
    return checkedIndex(s.picker.pick(context), size);
  }

  private int checkedIndex(int index, int size) {
    if (index < 0 || index >= size) {
      throw new LoadBalancerException(
          "picker " + pickerFactory + " of '" + name + "' returned index " + index
              + " (expected: 0-" + (size - 1) + ")");
    }
    return index;
  }

  /** Another endpoint than the avoided one at {@code index}: the picker's next choice, or the next ready one. */
  private int avoid(Snapshot s, PickContext context, int index, int size) {
    for (int attempt = 0; attempt < 2; attempt++) {
      int again = checkedPick(s, context, size);
      if (!context.avoids(s.endpoints[again].address())) {
        return again;
      }
    }
    for (int k = 1; k < size; k++) {
      int next = (index + k) % size;
      if (!context.avoids(s.endpoints[next].address())) {
        return next;
      }
    }
    return index; // every ready endpoint is avoided
  }

  /**
   * Builds a {@link LoadBalancer}. Not thread-safe; each setter checks its argument at once, and
   * {@link #build()} checks that the options fit together.
   */
  public static final class Builder {
    private final String name;
    private @Nullable List<Endpoint> endpoints;
    private @Nullable EndpointSource source;
    private PickerFactory pickerFactory = Pickers.roundRobin();
    private Ticker ticker = Ticker.system();
    private RandomGenerator random = ThreadLocalRandomGenerator.INSTANCE;
    private final List<LoadBalancerListener> listeners = new ArrayList<>();
    private final List<CallListener> calls = new ArrayList<>();
    private @Nullable HealthPolicy healthPolicy;
    private int panicThreshold = DEFAULT_PANIC_THRESHOLD;
    private long slowStartNanos;
    private int slowStartMinPercent = DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT;
    private Executor executor = ForkJoinPool.commonPool();
    private int decisionLogOneIn; // 0: off

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Balances over a fixed list (it may be empty). Exclusive with {@link #source}.
     *
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalArgumentException if two endpoints share a {@code host:port}
     */
    public Builder endpoints(List<Endpoint> endpoints) {
      this.endpoints = EndpointLists.checkedCopy(endpoints);
      return this;
    }

    /**
     * Balances over the lists {@code source} delivers, such as a {@link MutableEndpointSource}.
     * Exclusive with {@link #endpoints}.
     */
    public Builder source(EndpointSource source) {
      this.source = checkNotNull(source, "source");
      return this;
    }

    /** Sets the algorithm; default {@link Pickers#roundRobin()}. */
    public Builder picker(PickerFactory pickerFactory) {
      this.pickerFactory = checkNotNull(pickerFactory, "picker");
      return this;
    }

    /**
     * Sets the clock of latencies and every time-driven decision; default {@link Ticker#system()}.
     * Tests pass a fake.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = checkNotNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the randomness of the pickers; default the calling thread's {@code ThreadLocalRandom}.
     * A seeded generator makes picks reproducible; it must be thread-safe if several threads pick
     * (a {@code SplittableRandom} is fine for a single-threaded test).
     */
    public Builder random(RandomGenerator random) {
      this.random = checkNotNull(random, "random");
      return this;
    }

    /**
     * Sets the health policy that decides which endpoints take calls, such as an
     * {@code OutlierDetector}; several combine with {@code HealthTrackers.allOf}, and a tracker of
     * your own is {@code () -> new MyTracker()}. {@link #build()} asks the policy for a new
     * tracker, which serves this balancer only: one policy may be given to any number of
     * balancers, and none sees another's health. Default: none, every endpoint is available.
     *
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder healthTracker(HealthPolicy policy) {
      this.healthPolicy = checkNotNull(policy, "policy");
      return this;
    }

    /**
     * Sets the panic threshold in percent, 0 to 100; default {@value #DEFAULT_PANIC_THRESHOLD}.
     * When fewer than this share of the endpoints health has seen are available, the balancer
     * stops trusting health and picks among all of them, rather than pile every call on the few
     * that are left (as Envoy does): health signals can be wrong, as when every endpoint slows down
     * under load and the detector ejects most of them. Panic keeps trusting one fact: an endpoint
     * whose latest call was reported with {@link Lease#unreachable} (the connection was refused,
     * could not be made, or was dropped before any answer) stays out while at least one other
     * endpoint answers; when none answers, panic picks among all. Endpoints never checked yet
     * ({@code UNKNOWN}) count neither way and take no call. 0 turns panic off: with nothing
     * available, picks then throw {@link NoAvailableEndpointException}.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0-100
     */
    public Builder panicThreshold(int percent) {
      this.panicThreshold = checkInRange(percent, 0, 100, "panicThreshold");
      return this;
    }

    /**
     * Turns slow start on with a minimum weight of
     * {@value #DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT}%: see {@link #slowStart(Duration, int)}.
     */
    public Builder slowStart(Duration window) {
      return slowStart(window, DEFAULT_SLOW_START_MIN_WEIGHT_PERCENT);
    }

    /**
     * Turns slow start on (default off). An endpoint that joins the list after the first one, or
     * that becomes available again (back from ejection, an open circuit or failed health checks),
     * takes a share that grows linearly over {@code window}: at time {@code t} its weight is
     * multiplied by {@code max(minWeightPercent / 100, t / window)}, in 20 steps. Works with every
     * picker: the weighted ones see the scaled weight, the others admit the endpoint with that
     * probability and otherwise move on. The endpoints of the first list start at full weight.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if {@code window} is not positive or
     *     {@code minWeightPercent} is outside 1-100
     */
    public Builder slowStart(Duration window, int minWeightPercent) {
      checkNotNull(window, "window");
      checkArgument(!window.isNegative() && !window.isZero(), "window", window, "a positive duration");
      this.slowStartMinPercent = checkInRange(minWeightPercent, 1, 100, "minWeightPercent");
      this.slowStartNanos = saturatedNanos(window);
      return this;
    }

    private static long saturatedNanos(Duration duration) {
      try {
        return duration.toNanos();
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    /**
     * Sets where the update path runs when a pick, an outcome or a health tracker asks for a
     * rebuild (an ejection, a recovery, a slow-start step): picker construction (a Maglev table, a
     * ring), health reactions and listener callbacks. Default: {@link ForkJoinPool#commonPool()},
     * which nobody has to close, as Caffeine does for its maintenance. The updates of one balancer
     * run one at a time, whatever the executor. Tests and simulations pass a direct executor
     * ({@code Runnable::run}): every change then takes effect on the thread that caused it, before
     * the call that caused it returns.
     *
     * <p>A pick or an outcome never rebuilds anything on the calling thread unless this executor
     * runs tasks there. A list from the source, the build and the close are applied on the calling
     * thread when no update is running, so that {@code source.update(list)} has taken effect when
     * it returns (unless another update was running at that moment: then it is applied right after
     * that one).
     */
    public Builder executor(Executor executor) {
      this.executor = checkNotNull(executor, "executor");
      return this;
    }

    /**
     * Turns the decision log on (default off): for one pick in {@code oneInPicks} (10,000 is a
     * good start in production, 1 logs every pick), a line at DEBUG on the logger
     * {@value LoadBalancer#DECISION_LOGGER} says which endpoint was picked, by which picker and
     * rule, and the candidates the picker looked at, each with its calls in flight, weight,
     * latency estimate and, for pickers that score, its score (load, cost, expected delay):
     *
     * <pre>
     * 'orders' picked 10.0.0.2:8080 with powerOfTwoChoices: the lower (inFlight + 1) / weight of two
     * random candidates; candidates: 10.0.0.1:8080 (inFlight=3, weight=1, latency=12ms, load=4.000),
     * 10.0.0.2:8080 (inFlight=1, weight=1, latency=15ms, load=2.000)
     * </pre>
     *
     * <p>The endpoint logged is the one the pick returned. A pick decides whether it is sampled
     * with one draw from the balancer's {@link #random random generator} (none when
     * {@code oneInPicks} is 1), so a seeded balancer samples the same picks every run, and the
     * random pickers of a seeded balancer see other draws than with the log off. A pick that is
     * not sampled allocates nothing; a sampled one logs only while the logger is at DEBUG, and
     * allocates its line. With the log off, a pick checks one field. Trial calls to endpoints on
     * trial are not picker decisions and are not logged.
     *
     * @throws IllegalArgumentException if {@code oneInPicks} is below 1
     */
    public Builder decisionLog(int oneInPicks) {
      this.decisionLogOneIn = checkInRange(oneInPicks, 1, Integer.MAX_VALUE, "decisionLog");
      return this;
    }

    /** Adds a listener; listeners are called in the order added. */
    public Builder listener(LoadBalancerListener listener) {
      listeners.add(checkNotNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a listener of every call's outcome and duration (from acquire to the report, on the
     * {@link #ticker ticker}), called on the thread that reports it: see {@link CallListener}.
     * Listeners are called in the order added. Without one, an outcome costs one field check more.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder callListener(CallListener listener) {
      calls.add(checkNotNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the balancer, creates its health tracker from the policy and starts it (on this
     * thread), and subscribes it to its source; a static or mutable source delivers its list
     * before this returns, and that list is applied on this thread. When the tracker fails to
     * start, the source throws from {@code subscribe}, or a listener throws an {@code Error} on
     * the first list, whatever was started (the tracker, its threads) is stopped, the balancer is
     * closed and the exception is rethrown.
     *
     * @throws IllegalStateException if neither or both of {@link #endpoints} and {@link #source}
     *     were set
     * @throws NullPointerException if the health policy returned no tracker
     */
    public LoadBalancer build() {
      checkState(
          endpoints != null || source != null,
          "load balancer '" + name + "' has no endpoints (expected: endpoints(list) or source(source))");
      checkState(
          endpoints == null || source == null,
          "load balancer '" + name + "' has both endpoints(list) and source(source) (expected: one of them)");
      List<Endpoint> list = endpoints;
      return new LoadBalancer(this, source != null ? source : EndpointSource.of(java.util.Objects.requireNonNull(list, "endpoints")));
    }
  }
}
