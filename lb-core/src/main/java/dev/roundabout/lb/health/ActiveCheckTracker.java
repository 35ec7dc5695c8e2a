package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.Endpoint;
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
 * The tracker an {@link ActiveHealthChecker} creates for one balancer: the checks of that
 * balancer's endpoints and what they said. Its checks run on the checker's given scheduler (shared
 * by the trackers of every balancer the checker serves, and never shut down here), or on one
 * daemon thread of its own, {@code roundabout-health-<balancer>}, started by {@link #start} and
 * stopped by {@link #close}.
 *
 * <p>Thread-safe: each endpoint's checks are guarded by their own lock.
 */
final class ActiveCheckTracker implements HealthTracker {
  private static final Logger logger = LoggerFactory.getLogger(ActiveHealthChecker.class);

  private final ActiveHealthChecker config;
  private final ConcurrentHashMap<String, Probed> probed = new ConcurrentHashMap<>();
  private volatile @Nullable HealthContext context;
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile boolean closed;

  ActiveCheckTracker(ActiveHealthChecker config) {
    this.config = config;
  }

  @Override
  public synchronized void start(HealthContext context) {
    this.context = HealthTrackers.firstStart(this.context, context, "ActiveHealthChecker tracker");
    ScheduledExecutorService given = config.givenScheduler;
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
  public @Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
    Probed p = probed.get(endpoint.address());
    if (p != null) {
      return p.reason();
    }
    return initialHealth() == EndpointHealth.UNKNOWN ? HealthReason.of(EndpointHealth.UNKNOWN, "not checked yet") : null;
  }

  @Override
  public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
    // Active checks ignore the outcomes of calls: pair with an OutlierDetector for those.
  }

  /** Stops this balancer's checks, and the thread of its own if it has one; a given scheduler runs on. */
  @Override
  public void close() {
    closed = true;
    for (Probed p : probed.values()) {
      p.stop();
    }
    probed.clear();
    ScheduledExecutorService s = scheduler;
    if (s != null && config.givenScheduler == null) {
      s.shutdownNow();
    }
  }

  /** The scheduler the checks run on (the given one, or the tracker's own once started). */
  @Nullable ScheduledExecutorService scheduler() {
    return scheduler;
  }

  private EndpointHealth initialHealth() {
    return config.initiallyHealthy ? EndpointHealth.AVAILABLE : EndpointHealth.UNKNOWN;
  }

  /** The interval with jitter: uniform in {@code interval * (1 +- jitter)}. */
  private long jitteredInterval(HealthContext c) {
    if (config.jitterPercent == 0) {
      return config.intervalNanos;
    }
    double spread = config.jitterPercent / 100.0 * (2 * c.random().nextDouble() - 1);
    return Math.max(0, Math.round(config.intervalNanos * (1 + spread)));
  }

  @Override
  public String toString() {
    return config.toString();
  }

  /** The checks of one endpoint; guarded by its own lock. */
  private final class Probed {
    private final Endpoint endpoint;
    private EndpointHealth status = initialHealth();
    private int goodInARow;
    private int badInARow;
    private @Nullable String lastFailure; // what the latest failed check said
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

    synchronized @Nullable HealthReason reason() {
      String last = lastFailure;
      if (status == EndpointHealth.UNHEALTHY && badInARow == 0) {
        return HealthReason.of(status, "passed " + goodInARow + " of the " + config.healthyThreshold
            + " checks in a row it needs, last failure: " + last);
      }
      if (status == EndpointHealth.UNHEALTHY) {
        return HealthReason.of(status, "failed " + badInARow + (badInARow == 1 ? " check" : " checks")
            + " in a row, last: " + last);
      }
      if (status == EndpointHealth.UNKNOWN) {
        return HealthReason.of(status, badInARow == 0 ? "not checked yet"
            : "no check passed yet, " + badInARow + " failed, last: " + last);
      }
      return null;
    }

    void scheduleFirst() {
      HealthContext c = context;
      if (c == null) {
        return;
      }
      long spread = Math.round(config.intervalNanos * config.jitterPercent / 100.0 * c.random().nextDouble());
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
        deadline = schedule(() -> complete(current, false, "timed out after " + config.timeout), config.timeoutNanos);
      }
      CompletionStage<Boolean> result;
      try {
        result = checkNotNull(config.probe.check(endpoint, config.timeout), "stage");
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
      result.whenComplete((healthy, error) -> complete(current, error == null && Boolean.TRUE.equals(healthy),
          error == null ? "probe said " + healthy : "probe failed: " + error));
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
          if (status == EndpointHealth.UNKNOWN
              || (status == EndpointHealth.UNHEALTHY && goodInARow >= config.healthyThreshold)) {
            status = EndpointHealth.AVAILABLE;
          }
        } else {
          badInARow++;
          goodInARow = 0;
          lastFailure = detail;
          if (status != EndpointHealth.UNHEALTHY && badInARow >= config.unhealthyThreshold) {
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
}
