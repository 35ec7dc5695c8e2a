package dev.roundabout.lb.pick;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.ProbedLoad;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import dev.roundabout.lb.internal.ProbeView;
import dev.roundabout.lb.internal.RefreshingPicker;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probing in the spirit of Prequal: servers answer probes with their requests in flight (RIF) and
 * recent latency; a pool of recent answers is shared by the successive pickers of one balancer,
 * and a pick applies the hot-cold rule to it.
 *
 * <p>An entry's requests in flight are the probed figure plus the calls this balancer has started
 * on the endpoint since the answer came (its own in-flight count now less what it was then), so
 * that a pool entry does not keep attracting calls after this client has loaded the endpoint.
 * The hot threshold is the {@code hotQuantile} of the pool's requests in flight, recomputed on the
 * update path and after each answer; an endpoint above it is hot. A pick takes the cold entry of
 * lowest latency (fewer requests in flight on a tie), else the hot entry of fewest requests in
 * flight (lower latency on a tie), and spends one of the entry's uses ({@code probeReuse}); the
 * last use takes it out of the pool. With fewer than {@value #MIN_CANDIDATES} entries for the
 * current list, or when slow start turns the chosen endpoint away, it falls back to power of two
 * choices on estimates: each endpoint's latest answer, kept whatever its age or uses, plus the
 * calls started since (its own in-flight count when it never answered).
 *
 * <p>The update path ({@link #refresh}, due every {@value #TICK_NANOS} ns while calls come)
 * forgets probes that timed out, drops entries past their age, recomputes the threshold and sends
 * {@code probesPerCall} probes per call that ended since the last refresh, to endpoints drawn at
 * random that have no probe outstanding, at most one outstanding probe per pool slot. An entry
 * past its age still counts until that refresh. Answers are written into the pool on the thread
 * that completes the probe: over the entry of the same endpoint, else an empty or expired slot,
 * else the oldest. Two answers written at once may both choose the same slot, and one is lost: a
 * probe result is a sample, and the next one replaces it. Probes outstanding when the balancer
 * closes are not cancelled by it: they end at their own timeout.
 *
 * <p>Pick: thread-safe, lock-free, allocation-free, O(pool size).
 */
final class PrequalPicker implements RefreshingPicker, PickTrace.Explaining {
  private static final Logger logger = LoggerFactory.getLogger(PrequalPicker.class);
  /** How often, at most, the update path sends probes and ages the pool: 10 ms. */
  static final long TICK_NANOS = 10_000_000L;
  /**
   * The fewest probe results a pick compares: with one, the rule would send the call wherever the
   * last probe happened to go.
   */
  static final int MIN_CANDIDATES = 2;

  /** The factory's options. */
  record Options(LoadProbe probe, double probesPerCall, int poolSize, long maxAgeNanos, double hotQuantile,
      Duration probeTimeout, int reuse) {}

  private final ReadyEndpoints ready;
  private final ProbeView calls;
  private final Options options;
  private final Pool pool;
  /**
   * The latest answer of each endpoint of this list, spent or not, whatever its age: what the
   * fallback compares when the pool has no result to use.
   */
  private final AtomicReferenceArray<Entry> latest;
  private final boolean ramping;
  private final RandomGenerator random;
  /** The ready index of each endpoint address, for answers (off the pick path). */
  private final Map<String, Integer> indexes;
  // Update path only.
  private long lastCalls;

  PrequalPicker(ReadyEndpoints ready, Options options) {
    this.ready = ready;
    this.calls = (ProbeView) ready;
    this.options = options;
    this.random = ready.random();
    this.ramping = ready.ramping();
    int n = ready.size();
    this.latest = new AtomicReferenceArray<>(n);
    this.indexes = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      indexes.put(ready.endpoint(i).address(), i);
    }
    Picker previous = ready.previous();
    Pool inherited = previous instanceof PrequalPicker p && p.options.equals(options) ? p.pool : null;
    this.pool = inherited != null ? inherited : new Pool(options.poolSize());
    this.lastCalls = totalCallsEnded();
    if (previous instanceof PrequalPicker p) {
      for (int i = 0; i < p.latest.length(); i++) {
        Entry moved = movedHere(p.latest.get(i));
        if (moved != null) {
          latest.set(moved.index, moved);
        }
      }
    }
    pool.current = this;
    remapPool();
  }

  @Override
  public int pick(PickContext context) {
    return choose(null);
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    trace.scoredBy("probed latency", true);
    trace.rule("the cold probed endpoint of lowest latency (hot: in flight above the pool's quantile)");
    return choose(trace);
  }

  private int choose(@Nullable PickTrace trace) {
    AtomicReferenceArray<Entry> slots = pool.slots;
    int threshold = pool.hotThreshold;
    int cold = -1;
    long coldLatency = Long.MAX_VALUE;
    int coldInFlight = Integer.MAX_VALUE;
    int hot = -1;
    long hotLatency = Long.MAX_VALUE;
    int hotInFlight = Integer.MAX_VALUE;
    int coldSlot = -1;
    int hotSlot = -1;
    int usable = 0;
    for (int k = 0, m = slots.length(); k < m; k++) {
      Entry e = slots.getAcquire(k);
      if (e == null || e.owner != this) {
        continue;
      }
      int i = e.index;
      usable++;
      int inFlight = e.inFlightNow(ready);
      long latency = e.latencyNanos;
      if (trace != null) {
        trace.candidate(i, (double) latency);
      }
      if (inFlight <= threshold) {
        if (latency < coldLatency || (latency == coldLatency && inFlight < coldInFlight)) {
          cold = i;
          coldSlot = k;
          coldLatency = latency;
          coldInFlight = inFlight;
        }
      } else if (inFlight < hotInFlight || (inFlight == hotInFlight && latency < hotLatency)) {
        hot = i;
        hotSlot = k;
        hotLatency = latency;
        hotInFlight = inFlight;
      }
    }
    int chosen = cold >= 0 ? cold : hot;
    if (chosen >= 0 && usable < MIN_CANDIDATES) {
      chosen = -1;
    }
    if (chosen >= 0 && (!ramping || ready.admit(chosen))) {
      int slot = cold >= 0 ? coldSlot : hotSlot;
      Entry used = slots.get(slot);
      if (used != null && used.spend()) {
        slots.compareAndSet(slot, used, null); // its uses are spent: the next probe answer takes its place
      }
      if (trace != null) {
        trace.rule(cold >= 0
            ? "the cold probed endpoint of lowest latency (in flight at most " + threshold + ")"
            : "every probed endpoint hot (in flight above " + threshold + "): the fewest in flight");
      }
      return chosen;
    }
    if (trace != null) {
      trace.rule(chosen < 0
          ? "no probe result to use: the lower estimated load of two random candidates"
          : "slow start turned the probed choice away: the lower estimated load of two random candidates");
    }
    return fallback(trace);
  }

  /**
   * Power of two choices on each candidate's estimated requests in flight: its latest answer,
   * however old, plus the calls this balancer started on it since; its own in-flight count when it
   * has never answered. Slow start as in power of two choices.
   */
  private int fallback(@Nullable PickTrace trace) {
    int n = latest.length();
    if (n == 1) {
      return 0;
    }
    long draw = random.nextLong();
    int a = Loads.firstOfTwo(draw, n);
    int b = Loads.secondOfTwo(draw, n, a);
    int loadA = estimate(a);
    int loadB = estimate(b);
    if (trace != null) {
      trace.candidate(a, loadA);
      trace.candidate(b, loadB);
    }
    int lighter = loadB < loadA ? b : a;
    if (!ramping || ready.admit(lighter)) {
      return lighter;
    }
    int other = lighter == a ? b : a;
    return ready.admit(other) ? other : lighter;
  }

  private int estimate(int index) {
    Entry e = latest.get(index);
    return e == null ? ready.inFlight(index) : e.inFlightNow(ready);
  }

  @Override
  public long refresh(long now) {
    forgetTimedOut(now);
    age(now);
    measure();
    sendProbes(now);
    return TICK_NANOS;
  }

  /** Forgets the probes outstanding for longer than the timeout, and cancels them. */
  private void forgetTimedOut(long now) {
    long timeout = options.probeTimeout().toNanos();
    AtomicReferenceArray<Pending> pending = pool.pending;
    for (int k = 0; k < pending.length(); k++) {
      Pending p = pending.get(k);
      if (p != null && now - p.sentAt >= timeout && pending.compareAndSet(k, p, null)) {
        try {
          p.stage.toCompletableFuture().cancel(false);
        } catch (UnsupportedOperationException e) {
          // a stage that cannot be cancelled: its late answer is ignored
        }
      }
    }
  }

  /** Drops the entries past their age. */
  private void age(long now) {
    AtomicReferenceArray<Entry> slots = pool.slots;
    for (int k = 0; k < slots.length(); k++) {
      Entry e = slots.get(k);
      if (e != null && now - e.receivedAt >= options.maxAgeNanos()) {
        slots.compareAndSet(k, e, null);
      }
    }
  }

  /**
   * Recomputes the hot threshold from the pool's entries for this list: on the update path and
   * after each answer (off the pick path; it allocates a small array). Two threads measuring at
   * once may publish either figure; the next measure corrects it.
   */
  private void measure() {
    AtomicReferenceArray<Entry> slots = pool.slots;
    int[] inFlight = new int[slots.length()];
    int count = 0;
    for (int k = 0; k < slots.length(); k++) {
      Entry e = slots.get(k);
      if (e != null && e.owner == this) {
        inFlight[count++] = e.inFlightNow(ready);
      }
    }
    if (count == 0 || options.hotQuantile() >= 1) {
      pool.hotThreshold = Integer.MAX_VALUE;
      return;
    }
    Arrays.sort(inFlight, 0, count);
    pool.hotThreshold = inFlight[(int) Math.floor(options.hotQuantile() * (count - 1))];
  }

  /** Sends the probes the calls that ended since the last refresh are owed. */
  private void sendProbes(long now) {
    long total = totalCallsEnded();
    long ended = Math.max(0, total - lastCalls);
    lastCalls = total;
    int n = ready.size();
    int poolSize = options.poolSize();
    pool.budget = Math.min(pool.budget + ended * options.probesPerCall(), poolSize);
    AtomicReferenceArray<Pending> pending = pool.pending;
    for (int k = 0; k < pending.length() && pool.budget >= 1; k++) {
      if (pending.get(k) != null) {
        continue;
      }
      int target = untargeted(n);
      if (target < 0) {
        return; // every endpoint has a probe outstanding
      }
      pool.budget -= 1;
      send(k, ready.endpoint(target), now);
    }
  }

  /** A random endpoint without an outstanding probe, or -1 when each has one. */
  private int untargeted(int n) {
    int start = n == 1 ? 0 : random.nextInt(n);
    for (int j = 0; j < n; j++) {
      int i = start + j < n ? start + j : start + j - n;
      if (!pool.isPending(ready.endpoint(i).address())) {
        return i;
      }
    }
    return -1;
  }

  private void send(int slot, Endpoint endpoint, long now) {
    CompletionStage<ProbedLoad> stage;
    try {
      stage = options.probe().probe(endpoint, options.probeTimeout());
    } catch (RuntimeException e) {
      pool.warnOnce(ready.balancerName(), endpoint, e);
      return;
    }
    if (stage == null) {
      pool.warnOnce(ready.balancerName(), endpoint, new NullPointerException("the probe returned no stage"));
      return;
    }
    Pending p = new Pending(endpoint, now, stage);
    pool.pending.set(slot, p); // before the callback: a stage already complete runs it at once
    stage.whenComplete((load, error) -> answered(slot, p, load, error));
  }

  /** A probe completed: its answer goes into the pool unless it was forgotten. */
  private void answered(int slot, Pending p, @Nullable ProbedLoad load, @Nullable Throwable error) {
    if (!pool.pending.compareAndSet(slot, p, null)) {
      return; // timed out and forgotten, or the pool moved on
    }
    if (load == null) {
      if (error != null) {
        pool.debugFailure(ready.balancerName(), p.endpoint, error);
      }
      return;
    }
    PrequalPicker current = pool.current;
    Integer index = current.indexes.get(p.endpoint.address());
    if (index == null) {
      return; // the endpoint left the ready list
    }
    long now = current.ready.ticker().read();
    Entry entry = new Entry(current, index, p.endpoint.address(), load.requestsInFlight(), load.latencyNanos(), now,
        current.ready.inFlight(index), options.reuse());
    current.latest.set(index, entry);
    pool.insert(entry, now, options.maxAgeNanos());
    current.measure();
  }

  /** Rewrites the pool's entries for this picker's list: new indexes, none for endpoints gone. */
  private void remapPool() {
    AtomicReferenceArray<Entry> slots = pool.slots;
    for (int k = 0; k < slots.length(); k++) {
      Entry e = slots.get(k);
      if (e != null && e.owner != this) {
        slots.compareAndSet(k, e, movedHere(e));
      }
    }
  }

  /** {@code e} for this picker's list (its index here), or null when its endpoint is not in it. */
  private @Nullable Entry movedHere(@Nullable Entry e) {
    Integer index = e == null ? null : indexes.get(e.address);
    return e == null || index == null ? null : e.movedTo(this, index);
  }

  private long totalCallsEnded() {
    long total = 0;
    for (int i = 0, n = ready.size(); i < n; i++) {
      total += calls.callsEnded(i);
    }
    return total;
  }

  /** The number of entries for this picker's list; for tests. */
  int entries() {
    int count = 0;
    for (int k = 0; k < pool.slots.length(); k++) {
      Entry e = pool.slots.get(k);
      count += e != null && e.owner == this ? 1 : 0;
    }
    return count;
  }

  /** The current hot threshold; for tests. */
  int hotThreshold() {
    return pool.hotThreshold;
  }

  /** The probe results and outstanding probes of one balancer, handed from picker to picker. */
  static final class Pool {
    final AtomicReferenceArray<Entry> slots;
    final AtomicReferenceArray<Pending> pending;
    /** The picker of the current list: answers are mapped to its indexes. */
    volatile PrequalPicker current;
    volatile int hotThreshold = Integer.MAX_VALUE;
    /** Probes owed and not yet sent; update path only. */
    double budget;
    private volatile boolean warned;

    @SuppressWarnings("NullAway.Init") // set by the picker that creates the pool
    Pool(int size) {
      this.slots = new AtomicReferenceArray<>(size);
      this.pending = new AtomicReferenceArray<>(size);
    }

    boolean isPending(String address) {
      for (int k = 0; k < pending.length(); k++) {
        Pending p = pending.get(k);
        if (p != null && p.endpoint.address().equals(address)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Writes {@code entry}: over the same endpoint's entry, else into an empty or expired slot (or
     * one of another list), else over the oldest.
     */
    void insert(Entry entry, long now, long maxAgeNanos) {
      int free = -1;
      int oldest = 0;
      long oldestAt = Long.MAX_VALUE;
      for (int k = 0; k < slots.length(); k++) {
        Entry e = slots.get(k);
        if (e != null && e.address.equals(entry.address)) {
          slots.set(k, entry);
          return;
        }
        if (e == null || now - e.receivedAt >= maxAgeNanos || e.owner != entry.owner) {
          free = free < 0 ? k : free;
        } else if (e.receivedAt < oldestAt) {
          oldestAt = e.receivedAt;
          oldest = k;
        }
      }
      slots.set(free >= 0 ? free : oldest, entry);
    }

    void warnOnce(String balancer, Endpoint endpoint, RuntimeException e) {
      if (!warned) {
        warned = true;
        logger.warn("Load balancer '{}': the load probe failed to start a probe of {}; such failures are logged "
            + "at DEBUG from now on", balancer, endpoint, e);
      } else {
        logger.debug("Load balancer '{}': the load probe failed to start a probe of {}", balancer, endpoint, e);
      }
    }

    void debugFailure(String balancer, Endpoint endpoint, Throwable error) {
      logger.debug("Load balancer '{}': a load probe of {} failed: {}", balancer, endpoint, error.toString());
    }
  }

  /** One probe result, for the list of {@link #owner}; immutable but for its uses left. */
  static final class Entry {
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Entry> USES =
        java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Entry.class, "usesLeft");
    final PrequalPicker owner;
    final int index;
    final String address;
    /** The server's requests in flight. */
    final int inFlight;
    final long latencyNanos;
    final long receivedAt;
    /** This balancer's own in-flight count on the endpoint when the answer came. */
    final int localInFlight;
    /** Picks this result may still decide; it leaves the pool when they are spent. */
    volatile int usesLeft;

    Entry(PrequalPicker owner, int index, String address, int inFlight, long latencyNanos, long receivedAt,
        int localInFlight, int uses) {
      this.owner = owner;
      this.index = index;
      this.address = address;
      this.inFlight = inFlight;
      this.latencyNanos = latencyNanos;
      this.receivedAt = receivedAt;
      this.localInFlight = localInFlight;
      this.usesLeft = uses;
    }

    /** Spends one use; true when it was the last. */
    boolean spend() {
      return USES.getAndDecrement(this) <= 1;
    }

    /**
     * The endpoint's requests in flight now, as this answer and {@code ready} (its owner's list)
     * tell them: the probed figure plus the calls this balancer started on it since, at most
     * {@link Integer#MAX_VALUE}.
     */
    int inFlightNow(ReadyEndpoints ready) {
      int since = ready.inFlight(index) - localInFlight;
      return since <= 0 ? inFlight : (int) Math.min(Integer.MAX_VALUE, (long) inFlight + since);
    }

    Entry movedTo(PrequalPicker picker, int newIndex) {
      return new Entry(picker, newIndex, address, inFlight, latencyNanos, receivedAt, localInFlight, usesLeft);
    }
  }

  /** A probe sent and not yet answered. */
  record Pending(Endpoint endpoint, long sentAt, CompletionStage<ProbedLoad> stage) {}
}
