package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.health.HealthTracker;
import dev.roundabout.lb.internal.RefreshingPicker;
import dev.roundabout.lb.internal.SerialExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's update path: every change (a list from the source, a health change, a due
 * time-driven step, the close) runs here, one at a time, on the builder's executor. It reconciles
 * the per-endpoint state by {@code host:port}, computes {@link Readiness}, builds the picker and
 * publishes a new {@link Snapshot}; it calls the health tracker's {@code endpointsChanged} and the
 * listeners. Picks never wait for it: they read the last published snapshot.
 *
 * <p>Who runs it: a refresh asked for by a pick, an outcome or a health tracker is handed to the
 * executor ({@link #requestRefresh}, coalesced); a source's delivery, the build and the close are
 * applied on the calling thread when the path is idle, and queued behind the running update
 * otherwise. Every method that touches the confined state asserts that it runs inside the path.
 */
final class UpdatePath {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);

  /** How long a refresh whose picker the factory refused waits before it is tried again. */
  private static final long REFUSED_REFRESH_BACKOFF_NANOS = 1_000_000_000L;
  /** How long {@link #close()} waits for an update running on another thread to finish. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final String name;
  private final LoadBalancer balancer;
  private final PickerFactory pickerFactory;
  private final Ticker ticker;
  private final RandomGenerator random;
  private final Announcer announcer;
  private final HealthBridge health;
  private final Readiness.Options readinessOptions;
  private final SerialExecutor updates;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final Runnable refreshTask = this::refreshNow;
  /** Whether a refresh must recompute readiness (a health change), not only refresh the picker. */
  private volatile boolean readinessRequested;
  /** When readiness is next due by time (slow start), {@link Snapshot#NEVER} for never; update path only. */
  private long readinessDueAt = Snapshot.NEVER;

  // Confined to the update path.
  private final Map<String, EndpointState> states = new LinkedHashMap<>();
  private List<Endpoint> list = List.of();
  private boolean firstListApplied;
  private @Nullable Picker lastPicker;
  private EndpointSource.@Nullable Subscription subscription;
  private @Nullable SourceStatus sourceStatus;
  private final CountDownLatch firstList = new CountDownLatch(1);

  UpdatePath(LoadBalancer balancer, String name, PickerFactory pickerFactory, Ticker ticker, RandomGenerator random,
      List<LoadBalancerListener> listeners, @Nullable HealthTracker tracker, int panicThreshold, long slowStartNanos,
      int slowStartMinPercent, Executor executor, List<CallListener> calls) {
    this.balancer = balancer;
    this.name = name;
    this.pickerFactory = pickerFactory;
    this.ticker = ticker;
    this.random = random;
    this.announcer = new Announcer(name, listeners);
    this.updates = new SerialExecutor("load balancer '" + name + "'", executor);
    this.health = new HealthBridge(name, tracker, ticker, random, balancer, this, calls);
    this.readinessOptions = new Readiness.Options(health, panicThreshold, slowStartNanos, slowStartMinPercent);
  }

  HealthBridge health() {
    return health;
  }

  /**
   * Starts the health tracker and subscribes to {@code source}; a list the source delivers
   * meanwhile is applied on this thread before this returns. On failure, stops what was started.
   */
  void start(EndpointSource source) {
    health.start(); // before the source can deliver; throws if the tracker refuses
    EndpointSource.Subscription s;
    try {
      s = source.subscribe(new EndpointSource.Listener() {
        @Override
        public void onEndpoints(List<Endpoint> endpoints) {
          UpdatePath.this.onEndpoints(endpoints);
        }

        @Override
        public void onStatus(SourceStatus status) {
          updates.executeHere(() -> applyStatus(status));
        }
      });
    } catch (RuntimeException | Error e) {
      // No balancer reaches the caller, so nobody could close it: stop what was started (the
      // tracker and its threads) and ignore any later delivery.
      balancer.close();
      throw e;
    }
    updates.executeHere(() -> { // the builder owns the balancer until build() returns
      if (balancer.snapshot().closed) {
        s.close();
      } else {
        subscription = s;
      }
    });
  }

  /** Asserts that the caller runs inside the update path. */
  void checkInUpdatePath() {
    updates.checkInSerializedPath();
  }

  /** Asks for a refresh on the executor; requests made while one is queued are merged. */
  void requestRefresh() {
    readinessRequested = true;
    requestDueRefresh();
  }

  /**
   * Asks for the refresh the published snapshot says is due: readiness is recomputed only if its
   * own due time has come or another request asked for it; otherwise only the picker refreshes
   * (a probing picker's tick costs one snapshot, not a rebuild).
   */
  void requestDueRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      updates.execute(refreshTask);
    }
  }

  /** Stops the path: closes the subscription and the tracker, on the path, and waits for it. */
  void close() {
    CountDownLatch closed = new CountDownLatch(1);
    updates.executeHere(() -> {
      try {
        if (subscription != null) {
          subscription.close();
          subscription = null;
        }
        states.clear();
        list = List.of();
        lastPicker = null;
        health.close();
        logger.info("Load balancer '{}' closed", name);
      } finally {
        closed.countDown();
      }
    });
    if (updates.isCurrentThreadDraining() || closed.getCount() == 0) {
      return; // runs after the current task, or ran here
    }
    try { // an update runs on another thread: it runs the close next
      if (!closed.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        logger.warn("Load balancer '{}' is closing in the background: its update path has been busy for {} s",
            name, CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the first list has been applied, at most {@code timeout}; true if it has.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitFirstList(long timeoutNanos) throws InterruptedException {
    return firstList.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void applyStatus(SourceStatus status) {
    checkInUpdatePath();
    SourceStatus previous = sourceStatus;
    sourceStatus = status;
    Snapshot current = balancer.snapshot();
    if (!firstListApplied && !current.closed) {
      balancer.publish(current.withMessage(
          "no available endpoint in '" + name + "' (no list yet from " + status + ")"));
    }
    announcer.sourceStatus(previous, status);
  }

  private void onEndpoints(List<Endpoint> endpoints) {
    updates.executeHere(() -> applyEndpoints(endpoints)); // on the delivering thread when the path is idle
  }

  private void applyEndpoints(List<Endpoint> delivered) {
    checkInUpdatePath();
    if (balancer.snapshot().closed) {
      return;
    }
    List<Endpoint> endpoints;
    try {
      endpoints = EndpointLists.checkedCopy(delivered);
    } catch (RuntimeException e) {
      logger.warn("Load balancer '{}' ignored an invalid endpoint list and keeps its last one: {}", name, e.getMessage());
      explainRefusal(delivered == null ? 0 : delivered.size(), e);
      return;
    }
    if (endpoints.equals(list) && firstListApplied) {
      return;
    }
    // Reconcile into a new map; nothing is committed until the new snapshot is built.
    Map<String, EndpointState> next = new LinkedHashMap<>();
    List<Endpoint> added = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      EndpointState state = states.get(endpoint.address());
      if (state == null) {
        state = new EndpointState(endpoint);
        state.rampWhenAvailable = firstListApplied;
        added.add(endpoint);
      }
      next.put(endpoint.address(), state);
    }
    List<Endpoint> removed = new ArrayList<>();
    List<EndpointState> removedStates = new ArrayList<>();
    for (Map.Entry<String, EndpointState> entry : states.entrySet()) {
      if (!next.containsKey(entry.getKey())) {
        removed.add(entry.getValue().endpoint());
        removedStates.add(entry.getValue());
      }
    }
    EndpointState[] allStates = next.values().toArray(new EndpointState[0]);
    Endpoint[] previousEndpoints = new Endpoint[allStates.length];
    for (int i = 0; i < allStates.length; i++) {
      previousEndpoints[i] = allStates[i].endpoint();
      allStates[i].endpoint(endpoints.get(i)); // a weight or metadata change of a backend that stays
    }
    boolean wasAvailable = balancer.snapshot().ready.size() > 0;
    if (!rebuild(endpoints, allStates, removedStates)) {
      for (int i = 0; i < allStates.length; i++) {
        allStates[i].endpoint(previousEndpoints[i]);
      }
      return;
    }
    states.clear();
    states.putAll(next);
    list = endpoints;
    firstListApplied = true;
    firstList.countDown();
    health.endpointsChanged(endpoints, added, removed);
    announcer.listChanged(endpoints, added, removed);
    announceIfNoneLeft(wasAvailable);
    announcer.rethrowListenerError(); // the update is complete
  }

  /** Tells the listeners when the balancer, which had an available endpoint, has none now. */
  private void announceIfNoneLeft(boolean wasAvailable) {
    Snapshot published = balancer.snapshot();
    if (wasAvailable && published.ready.size() == 0 && published.trials.length == 0 && !published.closed) {
      announcer.noneLeft(published.unavailableMessage);
    }
  }

  private void refreshNow() {
    checkInUpdatePath();
    refreshQueued.set(false);
    boolean readiness = readinessRequested;
    readinessRequested = false;
    Snapshot current = balancer.snapshot();
    if (!readiness && !current.closed && firstListApplied && current.picker instanceof RefreshingPicker refreshing) {
      long now = ticker.read();
      if (readinessDueAt == Snapshot.NEVER || now - readinessDueAt < 0) { // only the picker is due
        long due = refreshing.refresh(now);
        balancer.publish(current.withRefreshAt(nextRefreshAt(readinessDueAt, due, now)));
        announcer.rethrowListenerError();
        return;
      }
    }
    if (!current.closed && firstListApplied) {
      boolean wasAvailable = balancer.snapshot().ready.size() > 0;
      if (rebuild(list, states.values().toArray(new EndpointState[0]), null)) {
        announceIfNoneLeft(wasAvailable);
      }
    }
    announcer.rethrowListenerError(); // the update is complete
  }

  /**
   * Computes readiness of {@code allStates} and publishes a snapshot of it, building a new picker
   * unless the list is unchanged ({@code removed} null) and the offer is the same. {@code removed}:
   * the states of the endpoints that left the list, which drain. Returns false when the picker
   * factory refused the list (nothing was published).
   */
  private boolean rebuild(List<Endpoint> endpoints, EndpointState[] allStates, @Nullable List<EndpointState> removed) {
    checkInUpdatePath();
    boolean listChanged = removed != null;
    Snapshot current = balancer.snapshot();
    if (current.closed) {
      return false;
    }
    long now = ticker.read();
    Readiness readiness = Readiness.compute(name, allStates, readinessOptions, now);
    long refreshAt = Snapshot.NEVER;
    if (readiness.refreshDelayNanos != Long.MAX_VALUE) {
      refreshAt = now + readiness.refreshDelayNanos;
      if (refreshAt == Snapshot.NEVER) {
        refreshAt++; // the sentinel is reserved
      }
    }
    ReadyList ready;
    Picker picker;
    if (!listChanged && readiness.sameOffer(current.ready.states, current.ready.rampArray(), current.trials)) {
      ready = current.ready;
      picker = current.picker;
    } else {
      ready = new ReadyList(name, readiness.ready, readiness.readyEndpoints, random, ticker, lastPicker, readiness.ramp);
      picker = Snapshot.NO_PICKER;
      if (ready.size() > 0) {
        try {
          picker = checkNotNull(pickerFactory.create(ready), "picker");
        } catch (RuntimeException e) {
          logger.error("Picker factory {} of '{}' failed; keeping the last endpoint list", pickerFactory, name, e);
          explainRefusal(endpoints.size(), e);
          if (!listChanged) { // a due refresh: try again in a while, not at every pick
            readinessDueAt = now + REFUSED_REFRESH_BACKOFF_NANOS;
            balancer.publish(balancer.snapshot().withRefreshAt(readinessDueAt));
          }
          return false;
        } finally {
          ready.clearPrevious();
        }
        lastPicker = picker;
      }
    }
    readinessDueAt = refreshAt;
    if (picker instanceof RefreshingPicker refreshing) { // weights from live figures: recomputed here, never on a pick
      refreshAt = nextRefreshAt(refreshAt, refreshing.refresh(now), now);
    }
    boolean wasPanic = current.panic;
    readiness.commit(allStates);
    balancer.publish(
        new Snapshot(ready, picker, readiness, endpoints, allStates, draining(current.draining, removed),
            readiness.unavailableMessage, refreshAt, false));
    announcer.readinessChanged(readiness, wasPanic, endpoints.size());
    return true;
  }

  /**
   * The earlier of {@code readinessAt} (absolute, or {@link Snapshot#NEVER}) and a picker's refresh
   * {@code due} nanoseconds after {@code now} ({@link Long#MAX_VALUE} for none), never sooner than
   * the shortest refresh delay.
   */
  private static long nextRefreshAt(long readinessAt, long due, long now) {
    if (due == Long.MAX_VALUE || (readinessAt != Snapshot.NEVER && due >= readinessAt - now)) {
      return readinessAt;
    }
    long at = now + Math.max(due, Readiness.MIN_REFRESH_NANOS);
    return at == Snapshot.NEVER ? at + 1 : at; // the sentinel is reserved
  }

  /**
   * The endpoints that drain after this update: those that drained before and {@code removed},
   * less those with no call in flight left (they are done). Read by {@code describe()} only.
   */
  private static EndpointState[] draining(EndpointState[] before, @Nullable List<EndpointState> removed) {
    List<EndpointState> draining = new ArrayList<>();
    for (EndpointState state : before) {
      if (state.inFlight() > 0) {
        draining.add(state);
      }
    }
    if (removed != null) {
      for (EndpointState state : removed) {
        if (state.inFlight() > 0) {
          draining.add(state);
        }
      }
    }
    return draining.isEmpty() && before.length == 0 ? before : draining.toArray(new EndpointState[0]);
  }

  /**
   * When a list was refused and none is ready, says why in the error of every pick, so that a
   * balancer whose first list was refused does not look merely empty.
   */
  private void explainRefusal(int size, RuntimeException cause) {
    Snapshot current = balancer.snapshot();
    if (current.ready.size() == 0 && !current.closed) {
      String message = "no available endpoint in '" + name + "' (" + current.all.size() + " endpoints; a list of "
          + size + " was refused: " + cause.getMessage() + ")";
      balancer.publish(current.withMessage(message));
    }
  }

  @Override
  public String toString() {
    return updates.toString();
  }
}
