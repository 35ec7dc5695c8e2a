package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a balancer's listeners and its log what happened: endpoints added and removed, health
 * transitions, panic, no endpoint left. Each transition is logged once, when it happens.
 *
 * <p>Called only on the balancer's update path. A {@code RuntimeException} thrown by a listener is
 * logged and swallowed. An {@code Error} is logged and kept: every listener still hears every
 * event of the update, and the update path calls {@link #rethrowListenerError()} once the update is
 * complete (its state consistent), which throws the first {@code Error} with the later ones
 * suppressed.
 */
final class Announcer {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);
  private static final int LOGGED_ENDPOINTS = 10;

  private final String name;
  private final List<LoadBalancerListener> listeners;
  /** The first Error a listener threw in the current update, the later ones suppressed; or null. */
  private @Nullable Error listenerError;

  Announcer(String name, List<LoadBalancerListener> listeners) {
    this.name = name;
    this.listeners = List.copyOf(listeners);
  }

  void listChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    logger.info(
        "Load balancer '{}' has {} endpoints (+{} -{}): {}",
        name, endpoints.size(), added.size(), removed.size(), truncated(endpoints));
    for (Endpoint endpoint : added) {
      notifyListeners(l -> l.onEndpointAdded(name, endpoint));
    }
    for (Endpoint endpoint : removed) {
      notifyListeners(l -> l.onEndpointRemoved(name, endpoint));
    }
  }

  /** The source's status went from {@code previous} (null: none yet) to {@code status}. */
  void sourceStatus(@Nullable SourceStatus previous, SourceStatus status) {
    if (status.state() == SourceStatus.State.STALE) {
      notifyListeners(l -> l.onSourceStale(name, status));
    } else if (status.state() == SourceStatus.State.CURRENT && previous != null
        && previous.state() == SourceStatus.State.STALE) {
      notifyListeners(l -> l.onSourceCurrent(name, status));
    }
  }

  /** The balancer, which had an available endpoint, has none now. */
  void noneLeft(String message) {
    logger.warn("{}", message);
    notifyListeners(l -> l.onNoAvailableEndpoint(name, message));
  }

  /** What changed in health and panic with {@code readiness}. */
  void readinessChanged(Readiness readiness, boolean wasPanic, int total) {
    for (Readiness.Transition t : readiness.transitions) {
      Endpoint endpoint = t.endpoint;
      if (t.to == EndpointHealth.EJECTED || t.to == EndpointHealth.CIRCUIT_OPEN) {
        logger.warn("Load balancer '{}': {} {} (was {})", name, endpoint.address(), t.to.label(), t.from.label());
        notifyListeners(l -> l.onEndpointEjected(name, endpoint, t.to));
      } else if (t.to == EndpointHealth.UNHEALTHY) {
        logger.warn("Load balancer '{}': {} failed its health checks", name, endpoint.address());
        notifyListeners(l -> l.onHealthCheckFailed(name, endpoint));
      } else if (t.to == EndpointHealth.AVAILABLE
          && (t.from == EndpointHealth.UNHEALTHY || t.from == EndpointHealth.UNKNOWN)) {
        logger.info("Load balancer '{}': {} passed its health checks", name, endpoint.address());
        notifyListeners(l -> l.onHealthCheckPassed(name, endpoint));
      } else if (t.to == EndpointHealth.AVAILABLE) {
        logger.info("Load balancer '{}': {} restored (was {})", name, endpoint.address(), t.from.label());
        notifyListeners(l -> l.onEndpointRestored(name, endpoint));
      } else {
        logger.debug("Load balancer '{}': {} {} (was {})", name, endpoint.address(), t.to.label(), t.from.label());
      }
    }
    int available = readiness.available;
    if (readiness.panic && !wasPanic) {
      logger.warn(
          "Load balancer '{}' in panic: {} of {} endpoints available, below the threshold; picking among all",
          name, available, total);
      notifyListeners(l -> l.onPanicEntered(name, available, total));
    } else if (!readiness.panic && wasPanic) {
      logger.info("Load balancer '{}' out of panic: {} of {} endpoints available", name, available, total);
      notifyListeners(l -> l.onPanicExited(name, available, total));
    }
  }

  private void notifyListeners(Consumer<LoadBalancerListener> event) {
    for (LoadBalancerListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        logger.warn("Listener {} of load balancer '{}' threw; ignored", listener, name, e);
      } catch (Error e) {
        logger.error("Listener {} of load balancer '{}' threw an error; rethrown once the update is complete",
            listener, name, e);
        if (listenerError == null) {
          listenerError = e;
        } else if (listenerError != e) {
          listenerError.addSuppressed(e);
        }
      }
    }
  }

  /**
   * Throws the first {@code Error} a listener threw since the last call, with the later ones
   * suppressed, and forgets them; does nothing when no listener threw one. Called by the update
   * path at the end of every update that may have announced something.
   */
  void rethrowListenerError() {
    Error e = listenerError;
    if (e != null) {
      listenerError = null;
      throw e;
    }
  }

  private static String truncated(List<Endpoint> endpoints) {
    if (endpoints.size() <= LOGGED_ENDPOINTS) {
      return endpoints.toString();
    }
    return endpoints.subList(0, LOGGED_ENDPOINTS).toString().replaceFirst("]$", "")
        + ", ... " + (endpoints.size() - LOGGED_ENDPOINTS) + " more]";
  }
}
