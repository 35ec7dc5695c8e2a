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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link KubernetesEndpointSource}, from its start to its stop: the informer, its
 * event and exception handlers, and the check of its watch on the source's thread.
 *
 * <p>Thread-safe: the informer calls the handlers on the client's executor, one at a time; the
 * checker runs on the source's thread. Both rebuild the list from the informer's cache and
 * deliver it under one lock, so that the last delivery always comes from the newest cache. That
 * lock is taken before the source's own (in deliver and failed), never after.
 */
final class SliceFollower implements ResourceEventHandler<EndpointSlice> {
  private static final Logger logger = LoggerFactory.getLogger(SliceFollower.class);
  private static final long NOT_SET = Long.MIN_VALUE;
  private static final int MAX_REASON_LENGTH = 300;
  private static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String description;
  private final SharedIndexInformer<EndpointSlice> informer;
  private final ScheduledExecutorService checker;
  private final SliceEndpoints mapper;
  private final long staleAfterNanos;
  private final String apiServer;
  private final KubernetesEndpointSource.Reports reports;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean stopped;
  /** A list has completed since the start. */
  private boolean listed;
  /** A list is under way, or awaited after a failure: the cache may be partial, deliver nothing. */
  private boolean listing = true;
  /** Since when (System.nanoTime) the checker has seen no watch, or NOT_SET. */
  private long unwatchedSince = NOT_SET;
  private boolean warnedNoSlice;
  private List<String> lastRejected = List.of();

  SliceFollower(String description, SharedIndexInformer<EndpointSlice> informer,
      ScheduledExecutorService checker, SliceEndpoints mapper, long staleAfterNanos, String apiServer,
      KubernetesEndpointSource.Reports reports) {
    this.description = description;
    this.informer = informer;
    this.checker = checker;
    this.mapper = mapper;
    this.staleAfterNanos = staleAfterNanos;
    this.apiServer = apiServer;
    this.reports = reports;
  }

  /**
   * Starts the informer and the checker; returns at once (the list and the watch are
   * asynchronous). An informer that cannot start (the client is closed) leaves the source stale,
   * for good, with the reason.
   */
  void start() {
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
      return;
    }
    long period = Math.max(1, Math.min(MAX_CHECK_PERIOD_NANOS, staleAfterNanos / 2));
    ScheduledFuture<?> unused = checker.scheduleWithFixedDelay(this::checkWatch, period, period, TimeUnit.NANOSECONDS);
  }

  /** Stops the informer and ends the checker's thread; later callbacks are ignored. */
  void stop() {
    synchronized (lock) {
      stopped = true;
    }
    checker.shutdownNow();
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
   * fabric8's question after a failed list or a watch that ended on an error: always retry (with
   * its backoff), after saying the source is stale. Only the next complete list makes it current.
   */
  private boolean retryAfter(boolean started, Throwable error) {
    synchronized (lock) {
      if (stopped) {
        return false;
      }
      listing = true;
      reports.failed("the API server " + apiServer + " failed a list or watch: " + describe(error));
    }
    return true;
  }

  private void informerStopped(Throwable error) {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      logger.error("Endpoint source {}: the informer stopped and will not retry", description, error);
      reports.failed("the informer stopped: " + describe(error));
    }
  }

  /**
   * Runs on the source's thread, every staleAfter / 2 and at least every second: a watch missing
   * for staleAfter makes the source stale (fabric8 reconnects without telling its handlers); a
   * watch back after that makes it current again, with the list as the watch has rebuilt it.
   */
  void checkWatch() {
    try {
      synchronized (lock) {
        if (stopped || !listed || listing) {
          unwatchedSince = NOT_SET;
          return;
        }
        if (informer.isWatching()) {
          unwatchedSince = NOT_SET;
          if (reports.isStale()) {
            deliverFromCache();
          }
          return;
        }
        long now = System.nanoTime();
        if (unwatchedSince == NOT_SET) {
          unwatchedSince = now;
        } else if (now - unwatchedSince >= staleAfterNanos) {
          reports.failed("the API server " + apiServer + " has had no watch for "
              + (now - unwatchedSince) / 1_000_000 + " ms (fabric8 reconnects)");
        }
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log, and check again next time.
      logger.warn("Endpoint source {}: the watch check failed", description, e);
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
