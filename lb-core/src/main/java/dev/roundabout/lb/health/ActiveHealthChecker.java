package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;

import dev.roundabout.lb.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health: calls a {@link HealthProbe} for every endpoint every {@code interval} (default
 * 5 s, with ±10% jitter so that checks of many endpoints and many clients spread out), each with a
 * {@code timeout} (default 1 s). An endpoint turns unhealthy after {@code unhealthyThreshold}
 * failed checks in a row (default 2) and healthy again after {@code healthyThreshold} good ones
 * (default 2). A check that times out or throws has failed. The checks of one endpoint never
 * overlap: the next starts an interval after the previous one started, and never before it ended.
 *
 * <p>An endpoint starts healthy, or, with {@code initiallyHealthy(false)}, unknown: it takes no
 * call until its first check passes.
 *
 * <pre>{@code
 * ActiveHealthChecker.builder(TcpConnectProbe.create())
 *     .interval(Duration.ofSeconds(5))
 *     .timeout(Duration.ofSeconds(1))
 *     .healthyThreshold(2)
 *     .unhealthyThreshold(2)
 *     .build();
 * }</pre>
 *
 * <p>Checks run on the {@link Builder#scheduler scheduler} you give (which you shut down), or on
 * one daemon thread the checker starts with its balancer and stops when the balancer closes.
 * Closing the balancer stops all checks. Thread-safe. Serves one balancer.
 */
public final class ActiveHealthChecker implements HealthTracker {
  /** Default time between two checks of an endpoint: 5 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  /** Default time a check may take: 1 second. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** Default good checks in a row that make an endpoint healthy: 2. */
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  /** Default failed checks in a row that make an endpoint unhealthy: 2. */
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 2;
  /** Default jitter of the interval: 10 percent. */
  public static final int DEFAULT_JITTER_PERCENT = 10;

  private static final Logger logger = LoggerFactory.getLogger(ActiveHealthChecker.class);

  private final HealthProbe probe;
  private final long intervalNanos;
  private final Duration timeout;
  private final long timeoutNanos;
  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private final int jitterPercent;
  private final boolean initiallyHealthy;
  private final @Nullable ScheduledExecutorService givenScheduler;

  private final ConcurrentHashMap<String, Probed> probed = new ConcurrentHashMap<>();
  private volatile @Nullable HealthContext context;
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile boolean closed;

  private ActiveHealthChecker(Builder builder) {
    this.probe = builder.probe;
    this.intervalNanos = builder.interval.toNanos();
    this.timeout = builder.timeout;
    this.timeoutNanos = builder.timeout.toNanos();
    this.healthyThreshold = builder.healthyThreshold;
    this.unhealthyThreshold = builder.unhealthyThreshold;
    this.jitterPercent = builder.jitterPercent;
    this.initiallyHealthy = builder.initiallyHealthy;
    this.givenScheduler = builder.scheduler;
  }

  /**
   * A builder of a checker that calls {@code probe}.
   *
   * @throws NullPointerException if {@code probe} is null
   */
  public static Builder builder(HealthProbe probe) {
    return new Builder(checkNotNull(probe, "probe"));
  }

  @Override
  public synchronized void start(HealthContext context) {
    this.context = HealthTrackers.firstStart(this.context, context, "ActiveHealthChecker");
    ScheduledExecutorService given = givenScheduler;
    this.scheduler = given != null ? given : Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "roundabout-health-" + context.balancerName());
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    for (Endpoint endpoint : removed) {
      Probed gone = probed.remove(endpoint.address());
      if (gone != null) {
        gone.stop();
      }
    }
    for (Endpoint endpoint : added) {
      Probed p = new Probed(endpoint);
      if (probed.putIfAbsent(endpoint.address(), p) == null) {
        p.scheduleFirst();
      }
    }
  }

  @Override
  public EndpointHealth health(Endpoint endpoint, long nowNanos) {
    Probed p = probed.get(endpoint.address());
    return p == null ? initialHealth() : p.status();
  }

  @Override
  public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
    // Active checks ignore the outcomes of calls: pair with an OutlierDetector for those.
  }

  @Override
  public void close() {
    closed = true;
    for (Probed p : probed.values()) {
      p.stop();
    }
    probed.clear();
    ScheduledExecutorService s = scheduler;
    if (s != null && givenScheduler == null) {
      s.shutdownNow();
    }
  }

  /** The scheduler the checks run on (the given one, or the checker's own once started). */
  @Nullable ScheduledExecutorService scheduler() {
    return scheduler;
  }

  private EndpointHealth initialHealth() {
    return initiallyHealthy ? EndpointHealth.AVAILABLE : EndpointHealth.UNKNOWN;
  }

  /** The interval with jitter: uniform in {@code interval * (1 +- jitter)}. */
  private long jitteredInterval(HealthContext c) {
    if (jitterPercent == 0) {
      return intervalNanos;
    }
    double spread = jitterPercent / 100.0 * (2 * c.random().nextDouble() - 1);
    return Math.max(0, Math.round(intervalNanos * (1 + spread)));
  }

  @Override
  public String toString() {
    return "ActiveHealthChecker{" + probe + ", interval=" + Duration.ofNanos(intervalNanos) + ", timeout=" + timeout
        + ", healthy/unhealthy=" + healthyThreshold + "/" + unhealthyThreshold + '}';
  }

  /** The checks of one endpoint; guarded by its own lock. */
  private final class Probed {
    private final Endpoint endpoint;
    private EndpointHealth status = initialHealth();
    private int goodInARow;
    private int badInARow;
    private long attempt;
    private boolean running;
    private boolean stopped;
    private long startedAt;
    private @Nullable Future<?> next;
    private @Nullable Future<?> deadline;
    private @Nullable CompletionStage<Boolean> stage;

    Probed(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    synchronized EndpointHealth status() {
      return status;
    }

    void scheduleFirst() {
      HealthContext c = context;
      if (c == null) {
        return;
      }
      long spread = Math.round(intervalNanos * jitterPercent / 100.0 * c.random().nextDouble());
      synchronized (this) {
        next = schedule(this::check, spread);
      }
    }

    private void check() {
      HealthContext c = context;
      long current;
      synchronized (this) {
        if (stopped || closed || running || c == null) {
          return;
        }
        running = true;
        current = ++attempt;
        startedAt = c.ticker().read();
        deadline = schedule(() -> complete(current, false, "timed out after " + timeout), timeoutNanos);
      }
      CompletionStage<Boolean> result;
      try {
        result = checkNotNull(probe.check(endpoint, timeout), "stage");
      } catch (RuntimeException e) {
        complete(current, false, "probe threw " + e);
        return;
      }
      boolean abandoned;
      synchronized (this) {
        abandoned = stopped || closed || attempt != current || !running; // timed out or stopped already
        if (!abandoned) {
          stage = result;
        }
      }
      if (abandoned) {
        result.toCompletableFuture().cancel(true);
        return;
      }
      result.whenComplete((healthy, error) ->
          complete(current, error == null && Boolean.TRUE.equals(healthy), error == null ? "probe said " + healthy : "probe failed: " + error));
    }

    private void complete(long which, boolean healthy, String detail) {
      HealthContext c = context;
      boolean changed;
      CompletionStage<Boolean> abandoned;
      synchronized (this) {
        if (stopped || closed || c == null || which != attempt || !running) {
          return; // a late result of a check that already timed out, or a stopped endpoint
        }
        running = false;
        abandoned = healthy ? null : stage;
        stage = null;
        cancel(deadline);
        EndpointHealth before = status;
        if (healthy) {
          goodInARow++;
          badInARow = 0;
          if (status == EndpointHealth.UNKNOWN || status == EndpointHealth.UNHEALTHY && goodInARow >= healthyThreshold) {
            status = EndpointHealth.AVAILABLE;
          }
        } else {
          badInARow++;
          goodInARow = 0;
          if (status != EndpointHealth.UNHEALTHY && badInARow >= unhealthyThreshold) {
            status = EndpointHealth.UNHEALTHY;
          }
        }
        changed = before != status;
        long elapsed = c.ticker().read() - startedAt;
        next = schedule(this::check, Math.max(0, jitteredInterval(c) - elapsed));
      }
      if (abandoned != null) {
        abandoned.toCompletableFuture().cancel(true); // lets the probe release what it holds
      }
      logger.debug("Health check of {} in '{}': {} ({})", endpoint.address(), c.balancerName(),
          healthy ? "passed" : "failed", detail);
      if (changed) {
        c.refresh();
      }
    }

    void stop() {
      CompletionStage<Boolean> running;
      synchronized (this) {
        stopped = true;
        cancel(next);
        cancel(deadline);
        running = stage;
        stage = null;
      }
      if (running != null) {
        running.toCompletableFuture().cancel(true); // lets the probe release its socket
      }
    }

    private @Nullable Future<?> schedule(Runnable task, long delayNanos) {
      ScheduledExecutorService s = scheduler;
      if (s == null || closed) {
        return null;
      }
      try {
        return s.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        logger.warn("Health checks of {} stopped: the scheduler refused them", endpoint.address());
        return null;
      }
    }

    private void cancel(@Nullable Future<?> future) {
      if (future != null) {
        future.cancel(false);
      }
    }
  }

  /**
   * Builds an {@link ActiveHealthChecker}. Not thread-safe; each setter checks its argument at
   * once, {@link #build()} checks that the options fit together.
   */
  public static final class Builder {
    private final HealthProbe probe;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;
    private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
    private int jitterPercent = DEFAULT_JITTER_PERCENT;
    private boolean initiallyHealthy = true;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder(HealthProbe probe) {
      this.probe = probe;
    }

    /**
     * Sets the time between two checks of an endpoint; default 5 s.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder interval(Duration interval) {
      this.interval = OutlierDetector.Builder.positive(interval, "interval");
      return this;
    }

    /**
     * Sets the time a check may take, less than the interval; default 1 s.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = OutlierDetector.Builder.positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the good checks in a row that make an unhealthy endpoint healthy; default 2.
     *
     * @throws IllegalArgumentException if {@code checks} is below 1
     */
    public Builder healthyThreshold(int checks) {
      checkArgument(checks >= 1, "healthyThreshold", checks, "1 or more");
      this.healthyThreshold = checks;
      return this;
    }

    /**
     * Sets the failed checks in a row that make an endpoint unhealthy; default 2.
     *
     * @throws IllegalArgumentException if {@code checks} is below 1
     */
    public Builder unhealthyThreshold(int checks) {
      checkArgument(checks >= 1, "unhealthyThreshold", checks, "1 or more");
      this.unhealthyThreshold = checks;
      return this;
    }

    /**
     * Sets the jitter of the interval in percent, 0 to 100: each wait is drawn uniformly in
     * {@code interval * (1 +- percent / 100)}, and the first check of an endpoint comes within
     * {@code interval * percent / 100}; default 10.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0-100
     */
    public Builder jitterPercent(int percent) {
      this.jitterPercent = checkInRange(percent, 0, 100, "jitterPercent");
      return this;
    }

    /**
     * Whether an endpoint is healthy until its first check (true, the default) or unknown and
     * not picked until a check passes (false).
     */
    public Builder initiallyHealthy(boolean healthy) {
      this.initiallyHealthy = healthy;
      return this;
    }

    /**
     * Runs the checks on {@code scheduler}, which the caller owns and shuts down; default: a
     * daemon thread of the checker's own, stopped when the balancer closes.
     *
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = checkNotNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the checker.
     *
     * @throws IllegalStateException if the timeout is not shorter than the interval
     */
    public ActiveHealthChecker build() {
      checkState(
          timeout.compareTo(interval) < 0,
          "timeout: " + timeout + " (expected: less than interval " + interval + ")");
      return new ActiveHealthChecker(this);
    }
  }
}
