package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;

/**
 * The one place that decides what an attempt's outcome means: what its {@link Lease} reports and
 * whether another endpoint may take the call. The OkHttp interceptor and lb-sim's simulated
 * clients both decide through it, so a simulation judges the rules that ship.
 *
 * <ul>
 *   <li>{@link Outcome#NOTHING_SENT}: nothing of the request reached the endpoint (no connection,
 *       an unresolvable name): reported {@linkplain Lease#unreachable unreachable}, and
 *       <em>requeued</em> on another endpoint whatever the method, free of the retry budget: it
 *       added no load to any server.
 *   <li>{@link Outcome#SILENT}: connected, but dropped before any byte of an answer: reported
 *       unreachable; retried only when the request can be sent again, from the budget.
 *   <li>{@link Outcome#FAILED}: a failure at the endpoint (a failing response, a timeout, a reset
 *       after the answer began): reported as a failure; retried only when the request can be sent
 *       again, from the budget.
 *   <li>{@link Outcome#ELSEWHERE}: the endpoint answered and something after it failed (a
 *       redirect's target): nothing reported, no retry.
 *   <li>{@link Outcome#CANCELLED}: the caller gave up: nothing reported, no retry.
 *   <li>{@link Outcome#SUCCEEDED}: reported as a success; the call is done.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RetryRules {
  private RetryRules() {}

  /** What happened to one attempt. */
  public enum Outcome {
    /** The endpoint answered, and the answer is a success. */
    SUCCEEDED,
    /** The endpoint answered with a failure, timed out, or failed after it began to answer. */
    FAILED,
    /** A connection was made but dropped before any byte of an answer. */
    SILENT,
    /** Nothing of the request reached the endpoint. */
    NOTHING_SENT,
    /** The endpoint answered; what failed was elsewhere (a redirect's target). */
    ELSEWHERE,
    /** The caller gave up. */
    CANCELLED
  }

  /** What follows an attempt. */
  public enum Next {
    /** The call is done: this attempt's answer is the call's. */
    DONE,
    /** Another endpoint may take the call, free of the retry budget. */
    REQUEUE,
    /** Another endpoint may take the call if the retry budget allows. */
    RETRY,
    /** No other attempt. */
    FINAL
  }

  /**
   * What follows {@code outcome}; {@code replayable}: the request may be sent again (an idempotent
   * method whose body can be written twice).
   */
  public static Next next(Outcome outcome, boolean replayable) {
    return switch (checkNotNull(outcome, "outcome")) {
      case SUCCEEDED -> Next.DONE;
      case NOTHING_SENT -> Next.REQUEUE;
      case SILENT, FAILED -> replayable ? Next.RETRY : Next.FINAL;
      case ELSEWHERE, CANCELLED -> Next.FINAL;
    };
  }

  /**
   * Reports {@code outcome} on {@code lease}: a success, a failure (with {@code cause} when there
   * is one), the endpoint unreachable, or nothing. Does not close the lease.
   */
  public static void report(Lease lease, Outcome outcome, @Nullable Throwable cause) {
    checkNotNull(lease, "lease");
    switch (checkNotNull(outcome, "outcome")) {
      case SUCCEEDED -> lease.success();
      case FAILED -> {
        if (cause == null) {
          lease.failure();
        } else {
          lease.failure(cause);
        }
      }
      case SILENT, NOTHING_SENT -> lease.unreachable(cause != null ? cause : new java.net.ConnectException("no answer"));
      case ELSEWHERE, CANCELLED -> {
        // the endpoint is not to blame
      }
    }
  }

  /**
   * Whether attempt number {@code attempt} (1 for the first) may be followed by another, given
   * {@code next}, the most attempts of one call and the budget (asked, and spent, only for a
   * retry). Ask only when another endpoint is there to take it.
   */
  public static boolean mayTryAgain(Next next, int attempt, int maxAttempts, RetryBudget budget, long nowNanos) {
    checkNotNull(budget, "budget");
    if (attempt >= maxAttempts) {
      return false;
    }
    return next == Next.REQUEUE || (next == Next.RETRY && budget.tryRetry(nowNanos));
  }
}
