package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Endpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptor's view of the user's {@link InterceptorListener}: every callback forwarded, and
 * a {@code RuntimeException} it throws logged and swallowed, so that a broken listener never
 * breaks a call or leaks its lease. A callback added to {@link InterceptorListener} is forwarded
 * here too. Thread-safe if the listener is.
 */
final class GuardedListener implements InterceptorListener {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancingInterceptor.class);
  private static final InterceptorListener NONE = new InterceptorListener() {
    @Override
    public String toString() {
      return "no listener";
    }
  };

  private final InterceptorListener listener;

  private GuardedListener(InterceptorListener listener) {
    this.listener = listener;
  }

  /** {@code listener} guarded, or a listener that does nothing when there is none. */
  static InterceptorListener of(@Nullable InterceptorListener listener) {
    return listener == null ? NONE : new GuardedListener(listener);
  }

  @Override
  public void onAttempt(String service, Endpoint endpoint, int attempt) {
    try {
      listener.onAttempt(service, endpoint, attempt);
    } catch (RuntimeException e) {
      failed("onAttempt", service, e);
    }
  }

  @Override
  public void onRetry(String service, boolean requeue) {
    try {
      listener.onRetry(service, requeue);
    } catch (RuntimeException e) {
      failed("onRetry", service, e);
    }
  }

  @Override
  public void onRetryRefused(String service) {
    try {
      listener.onRetryRefused(service);
    } catch (RuntimeException e) {
      failed("onRetryRefused", service, e);
    }
  }

  @Override
  public void onNoEndpoint(String service) {
    try {
      listener.onNoEndpoint(service);
    } catch (RuntimeException e) {
      failed("onNoEndpoint", service, e);
    }
  }

  @Override
  public void onHedge(String service, Endpoint endpoint) {
    try {
      listener.onHedge(service, endpoint);
    } catch (RuntimeException e) {
      failed("onHedge", service, e);
    }
  }

  @Override
  public void onHedgeWon(String service) {
    try {
      listener.onHedgeWon(service);
    } catch (RuntimeException e) {
      failed("onHedgeWon", service, e);
    }
  }

  @Override
  public void onHedgeRefused(String service) {
    try {
      listener.onHedgeRefused(service);
    } catch (RuntimeException e) {
      failed("onHedgeRefused", service, e);
    }
  }

  private void failed(String callback, String service, RuntimeException e) {
    logger.warn("Interceptor listener {} failed in {} for '{}'", listener, callback, service, e);
  }

  @Override
  public String toString() {
    return listener.toString();
  }
}
