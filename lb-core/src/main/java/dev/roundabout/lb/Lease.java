package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * One call's hold on an endpoint, from {@link LoadBalancer#acquire}: the call counts as in flight
 * on the endpoint (which least-connections style pickers read) until the lease is closed.
 *
 * <p>Report the outcome once, with {@link #success()} or {@link #failure(Throwable)}; the latency
 * recorded is the balancer's {@link Ticker} time from acquire to that report. Then
 * {@linkplain #close() close} the lease, best with try-with-resources:
 *
 * <pre>{@code
 * try (Lease lease = lb.acquire(PickContext.empty())) {
 *   try {
 *     call(lease.endpoint());
 *     lease.success();
 *   } catch (IOException e) {
 *     lease.failure(e);      // the lease is in scope here, and still open
 *     throw e;               // or handle it
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe: the outcome may be reported and the lease closed from any thread (a callback of
 * an asynchronous client, say). Only the first report counts; a second report, or a report after
 * {@code close()}, changes nothing. {@code close()} is idempotent. A lease closed without a report
 * releases the in-flight count and records no outcome (the call was abandoned).
 */
public final class Lease implements AutoCloseable {
  private static final int OPEN = 0;
  private static final int REPORTED = 1;
  private static final int CLOSED = 2;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Lease.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final LoadBalancer balancer;
  private final EndpointState endpointState;
  private final Endpoint endpoint;
  private final long startNanos;
  private final boolean trial;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;

  Lease(LoadBalancer balancer, EndpointState endpointState, Endpoint endpoint, long startNanos, boolean trial) {
    this.balancer = balancer;
    this.endpointState = endpointState;
    this.endpoint = endpoint;
    this.startNanos = startNanos;
    this.trial = trial;
  }

  /** The endpoint to send the call to. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Reports that the call succeeded. Ignored after an earlier report or after {@link #close()}.
   *
   * @return true if this report was recorded, false if it was ignored
   */
  public boolean success() {
    return report(true, null);
  }

  /**
   * Reports that the call failed with {@code cause}. Ignored after an earlier report or after
   * {@link #close()}.
   *
   * @return true if this report was recorded, false if it was ignored
   * @throws NullPointerException if {@code cause} is null (use {@link #failure()} when there is no
   *     exception, as for an error status)
   */
  public boolean failure(Throwable cause) {
    return report(false, checkNotNull(cause, "cause"));
  }

  /**
   * Reports that the endpoint could not be reached or never answered: the connection was refused,
   * could not be made in time, or was dropped before any byte of an answer came back. A failure
   * like {@link #failure(Throwable)} for health, and one more fact: until the endpoint's next
   * outcome, the balancer counts it as not answering, and panic (see
   * {@link LoadBalancer.Builder#panicThreshold}) leaves it out while other endpoints answer. Report
   * timeouts of a connection that was made with {@link #failure(Throwable)}: a slow endpoint still
   * answers. Ignored after an earlier report or after {@link #close()}.
   *
   * @return true if this report was recorded, false if it was ignored
   * @throws NullPointerException if {@code cause} is null
   */
  public boolean unreachable(Throwable cause) {
    checkNotNull(cause, "cause");
    if (!STATE.compareAndSet(this, OPEN, REPORTED)) {
      return false;
    }
    long now = balancer.ticker().read();
    balancer.health().record(endpointState, false, now - startNanos, cause, true, now);
    return true;
  }

  /**
   * Reports that the call failed without an exception (an error response, say). Ignored after an
   * earlier report or after {@link #close()}.
   *
   * @return true if this report was recorded, false if it was ignored
   */
  public boolean failure() {
    return report(false, null);
  }

  /**
   * Attaches what the server said of its own load with this call's answer (ORCA's
   * {@code endpoint-load-metrics} header, say; lb-okhttp reads it), for
   * {@link Pickers#reportedLoad()}; other pickers ignore it. It may come before or after the
   * outcome, and counts whatever the outcome; it is ignored after {@link #close()}. A report
   * without utilisation or without requests per second cannot weigh the endpoint and changes
   * nothing.
   *
   * @return true if the report was recorded, false if the lease was closed
   * @throws NullPointerException if {@code report} is null
   */
  public boolean loadReport(LoadReport report) {
    checkNotNull(report, "report");
    if (isClosed()) {
      return false;
    }
    endpointState.reportedLoad.record(report, balancer.ticker().read());
    return true;
  }

  /**
   * Closes the lease of a call given up before its answer, because another attempt answered first
   * (a hedge) or the caller stopped waiting: counts neither as success nor as failure, for health
   * and for the counters, and tells latency-aware pickers that the endpoint took at least as long
   * as the call ran, when that is more than their estimate of it (an abandoned slow call would
   * otherwise vanish, and the endpoint look idle). Ignored after a report or after
   * {@link #close()}; a reported lease is closed by {@code close()} as usual.
   *
   * @return true if the lease was open and is now closed, false if it was ignored
   */
  public boolean abandon() {
    if (!STATE.compareAndSet(this, OPEN, CLOSED)) {
      return false;
    }
    long now = balancer.ticker().read();
    endpointState.observeAtLeast(now - startNanos, now);
    release(true);
    return true;
  }

  /**
   * Releases the endpoint: the call no longer counts as in flight. Idempotent; never throws.
   */
  @Override
  public void close() {
    int current;
    do {
      current = (int) STATE.getVolatile(this);
      if (current == CLOSED) {
        return;
      }
    } while (!STATE.compareAndSet(this, current, CLOSED));
    release(current == OPEN);
  }

  /** The call no longer counts as in flight; a trial call that ended {@code withoutOutcome} frees its slot. */
  private void release(boolean withoutOutcome) {
    endpointState.released(startNanos);
    if (trial && withoutOutcome) {
      balancer.health().releaseTrial(endpoint);
    }
  }

  /** Whether this lease is closed. */
  public boolean isClosed() {
    return (int) STATE.getVolatile(this) == CLOSED;
  }

  private boolean report(boolean success, @Nullable Throwable cause) {
    if (!STATE.compareAndSet(this, OPEN, REPORTED)) {
      return false;
    }
    long now = balancer.ticker().read();
    balancer.health().record(endpointState, success, now - startNanos, cause, false, now);
    return true;
  }

  @Override
  public String toString() {
    int current = (int) STATE.getVolatile(this);
    return "Lease{" + endpoint.address() + ", "
        + (current == OPEN ? "open" : current == REPORTED ? "reported" : "closed") + '}';
  }
}
