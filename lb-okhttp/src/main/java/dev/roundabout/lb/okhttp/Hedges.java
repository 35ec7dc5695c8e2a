package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Hedger;
import dev.roundabout.lb.HedgingPolicy;
import dev.roundabout.lb.HedgingStats;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.Ticker;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import org.jspecify.annotations.Nullable;

/**
 * The hedging of one {@link LoadBalancingInterceptor}: a {@link Hedger} per service (its recent
 * latencies, its budget, its counts), the timer that starts hedges, the executor whose threads run
 * them, and the hedges under way, by their call. A hedge is a clone of the call that OkHttp runs
 * through the whole chain; when it reaches the interceptor, {@link #takeHedge} finds it here and the
 * interceptor makes exactly one attempt, on the endpoint taken for it. Thread-safe.
 */
final class Hedges {
  private final Map<String, Hedger> hedgers;
  private final HedgeTimer timer;
  private final Executor executor;
  private final RetryBudget budget;
  private final Ticker ticker;
  private final InterceptorListener listener;
  /** Hedges started and not yet taken by the interceptor, by their call (identity: calls do not override equals). */
  private final Map<Call, HedgedCall> started = new ConcurrentHashMap<>();

  Hedges(HedgingPolicy policy, Collection<String> services, HedgeTimer timer, Executor executor, RetryBudget budget,
      Ticker ticker, InterceptorListener listener) {
    Map<String, Hedger> map = new HashMap<>();
    for (String service : services) {
      map.put(service, policy.newHedger());
    }
    this.hedgers = Map.copyOf(map);
    this.timer = timer;
    this.executor = executor;
    this.budget = budget;
    this.ticker = ticker;
    this.listener = listener;
  }

  /**
   * Counts a call to {@code service} and, if it may be hedged ({@code replayable}, and a delay is
   * known), returns its hedging state, to start with its first attempt; null otherwise.
   */
  @Nullable HedgedCall arm(Call call, String service, LoadBalancer lb, PickContext context, boolean replayable) {
    Hedger hedger = hedger(service);
    long now = ticker.read();
    hedger.onCall(now);
    if (!replayable) {
      return null;
    }
    long delay = hedger.delayNanos(now);
    return delay < 0 ? null : new HedgedCall(this, hedger, call, service, lb, context, delay);
  }

  /** Records the latency of an attempt to {@code service} that began at {@code startNanos} and answered now. */
  void answered(String service, long startNanos) {
    long now = ticker.read();
    hedger(service).recordLatency(now - startNanos, now);
  }

  long now() {
    return ticker.read();
  }

  /**
   * A lease on another endpoint than those {@code context} avoids, for a hedge of a call to
   * {@code service} that the budgets allow; null if there is no other endpoint or a budget refuses.
   * The listener hears of the hedge sent, or of the refusal.
   */
  @Nullable Lease hedgeLease(Hedger hedger, String service, LoadBalancer lb, PickContext context) {
    Lease lease;
    try {
      lease = lb.acquire(context);
    } catch (RuntimeException e) {
      return null; // no endpoint available: no hedge
    }
    if (context.avoids(lease.endpoint())) {
      lease.close(); // no outcome: the hedge was never sent
      return null;
    }
    if (!hedger.tryHedge(budget, ticker.read())) {
      lease.close();
      listener.onHedgeRefused(service);
      return null;
    }
    listener.onHedge(service, lease.endpoint());
    return lease;
  }

  /** A hedge of a call to {@code service} answered first: the call's answer is the hedge's. */
  void won(Hedger hedger, String service) {
    hedger.onHedgeWon();
    listener.onHedgeWon(service);
  }

  Runnable schedule(Runnable task, long delayNanos) {
    return timer.schedule(task, delayNanos);
  }

  /** Registers {@code clone} as the hedge of {@code hedged}, and runs it on the executor. */
  void start(Call clone, HedgedCall hedged) {
    started.put(clone, hedged);
    executor.execute(() -> hedged.run(clone));
  }

  /** The hedging state of {@code call} if it is a hedge that has not reached the interceptor yet; removes it. */
  @Nullable HedgedCall takeHedge(Call call) {
    return started.remove(call);
  }

  /** The counts of every service's hedges, added up. */
  HedgingStats stats() {
    HedgingStats total = HedgingStats.NONE;
    for (Hedger hedger : hedgers.values()) {
      total = total.plus(hedger.stats());
    }
    return total;
  }

  private Hedger hedger(String service) {
    Hedger hedger = hedgers.get(service);
    if (hedger == null) {
      throw new IllegalStateException("service: " + service + " (expected: one of " + hedgers.keySet() + ")");
    }
    return hedger;
  }

  /**
   * The default executor of hedges: daemon threads named {@code roundabout-hedge-<n>}, made as
   * hedges need them (each hedge holds one for its attempt) and ending after a second unused.
   */
  static Executor daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
      Thread thread = new Thread(runnable, "roundabout-hedge-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }
}
