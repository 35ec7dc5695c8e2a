package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;
import static dev.roundabout.lb.internal.Preconditions.quote;

import dev.roundabout.lb.internal.SerialExecutor;
import dev.roundabout.lb.internal.ThreadLocalRandomGenerator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * the {@link EndpointSource}, {@link #close()}) goes through one serialized update path that
 * reconciles the per-endpoint state by {@code host:port} (an endpoint that stays keeps its
 * in-flight count and latency), builds a new snapshot and publishes it; a change that changes
 * nothing publishes nothing. Pickers running during an update finish on the old snapshot, so a
 * pick returns an endpoint of the old or of the new list, never another.
 *
 * <p>The balancer starts no thread. Close it when done: picks then throw
 * {@link IllegalStateException}, and its source subscription ends.
 */
public final class LoadBalancer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);
  private static final int LOGGED_ENDPOINTS = 10;
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
  private final List<LoadBalancerListener> listeners;
  private final SerialExecutor updates = new SerialExecutor();

  /** Read once per pick; replaced only through {@link #publish} and {@link #close}. */
  @SuppressWarnings("FieldMayBeFinal") // written through SNAPSHOT
  private volatile Snapshot snapshot;

  // Confined to the update path.
  private final Map<String, EndpointState> states = new LinkedHashMap<>();
  private @Nullable Picker lastPicker;
  private EndpointSource.@Nullable Subscription subscription;

  private LoadBalancer(Builder builder, EndpointSource source) {
    this.name = builder.name;
    this.pickerFactory = builder.pickerFactory;
    this.ticker = builder.ticker;
    this.random = builder.random;
    this.listeners = List.copyOf(builder.listeners);
    this.snapshot = Snapshot.empty(name);
    // The source may deliver during subscribe (static and mutable sources do): the update path
    // queues the subscription's close behind that delivery, so nothing is lost either way.
    EndpointSource.Subscription s = source.subscribe(this::onEndpoints);
    updates.execute(() -> {
      if (snapshot.closed) {
        s.close();
      } else {
        subscription = s;
      }
    });
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
    return s.ready.endpoints[choose(s, context)];
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
    Snapshot s = snapshot;
    return open(s.ready, choose(s, context));
  }

  private Lease open(ReadyList ready, int index) {
    EndpointState state = ready.states[index];
    state.acquired();
    return new Lease(this, state, ready.endpoints[index], ticker.read());
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
    return index < 0 ? null : open(ready, index);
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
   * Stops the balancer: picks throw {@link IllegalStateException} from now on, and the source
   * subscription is closed. Leases already open stay valid and release normally. Idempotent.
   */
  @Override
  public void close() {
    Snapshot previous = (Snapshot) SNAPSHOT.getAndSet(this, Snapshot.closed(name));
    if (previous.closed) {
      return;
    }
    updates.execute(() -> {
      if (subscription != null) {
        subscription.close();
        subscription = null;
      }
      states.clear();
      lastPicker = null;
      logger.info("Load balancer '{}' closed", name);
    });
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

  /** Called by a {@link Lease} once per call, on the caller's thread. */
  void recordOutcome(EndpointState state, boolean success, long latencyNanos, @Nullable Throwable cause) {
    state.recordOutcome(success, latencyNanos);
  }

  private int choose(Snapshot s, PickContext context) {
    checkNotNull(context, "context");
    int size = s.ready.size();
    if (size == 0) {
      throw s.unavailable();
    }
    int index = s.picker.pick(context);
    if (index < 0 || index >= size) {
      throw new LoadBalancerException(
          "picker " + pickerFactory + " of '" + name + "' returned index " + index
              + " (expected: 0-" + (size - 1) + ")");
    }
    return index;
  }

  private void onEndpoints(List<Endpoint> endpoints) {
    updates.execute(() -> applyEndpoints(endpoints));
  }

  private void applyEndpoints(List<Endpoint> delivered) {
    if (snapshot.closed) {
      return;
    }
    List<Endpoint> endpoints;
    try {
      endpoints = EndpointLists.checkedCopy(delivered);
    } catch (RuntimeException e) {
      logger.warn("Load balancer '{}' ignored an invalid endpoint list and keeps its last one: {}", name, e.getMessage());
      explainRefusal(delivered.size(), e);
      return;
    }
    if (endpoints.equals(snapshot.all)) {
      return;
    }
    // Reconcile into a new map; nothing is committed until the new snapshot is built.
    Map<String, EndpointState> next = new LinkedHashMap<>();
    List<Endpoint> added = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      EndpointState state = states.get(endpoint.address());
      if (state == null) {
        state = new EndpointState(endpoint);
        added.add(endpoint);
      }
      next.put(endpoint.address(), state);
    }
    List<Endpoint> removed = new ArrayList<>();
    for (Map.Entry<String, EndpointState> entry : states.entrySet()) {
      if (!next.containsKey(entry.getKey())) {
        removed.add(entry.getValue().endpoint());
      }
    }
    boolean wasAvailable = snapshot.ready.size() > 0;
    EndpointState[] allStates = next.values().toArray(new EndpointState[0]);
    ReadyList ready = new ReadyList(name, allStates, endpoints.toArray(new Endpoint[0]), random, ticker, lastPicker);
    Picker picker = null;
    if (ready.size() > 0) {
      try {
        picker = checkNotNull(pickerFactory.create(ready), "picker");
      } catch (RuntimeException e) {
        logger.error("Picker factory {} of '{}' failed; keeping the last endpoint list", pickerFactory, name, e);
        explainRefusal(endpoints.size(), e);
        return;
      } finally {
        ready.clearPrevious();
      }
      lastPicker = picker;
    }
    for (int i = 0; i < allStates.length; i++) {
      allStates[i].endpoint(endpoints.get(i)); // a weight or metadata change of a backend that stays
    }
    states.clear();
    states.putAll(next);
    String unavailable = "no available endpoint in '" + name + "' (" + endpoints.size() + " endpoints)";
    publish(new Snapshot(ready, picker, endpoints, allStates, unavailable, false));

    logger.info(
        "Load balancer '{}' has {} endpoints (+{} -{}): {}",
        name, endpoints.size(), added.size(), removed.size(), truncated(endpoints));
    for (Endpoint endpoint : added) {
      notifyListeners(l -> l.onEndpointAdded(name, endpoint));
    }
    for (Endpoint endpoint : removed) {
      notifyListeners(l -> l.onEndpointRemoved(name, endpoint));
    }
    Snapshot current = snapshot;
    if (wasAvailable && current.ready.size() == 0 && !current.closed) {
      logger.warn("{}", current.unavailableMessage);
      notifyListeners(l -> l.onNoAvailableEndpoint(name, current.unavailableMessage));
    }
  }

  /**
   * When a list was refused and none is ready, says why in the error of every pick, so that a
   * balancer whose first list was refused does not look merely empty.
   */
  private void explainRefusal(int size, RuntimeException cause) {
    Snapshot current = snapshot;
    if (current.ready.size() == 0 && !current.closed) {
      String message = "no available endpoint in '" + name + "' (" + current.all.size() + " endpoints; a list of "
          + size + " was refused: " + cause.getMessage() + ")";
      publish(new Snapshot(current.ready, current.picker, current.all, current.allStates, message, false));
    }
  }

  private void publish(Snapshot next) {
    Snapshot current;
    do {
      current = snapshot;
      if (current.closed) {
        return;
      }
    } while (!SNAPSHOT.compareAndSet(this, current, next));
  }

  private void notifyListeners(java.util.function.Consumer<LoadBalancerListener> event) {
    for (LoadBalancerListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        logger.warn("Listener {} of load balancer '{}' threw; ignored", listener, name, e);
      }
    }
  }

  private static String truncated(List<Endpoint> endpoints) {
    if (endpoints.size() <= LOGGED_ENDPOINTS) {
      return endpoints.toString();
    }
    return endpoints.subList(0, LOGGED_ENDPOINTS).toString().replaceFirst("]$", "")
        + ", ... " + (endpoints.size() - LOGGED_ENDPOINTS) + " more]";
  }

  /** An immutable view of the balancer, published through one volatile field. */
  private static final class Snapshot {
    private static final EndpointState[] NO_STATES = new EndpointState[0];
    private static final Endpoint[] NO_ENDPOINTS = new Endpoint[0];

    final ReadyList ready;
    final @Nullable Picker picker;
    final List<Endpoint> all;
    final EndpointState[] allStates;
    final String unavailableMessage;
    final boolean closed;

    Snapshot(
        ReadyList ready,
        @Nullable Picker picker,
        List<Endpoint> all,
        EndpointState[] allStates,
        String unavailableMessage,
        boolean closed) {
      this.ready = ready;
      this.picker = picker;
      this.all = all;
      this.allStates = allStates;
      this.unavailableMessage = unavailableMessage;
      this.closed = closed;
    }

    static Snapshot empty(String name) {
      return new Snapshot(
          new ReadyList(name, NO_STATES, NO_ENDPOINTS, ThreadLocalRandomGenerator.INSTANCE, Ticker.system(), null),
          null, List.of(), NO_STATES,
          "no available endpoint in '" + name + "' (0 endpoints)", false);
    }

    static Snapshot closed(String name) {
      return new Snapshot(
          new ReadyList(name, NO_STATES, NO_ENDPOINTS, ThreadLocalRandomGenerator.INSTANCE, Ticker.system(), null),
          null, List.of(), NO_STATES,
          "load balancer '" + name + "' is closed", true);
    }

    RuntimeException unavailable() {
      String name = ready.balancerName();
      return closed
          ? new IllegalStateException(unavailableMessage)
          : new NoAvailableEndpointException(name, unavailableMessage);
    }
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

    /** Adds a listener; listeners are called in the order added. */
    public Builder listener(LoadBalancerListener listener) {
      listeners.add(checkNotNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the balancer and subscribes it to its source; a static or mutable source delivers
     * its list before this returns.
     *
     * @throws IllegalStateException if neither or both of {@link #endpoints} and {@link #source}
     *     were set
     */
    public LoadBalancer build() {
      checkState(
          endpoints != null || source != null,
          "load balancer '" + name + "' has no endpoints (expected: endpoints(list) or source(source))");
      checkState(
          endpoints == null || source == null,
          "load balancer '" + name + "' has both endpoints(list) and source(source) (expected: one of them)");
      return new LoadBalancer(this, source != null ? source : EndpointSource.of(endpoints));
    }
  }
}
