package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules every {@link EndpointSource} that follows a registry (DNS, Kubernetes, ZooKeeper)
 * keeps, written once; a source extends this class, watches or polls its registry from
 * {@link #start()}, and reports what it learns with {@link #deliver} and {@link #failed}.
 *
 * <ul>
 *   <li>Complete lists only: {@link #deliver} takes the registry's whole current list. An
 *       endpoint that leaves it is drained by the balancer (no new calls; calls in flight finish).
 *       The same list twice delivers nothing.
 *   <li>The registry being down, slow or answering garbage never empties the pool:
 *       {@link #failed} keeps the last good list, tells the subscribers that the source is stale
 *       and since when (a {@link SourceStatus}, which the balancer passes to its listeners) and logs
 *       one line; further failures while stale log nothing. The next good answer logs one line
 *       and makes the source current again. A source retries on its own, with {@link Backoff}.
 *   <li>An empty list is delivered only when the registry says authoritatively that there is
 *       nothing (each source documents when): call {@link #deliver} with it then, and
 *       {@link #failed} for an empty answer that is not authoritative.
 *   <li>The first list: a balancer's build does not wait for it; until it comes, picks throw a
 *       {@link NoAvailableEndpointException} naming the source and its status, and
 *       {@link LoadBalancer#awaitFirstList} lets an application wait for it at start-up.
 *   <li>{@link #start()} runs when the first balancer subscribes, {@link #stop()} when the last
 *       one closes: closing the balancer closes the source, and {@link #stop()} must end every
 *       watch, thread and connection the source opened.
 * </ul>
 *
 * <p>Thread-safe: {@link #deliver} and {@link #failed} may be called from any thread; subscribers
 * hear them one at a time, in order, on the calling thread.
 */
public abstract class RegistrySource implements EndpointSource {
  private static final Logger logger = LoggerFactory.getLogger(RegistrySource.class);

  private final String description;
  private final Clock clock;
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Listener> listeners = new ArrayList<>();
  private @Nullable List<Endpoint> last;
  private SourceStatus status;
  private boolean started;
  private boolean stopped;

  /**
   * A source that describes itself as {@code description} (in logs and errors, such as
   * {@code "dns:_http._tcp.orders.example"}), on the system clock.
   */
  protected RegistrySource(String description) {
    this(description, Clock.systemUTC());
  }

  /** A source on {@code clock} (the wall-clock time of its status); tests pass a fixed clock. */
  protected RegistrySource(String description, Clock clock) {
    checkNotNull(description, "description");
    checkArgument(!description.isBlank(), "description", "\"" + description + "\"", "a non-blank description");
    this.description = description;
    this.clock = checkNotNull(clock, "clock");
    this.status = SourceStatus.waiting(description, clock.instant());
  }

  /**
   * Begins watching or polling the registry; called once, when the first balancer subscribes,
   * with no lock held. Must not block: start a thread, a watch, or schedule a task.
   */
  protected abstract void start();

  /**
   * Ends every watch, thread and connection the source opened; called once, when the last
   * subscriber closes, with no lock held. Deliveries after it are ignored.
   */
  protected abstract void stop();

  @Override
  public final Subscription subscribe(Listener listener) {
    checkNotNull(listener, "listener");
    boolean startNow;
    synchronized (lock) {
      if (stopped) {
        throw new IllegalStateException("source " + description + " is closed (expected: a source per balancer lifetime)");
      }
      listeners.add(listener);
      List<Endpoint> current = last;
      if (current != null) {
        listener.onEndpoints(current);
      }
      listener.onStatus(status);
      startNow = !started;
      started = true;
    }
    if (startNow) {
      start();
    }
    return () -> unsubscribe(listener);
  }

  private void unsubscribe(Listener listener) {
    boolean stopNow;
    synchronized (lock) {
      if (!listeners.remove(listener)) {
        return; // closed already
      }
      stopNow = listeners.isEmpty() && !stopped;
      if (stopNow) {
        stopped = true;
      }
    }
    if (stopNow) {
      try {
        stop();
      } catch (RuntimeException e) {
        logger.warn("Endpoint source {} failed to stop", description, e);
      }
    }
  }

  /**
   * The registry's whole current list, a good answer (empty only when the registry says
   * authoritatively that there is nothing). Ignored after {@link #stop()}.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if two endpoints share a {@code host:port}
   */
  protected final void deliver(List<Endpoint> endpoints) {
    List<Endpoint> copy = EndpointLists.checkedCopy(endpoints);
    synchronized (lock) {
      if (stopped) {
        return;
      }
      boolean changed = !copy.equals(last);
      SourceStatus previous = status;
      boolean statusChanged = previous.state() != SourceStatus.State.CURRENT;
      if (statusChanged) {
        if (previous.state() == SourceStatus.State.STALE) {
          logger.info("Endpoint source {} is current again ({} endpoints) after being stale since {}",
              description, copy.size(), previous.since());
        }
        status = SourceStatus.current(description, clock.instant());
      }
      last = copy;
      for (Listener listener : listeners) {
        if (changed) {
          listener.onEndpoints(copy);
        }
        if (statusChanged) {
          listener.onStatus(status);
        }
      }
    }
  }

  /**
   * The registry could not be read, or answered something unusable: the last good list stays;
   * the first failure after a good answer makes the source stale (one log line, one status to
   * the subscribers). Ignored after {@link #stop()}.
   */
  protected final void failed(String reason) {
    checkNotNull(reason, "reason");
    synchronized (lock) {
      if (stopped) {
        return;
      }
      SourceStatus previous = status;
      if (previous.state() == SourceStatus.State.STALE) {
        return; // stale already: one line, one event
      }
      List<Endpoint> kept = last;
      status = SourceStatus.stale(description, clock.instant(), reason);
      logger.warn("Endpoint source {} is stale: {}; {}", description, reason,
          kept == null ? "no list yet" : "keeping its last list of " + kept.size() + " endpoints");
      for (Listener listener : listeners) {
        listener.onStatus(status);
      }
    }
  }

  /** The source's status now. */
  public final SourceStatus status() {
    synchronized (lock) {
      return status;
    }
  }

  /** Whether {@link #stop()} has run (the last subscriber closed). */
  protected final boolean isStopped() {
    synchronized (lock) {
      return stopped;
    }
  }

  /** How the source describes itself. */
  public final String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
