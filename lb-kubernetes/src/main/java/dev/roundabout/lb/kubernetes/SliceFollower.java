package dev.roundabout.lb.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer run of a {@link KubernetesEndpointSource}, from its start to its stop or its first
 * failure: the informer, its event and exception handlers, and the check of its watch on the
 * source's thread. A failure ends the run (fabric8 is told not to retry) and is reported to the
 * {@link InformerRuns}, which stops it and starts the next run after a backoff.
 *
 * <p>Thread-safe: the informer calls the handlers on the client's executor, one at a time; the
 * checker runs on the source's thread. Both rebuild the list from the informer's cache and
 * deliver it under one lock, so that the last delivery always comes from the newest cache. That
 * lock is taken before the source's own (in deliver and failed), never after, and is not held
 * while reporting to the runs.
 */
final class SliceFollower implements ResourceEventHandler<EndpointSlice> {
  private static final Logger logger = LoggerFactory.getLogger(SliceFollower.class);
  private static final long NOT_SET = Long.MIN_VALUE;
  private static final int MAX_REASON_LENGTH = 300;
  private static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String description;
  private final SharedIndexInformer<EndpointSlice> informer;
  private final ScheduledExecutorService thread;
  private final SliceEndpoints mapper;
  private final long staleAfterNanos;
  private final String apiServer;
  private final KubernetesEndpointSource.Reports reports;
  private final InformerRuns runs;

  private final Object lock = new Object();
  // Guarded by lock.
  /** The run is over (stopped, or failed): callbacks are ignored. */
  private boolean stopped;
  private @Nullable ScheduledFuture<?> check;
  /** A list has completed since the start. */
  private boolean listed;
  /** A list is under way, or awaited after a failure: the cache may be partial, deliver nothing. */
  private boolean listing = true;
  /** Since when (System.nanoTime) the checker has seen no watch, or NOT_SET. */
  private long unwatchedSince = NOT_SET;
  private boolean warnedNoSlice;
  private List<String> lastRejected = List.of();

  SliceFollower(String description, SharedIndexInformer<EndpointSlice> informer,
      ScheduledExecutorService thread, SliceEndpoints mapper, long staleAfterNanos, String apiServer,
      KubernetesEndpointSource.Reports reports, InformerRuns runs) {
    this.description = description;
    this.informer = informer;
    this.thread = thread;
    this.mapper = mapper;
    this.staleAfterNanos = staleAfterNanos;
    this.apiServer = apiServer;
    this.reports = reports;
    this.runs = runs;
  }

  /**
   * Starts the informer and the check of its watch; returns at once (the list and the watch are
   * asynchronous). An informer that cannot start (the client is closed) leaves the source stale
   * with the reason, and returns false.
   */
  boolean start() {
    try {
      informer.addEventHandler(this);
      informer.exceptionHandler(this::retryAfter);
      informer.stopped().whenComplete((ignored, error) -> {
        if (error != null) {
          informerStopped(error);
        }
      });
      informer.start();
    } catch (RuntimeException e) {
      stop();
      logger.error("Endpoint source {}: the informer could not start", description, e);
      reports.failed("the informer could not start: " + describe(e));
      return false;
    }
    long period = Math.max(1, Math.min(MAX_CHECK_PERIOD_NANOS, staleAfterNanos / 2));
    synchronized (lock) {
      if (!stopped) {
        check = thread.scheduleWithFixedDelay(this::checkWatch, period, period, TimeUnit.NANOSECONDS);
      }
    }
    return true;
  }

  /** Stops the informer and its check; later callbacks are ignored. Idempotent. */
  void stop() {
    ScheduledFuture<?> checking;
    synchronized (lock) {
      stopped = true;
      checking = check;
      check = null;
    }
    if (checking != null) {
      checking.cancel(false);
    }
    informer.stop();
  }

  boolean informerRunning() {
    return informer.isRunning();
  }

  boolean watching() {
    return informer.isWatching();
  }

  @Override
  public void onBeforeList(String lastSyncResourceVersion) {
    synchronized (lock) {
      listing = true;
    }
  }

  @Override
  public void onList(String resourceVersion, boolean remainedEmpty) {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      listing = false;
      listed = true;
      unwatchedSince = NOT_SET;
      deliverFromCache();
    }
    runs.listed(this);
  }

  @Override
  public void onAdd(EndpointSlice slice) {
    changed();
  }

  @Override
  public void onUpdate(EndpointSlice oldSlice, EndpointSlice newSlice) {
    changed();
  }

  @Override
  public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
    changed();
  }

  /** A watch event (or a resync): the cache is complete unless a list is under way. */
  private void changed() {
    synchronized (lock) {
      if (!stopped && listed && !listing) {
        deliverFromCache();
      }
    }
  }

  /**
   * fabric8's question after a failed list or a watch that ended on an error: never retry (the
   * informer stops, and the runs start a fresh one after their backoff), after saying the source
   * is stale. Only the next complete list makes it current.
   */
  private boolean retryAfter(boolean started, Throwable error) {
    synchronized (lock) {
      if (stopped) {
        return false;
      }
      stopped = true;
      reports.failed("the API server " + apiServer + " failed a list or watch: " + describe(error));
    }
    runs.failed(this);
    return false;
  }

  /** The informer stopped on its own, other than through {@link #retryAfter}. */
  private void informerStopped(Throwable error) {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      logger.warn("Endpoint source {}: the informer stopped", description, error);
      reports.failed("the informer stopped: " + describe(error));
    }
    runs.failed(this);
  }

  /**
   * Runs on the source's thread, every staleAfter / 2 and at least every second: a watch missing
   * for staleAfter (fabric8 reconnects a dropped watch without telling its handlers) makes the
   * source stale and ends the run; a watch back before that leaves the list current.
   */
  void checkWatch() {
    try {
      if (watchMissing()) {
        runs.failed(this);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log, and check again next time.
      logger.warn("Endpoint source {}: the watch check failed", description, e);
    }
  }

  /** Whether the watch has been missing for staleAfter; if so, the run is over. */
  private boolean watchMissing() {
    synchronized (lock) {
      if (stopped || !listed || listing) {
        unwatchedSince = NOT_SET;
        return false;
      }
      if (informer.isWatching()) {
        unwatchedSince = NOT_SET;
        return false;
      }
      long now = System.nanoTime();
      if (unwatchedSince == NOT_SET) {
        unwatchedSince = now;
        return false;
      }
      if (now - unwatchedSince < staleAfterNanos) {
        return false;
      }
      stopped = true;
      reports.failed("the API server " + apiServer + " has had no watch for " + (now - unwatchedSince) / 1_000_000 + " ms");
      return true;
    }
  }

  // Called with lock held.
  private void deliverFromCache() {
    List<EndpointSlice> slices = informer.getStore().list();
    SliceEndpoints.Mapped mapped = mapper.map(slices);
    if (slices.isEmpty() && !warnedNoSlice) {
      warnedNoSlice = true;
      logger.warn("Endpoint source {}: no EndpointSlice labelled {} in the namespace, so no endpoint "
          + "(does the Service exist, with a selector?)", description, KubernetesEndpointSource.SERVICE_NAME_LABEL);
    } else if (!slices.isEmpty()) {
      warnedNoSlice = false;
    }
    if (!mapped.rejected().isEmpty() && !mapped.rejected().equals(lastRejected)) {
      logger.warn("Endpoint source {}: skipping addresses that are no IP address or host name: {}",
          description, mapped.rejected());
    }
    lastRejected = mapped.rejected();
    reports.deliver(mapped.endpoints());
  }

  /**
   * The error as one short line: the API server's answer ({@code HTTP 403: endpointslices... is
   * forbidden: ...}), or the exception ({@code ConnectException}).
   */
  static String describe(Throwable error) {
    Throwable shown = error;
    while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
      shown = shown.getCause();
    }
    String message = shown.getMessage();
    if (shown instanceof KubernetesClientException answer && answer.getStatus() != null
        && answer.getStatus().getMessage() != null && !answer.getStatus().getMessage().isBlank()) {
      return shorten("HTTP " + answer.getCode() + ": " + answer.getStatus().getMessage());
    }
    String line = shown.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
    return shorten(line);
  }

  private static String shorten(String line) {
    String oneLine = line.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_REASON_LENGTH ? oneLine : oneLine.substring(0, MAX_REASON_LENGTH) + "...";
  }
}
