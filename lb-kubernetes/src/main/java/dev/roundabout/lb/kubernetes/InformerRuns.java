package dev.roundabout.lb.kubernetes;

import dev.roundabout.lb.Backoff;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informer runs of a {@link KubernetesEndpointSource}, one {@link SliceFollower} at a time. A
 * run that fails (a list or watch failed, the informer stopped, or no watch for staleAfter) is
 * stopped at once on the source's thread, and a fresh one starts there after the source's
 * {@link Backoff}: the retries are the source's, with jitter, and fabric8's own never run beside
 * them. The failure count goes back to zero after a complete list.
 *
 * <p>Thread-safe. Followers report here without holding their own lock; this class starts and
 * stops followers under its lock, so its lock comes before a follower's, never after.
 */
final class InformerRuns {
  private static final Logger logger = LoggerFactory.getLogger(InformerRuns.class);

  /** Creates a run's follower, or logs why it cannot and returns null (the source is then stale). */
  interface Followers {
    @Nullable SliceFollower create(InformerRuns runs);
  }

  private final String description;
  private final ScheduledExecutorService thread;
  private final Backoff backoff;
  private final @Nullable RandomGenerator random;
  private final LongConsumer retryScheduled;
  private final Followers followers;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean stopped;
  /** The run under way, or the failed one until its successor starts. */
  private @Nullable SliceFollower current;
  private boolean currentFailed;
  private int failures;

  /**
   * Runs on {@code thread} (which this class shuts down), with delays from {@code backoff} and
   * {@code random} (null: {@link ThreadLocalRandom}); {@code retryScheduled} hears each delay, in
   * nanoseconds, under the lock.
   */
  InformerRuns(String description, ScheduledExecutorService thread, Backoff backoff,
      @Nullable RandomGenerator random, LongConsumer retryScheduled, Followers followers) {
    this.description = description;
    this.thread = thread;
    this.backoff = backoff;
    this.random = random;
    this.retryScheduled = retryScheduled;
    this.followers = followers;
  }

  /** Starts the first run on the calling thread; returns at once. */
  void start() {
    synchronized (lock) {
      startRun();
    }
  }

  /** Stops the run and ends the thread; nothing runs after it. */
  void stop() {
    SliceFollower stopping;
    synchronized (lock) {
      stopped = true;
      stopping = current;
      current = null;
    }
    thread.shutdownNow();
    if (stopping != null) {
      stopping.stop();
    }
  }

  /**
   * {@code run} failed, and has told the source: it is stopped on the thread, and a fresh run is
   * scheduled after the backoff. Reports of a run that is over already are ignored.
   */
  void failed(SliceFollower run) {
    synchronized (lock) {
      if (stopped || run != current || currentFailed) {
        return;
      }
      currentFailed = true;
      if (failures < Integer.MAX_VALUE) {
        failures++;
      }
      long delay = backoff.delayNanos(failures, random != null ? random : ThreadLocalRandom.current());
      retryScheduled.accept(delay);
      logger.debug("Endpoint source {}: a new informer in {} ms (failure {})", description, delay / 1_000_000, failures);
      thread.execute(run::stop);
      ScheduledFuture<?> unused = thread.schedule(this::restart, delay, TimeUnit.NANOSECONDS);
    }
  }

  /** {@code run} completed a list: the next failure waits the backoff's first delay again. */
  void listed(SliceFollower run) {
    synchronized (lock) {
      if (run == current && !currentFailed) {
        failures = 0;
      }
    }
  }

  boolean informerRunning() {
    synchronized (lock) {
      return current != null && current.informerRunning();
    }
  }

  boolean watching() {
    synchronized (lock) {
      return current != null && current.watching();
    }
  }

  private void restart() {
    synchronized (lock) {
      SliceFollower failed = current;
      if (failed != null) {
        failed.stop(); // done already, by the task before this one
      }
      startRun();
    }
  }

  // Called with lock held.
  private void startRun() {
    if (stopped) {
      return;
    }
    current = null;
    currentFailed = false;
    SliceFollower run = followers.create(this);
    current = run; // before it starts: its handlers may report at once
    if (run == null || !run.start()) {
      // The client cannot make or start an informer (it is closed): stale for good.
      current = null;
      stopped = true;
      thread.shutdownNow();
    }
  }
}
