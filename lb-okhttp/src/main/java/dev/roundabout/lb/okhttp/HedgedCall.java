package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Hedger;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.RetryRules;
import dev.roundabout.lb.RetryRules.Next;
import dev.roundabout.lb.RetryRules.Outcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.RejectedExecutionException;
import okhttp3.Call;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One call that may be hedged, by the rules of {@link Hedger}: its first attempt runs on the
 * caller's thread; after the delay, the timer starts the hedge (a clone of the call, on a hedge
 * thread, making one attempt on another endpoint) if the budgets allow it; then the first success
 * is the call's answer. When the hedge wins, the first attempt is stopped through its route (its
 * socket is closed) and the caller's thread returns the hedge's response; when the first attempt
 * wins, the hedge's call is cancelled. A loser's lease is closed with no outcome.
 *
 * <p>Thread-safe: the caller's thread, the timer and the hedge's thread meet under this object's
 * lock, held only to change the state, never while a call runs.
 */
final class HedgedCall {
  private static final long CANCEL_CHECK_MILLIS = 50;

  private enum State {
    /** The first attempt runs; the hedge is due after the delay. */
    ARMED,
    /** No hedge for this call (the first attempt ended first, or the hedge could not go). */
    NOT_HEDGED,
    /** Both attempts are in flight. */
    RACING,
    /** The hedge failed; the first attempt is still in flight and is the call's. */
    HEDGE_FAILED,
    /** The first attempt failed; the caller's thread waits for the hedge. */
    FIRST_FAILED,
    /** The hedge's result is the call's (it won, or it ended after the first attempt failed). */
    HEDGE_ENDED,
    /** The first attempt's result is the call's. */
    FIRST_ENDED
  }

  private final Hedges hedges;
  private final Hedger hedger;
  private final Call call;
  private final String service;
  private final LoadBalancer lb;
  private final PickContext context;
  private final long delayNanos;

  private State state = State.ARMED;
  private @Nullable Runnable cancelTimer;
  private @Nullable EndpointRoute firstRoute;
  private @Nullable Lease firstLease;
  private @Nullable Call hedgeCall;
  private @Nullable Lease hedgeLease;
  /** What the hedge's one attempt led to, as its interceptor judged it; null until then. */
  private volatile @Nullable Next hedgeNext;
  private @Nullable Response hedgeResponse;
  private @Nullable IOException hedgeFailure;

  HedgedCall(Hedges hedges, Hedger hedger, Call call, String service, LoadBalancer lb, PickContext context,
      long delayNanos) {
    this.hedges = hedges;
    this.hedger = hedger;
    this.call = call;
    this.service = service;
    this.lb = lb;
    this.context = context;
    this.delayNanos = delayNanos;
  }

  String service() {
    return service;
  }

  // ---------------------------------------------------------------- the caller's thread

  /** Runs the first attempt, on {@code lease} through {@code route}, with the hedge's timer armed. */
  Response runFirst(Lease lease, EndpointRoute route, EndpointRoute.Attempt<Response> attempt) throws IOException {
    synchronized (this) {
      firstLease = lease;
      firstRoute = route;
      cancelTimer = hedges.schedule(this::due, delayNanos);
    }
    return route.run(attempt);
  }

  /**
   * The first attempt has ended: true if a hedge was sent, and {@link #finish} must then decide;
   * false if not, and the call goes on as any call (the hedge will not be sent).
   */
  synchronized boolean firstEnded() {
    if (state == State.ARMED || state == State.NOT_HEDGED) {
      state = State.NOT_HEDGED;
      Runnable cancel = cancelTimer;
      if (cancel != null) {
        cancel.run();
      }
      return false;
    }
    return true;
  }

  /** How the interceptor judges the first attempt's end (its outcome, reported by the caller). */
  @FunctionalInterface
  interface Judge {
    Outcome judge() throws IOException;
  }

  /**
   * The end of a hedged call, on the caller's thread, once its first attempt has ended with
   * {@code response} or {@code failure}: returns the call's response or throws its failure.
   */
  Response finish(Lease lease, long startNanos, @Nullable Response response, @Nullable IOException failure,
      Judge judge) throws IOException {
    synchronized (this) {
      if (state == State.HEDGE_ENDED) { // the hedge won and stopped this attempt: no outcome for it
        if (response == null) {
          hedges.answered(service, startNanos); // stopped: the time it ran is a lower bound of its latency
        }
        return lost(lease, response);
      }
    }
    Outcome outcome;
    try {
      outcome = judge.judge();
    } catch (IOException classifierFailed) {
      lease.close();
      cancelHedge();
      throw classifierFailed;
    }
    RetryRules.report(lease, outcome, failure);
    Next next = RetryRules.next(outcome, true);
    synchronized (this) {
      if (state == State.HEDGE_ENDED) { // the hedge won while this attempt's answer came in
        return lost(lease, response);
      }
      boolean hedgeInFlight = state == State.RACING;
      if (outcome == Outcome.CANCELLED || Hedger.endsCall(next, hedgeInFlight)) {
        IOException hedgeFailed = hedgeFailure;
        state = State.FIRST_ENDED;
        cancelHedge();
        if (response != null) {
          return LoadBalancingInterceptor.leased(response, lease);
        }
        lease.close();
        IOException e = java.util.Objects.requireNonNull(failure);
        if (hedgeFailed != null && hedgeFailed != e) {
          e.addSuppressed(hedgeFailed);
        }
        throw e;
      }
      state = State.FIRST_FAILED; // the hedge is in flight and takes the call
    }
    IOException firstFailure = failure != null ? failure
        : new IOException("HTTP " + java.util.Objects.requireNonNull(response).code() + " from "
            + lease.endpoint().address());
    if (response != null) {
      response.close();
    }
    lease.close();
    return awaitHedge(firstFailure);
  }

  /**
   * The first attempt ended with an unexpected exception, which the call throws: the hedge, if
   * one was sent, is cancelled, or its response closed if it had already won.
   */
  void abandon() {
    Response discard;
    synchronized (this) {
      if (!firstEnded()) {
        return;
      }
      discard = state == State.HEDGE_ENDED ? hedgeResponse : null;
      state = State.FIRST_ENDED;
      cancelHedge();
    }
    if (discard != null) {
      discard.close();
    }
  }

  /**
   * This attempt lost to the hedge: abandoned (no outcome, and the time it ran a lower bound of its
   * endpoint's latency); the hedge's response is the call's.
   */
  private Response lost(Lease lease, @Nullable Response response) {
    if (response != null) {
      response.close();
    }
    lease.abandon();
    return java.util.Objects.requireNonNull(hedgeResponse);
  }

  private Response awaitHedge(IOException firstFailure) throws IOException {
    synchronized (this) {
      while (state == State.FIRST_FAILED) {
        if (call.isCanceled()) {
          cancelHedge(); // the caller gave up: the hedge ends soon, and says so here
        }
        try {
          wait(CANCEL_CHECK_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          cancelHedge();
          InterruptedIOException interrupted = new InterruptedIOException("interrupted while a hedge ran");
          interrupted.addSuppressed(firstFailure);
          throw interrupted;
        }
      }
      Response response = hedgeResponse;
      if (response != null) {
        return response;
      }
      IOException e = java.util.Objects.requireNonNull(hedgeFailure);
      e.addSuppressed(firstFailure);
      throw e;
    }
  }

  private synchronized void cancelHedge() {
    Call hedge = hedgeCall;
    if (hedge != null) {
      hedge.cancel();
    }
  }

  // ---------------------------------------------------------------- the timer's thread

  /** The delay has passed: sends the hedge if the first attempt is still in flight and the budgets allow. */
  private void due() {
    Call clone;
    synchronized (this) {
      if (state != State.ARMED) {
        return;
      }
      Lease first = java.util.Objects.requireNonNull(firstLease);
      Lease lease = call.isCanceled() ? null : hedges.hedgeLease(hedger, service, lb, context.avoiding(first.endpoint()));
      if (lease == null) {
        if (!call.isCanceled()) { // no other endpoint, or a budget refused: asked again one delay later
          cancelTimer = hedges.schedule(this::due, delayNanos);
        }
        return;
      }
      hedgeLease = lease;
      clone = call.clone();
      hedgeCall = clone;
      state = State.RACING;
    }
    try {
      hedges.start(clone, this);
    } catch (RejectedExecutionException e) {
      hedges.takeHedge(clone);
      java.util.Objects.requireNonNull(hedgeLease).close();
      hedgeEnded(null, new IOException("the hedge could not start: " + e, e));
    }
  }

  // ---------------------------------------------------------------- the hedge's thread

  /** The lease the hedge's one attempt runs on. */
  synchronized Lease hedgeLease() {
    return java.util.Objects.requireNonNull(hedgeLease);
  }

  /** The hedge's interceptor judged its one attempt: {@code next} follows it. */
  void hedgeJudged(Next next) {
    hedgeNext = next;
  }

  /** Runs the hedge's call, on a hedge thread, and hands its end to the race. */
  void run(Call clone) {
    Response response = null;
    IOException failure = null;
    try {
      response = clone.execute();
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException("the hedge failed: " + e, e);
    } finally {
      if (hedges.takeHedge(clone) != null) { // it never reached the interceptor: its lease is still open
        hedgeLease().close();
      }
    }
    hedgeEnded(response, failure);
  }

  private void hedgeEnded(@Nullable Response response, @Nullable IOException failure) {
    Response discard = null;
    synchronized (this) {
      boolean succeeded = response != null && hedgeNext == Next.DONE;
      if (state == State.RACING && succeeded) {
        state = State.HEDGE_ENDED;
        hedgeResponse = response;
        hedges.won(hedger, service);
        java.util.Objects.requireNonNull(firstRoute).abort();
      } else if (state == State.RACING) {
        state = State.HEDGE_FAILED; // the first attempt goes on, and is the call's
        hedgeFailure = failure != null ? failure : new IOException("HTTP " + java.util.Objects.requireNonNull(response).code()
            + " from the hedge on " + hedgeLease().endpoint().address());
        discard = response;
      } else if (state == State.FIRST_FAILED) {
        state = State.HEDGE_ENDED; // the call's result, whatever it is
        hedgeResponse = response;
        hedgeFailure = failure;
        if (succeeded) {
          hedges.won(hedger, service);
        }
      } else {
        discard = response; // the first attempt's result is the call's
      }
      notifyAll();
    }
    if (discard != null) {
      discard.close();
    }
  }
}
