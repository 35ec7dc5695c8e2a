package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.internal.DurationText;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tracker an {@link OutlierDetector} creates for one balancer: what the detector knows of each
 * endpoint of that balancer (failures in a row, the failure-rate window, ejections).
 *
 * <p>Thread-safe. Outcomes are counted under a per-endpoint lock on the calling thread; ejections
 * that may take the last slots of the pool decide under one more lock; time comes from the
 * balancer's {@code Ticker}.
 */
final class OutlierTracker implements HealthTracker {
  private final OutlierDetector config;
  private final ConcurrentHashMap<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Object ejectionLock = new Object();
  /** Endpoints ejected at some point and not yet seen back; guarded by {@link #ejectionLock}. */
  private final Set<Tracked> ejected = new HashSet<>();
  private volatile int poolSize;
  private volatile @Nullable HealthContext context;

  OutlierTracker(OutlierDetector config) {
    this.config = config;
  }

  @Override
  public synchronized void start(HealthContext context) {
    this.context = HealthTrackers.firstStart(this.context, context, "OutlierDetector tracker");
  }

  @Override
  public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    for (Endpoint endpoint : removed) {
      Tracked gone = tracked.remove(endpoint.address());
      if (gone != null) {
        gone.forget();
      }
    }
    for (Endpoint endpoint : added) {
      tracked.computeIfAbsent(endpoint.address(), a -> new Tracked());
    }
    poolSize = endpoints.size();
  }

  @Override
  public EndpointHealth health(Endpoint endpoint, long nowNanos) {
    Tracked t = tracked.get(endpoint.address());
    return t != null && t.ejectedAt(nowNanos) ? EndpointHealth.EJECTED : EndpointHealth.AVAILABLE;
  }

  @Override
  public @Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
    Tracked t = tracked.get(endpoint.address());
    return t == null ? null : t.reason(nowNanos);
  }

  @Override
  public long nanosUntilChange(long nowNanos) {
    long soonest = Long.MAX_VALUE;
    for (Tracked t : tracked.values()) {
      soonest = Math.min(soonest, t.nanosUntilReturn(nowNanos));
    }
    return soonest;
  }

  @Override
  public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
    Tracked t = tracked.get(endpoint.address());
    HealthContext c = context;
    if (t == null || c == null) {
      return; // an endpoint removed since the call began
    }
    if (t.record(success, c.ticker().read())) {
      c.refresh();
    }
  }

  @Override
  public void close() {
    tracked.clear();
  }

  /** The number of endpoints ejected at {@code nowNanos} (the balancer's ticker time). */
  int ejectedCount(long nowNanos) {
    synchronized (ejectionLock) {
      return ejectedNow(nowNanos);
    }
  }

  /**
   * How many endpoints are ejected at {@code now}, from the ejections still listed (those that
   * ended or whose endpoint left are dropped): the cost grows with the ejected endpoints, not with
   * the pool. Called under {@link #ejectionLock}.
   */
  private int ejectedNow(long now) {
    Iterator<Tracked> it = ejected.iterator();
    while (it.hasNext()) {
      if (!it.next().ejectedAt(now)) {
        it.remove();
      }
    }
    return ejected.size();
  }

  /**
   * Whether one more endpoint may be ejected now: fewer than {@code maxEjectionPercent} of the
   * pool, and never the last. Called under {@link #ejectionLock}, so that two ejections deciding
   * at once cannot both take the last slot.
   */
  private boolean mayEject(long now) {
    int n = poolSize;
    int max = Math.min(n - 1, (int) ((long) n * config.maxEjectionPercent / 100));
    return ejectedNow(now) < max;
  }

  @Override
  public String toString() {
    return config.toString();
  }

  /** What the detector knows of one endpoint; guarded by its own lock. */
  private final class Tracked {
    private final @Nullable RollingCounts window =
        config.failureRatePercent == OutlierDetector.OFF ? null : new RollingCounts(config.failureRateWindowNanos);
    private int failuresInARow;
    private boolean everEjected;
    private long ejectedUntil; // valid when everEjected; the endpoint is back from then on
    private int ejections; // the multiplier of the ejection time
    private @Nullable String cause; // what tripped the latest ejection, for its reason
    private boolean removed;

    /** Records an outcome; returns true when it ejected the endpoint. */
    boolean record(boolean success, long now) {
      String trip = null;
      synchronized (this) {
        if (removed || ejectedAt(now)) {
          return false; // gone, or a call that began before the ejection: nothing new
        }
        failuresInARow = success ? 0 : failuresInARow + 1;
        if (config.consecutiveFailures != OutlierDetector.OFF && failuresInARow >= config.consecutiveFailures) {
          trip = failuresInARow + " failures in a row";
        }
        RollingCounts w = window;
        if (w != null) {
          w.record(success, now);
          long calls = w.calls(now);
          long failures = w.failures(now);
          if (trip == null && calls >= config.failureRateMinimumCalls
              && failures * 100 >= (long) config.failureRatePercent * calls) {
            trip = "failure rate " + failures * 100 / calls + "% (" + failures + " of " + calls + " calls in "
                + DurationText.human(config.failureRateWindowNanos) + ")";
          }
        }
      }
      if (trip == null) {
        return false;
      }
      synchronized (ejectionLock) {
        if (!mayEject(now)) {
          return false; // the share of the pool that may be ejected is used up: keep counting
        }
        synchronized (this) {
          if (removed || ejectedAt(now)) {
            return false;
          }
          long base = config.baseEjectionNanos;
          long healthy = everEjected ? now - ejectedUntil : 0;
          int decayed = Math.max(0, ejections - (int) Math.min(Integer.MAX_VALUE, healthy / base));
          int cap = (int) Math.min(Integer.MAX_VALUE, (config.maxEjectionNanos + base - 1) / base);
          ejections = Math.min(decayed + 1, cap); // beyond the cap a longer count buys nothing
          long duration = Math.min(config.maxEjectionNanos, base * ejections);
          everEjected = true;
          ejectedUntil = now + duration;
          cause = trip + ", ejection " + ejections + " of " + DurationText.human(duration);
          ejected.add(this);
          failuresInARow = 0;
          if (window != null) {
            window.clear();
          }
          return true;
        }
      }
    }

    synchronized boolean ejectedAt(long now) {
      return everEjected && !removed && now - ejectedUntil < 0;
    }

    synchronized @Nullable HealthReason reason(long now) {
      String c = cause;
      return ejectedAt(now) && c != null ? HealthReason.of(EndpointHealth.EJECTED, c).until(ejectedUntil) : null;
    }

    synchronized long nanosUntilReturn(long now) {
      return ejectedAt(now) ? ejectedUntil - now : Long.MAX_VALUE;
    }

    /** Forgets the endpoint: it left the balancer; a late outcome ejects nothing. */
    synchronized void forget() {
      removed = true;
    }
  }
}
