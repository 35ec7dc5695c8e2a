package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Endpoint;

/**
 * Hears what the {@link LoadBalancingInterceptor} does with each call to a balanced service: its
 * attempts, its retries, the retries the {@link dev.roundabout.lb.RetryBudget} refused, and the
 * calls that found no endpoint; for metrics (lb-micrometer's {@code InterceptorMetrics}) and logs.
 * Given to {@link LoadBalancingInterceptor.Builder#listener}. Every callback has a no-op default,
 * so that later versions can add callbacks without breaking implementations.
 *
 * <p>Callbacks run on the thread that runs the call (the caller's for {@code execute()}, one of
 * the dispatcher's for {@code enqueue()}), from many threads at once, in the order the events
 * happen within one call. They must be thread-safe, return quickly and never block. A
 * {@code RuntimeException} thrown by a callback is logged and swallowed: the call goes on as if
 * nothing was heard.
 *
 * <p>For one call: {@code onAttempt} once per attempt sent to an endpoint; between two attempts,
 * one {@code onRetry}; at most one {@code onRetryRefused}, when the call could have gone to another
 * endpoint but the budget said no (the call then ends with its last answer or failure);
 * {@code onNoEndpoint} when the call fails before any attempt because the service's balancer has
 * no endpoint to offer (or is closed, or its routes have no pool for the request). A retry that is
 * not made because the attempts ran out or no other endpoint is ready is heard by none of them.
 */
public interface InterceptorListener {
  /**
   * Attempt number {@code attempt} (1 for the first) of a call to {@code service} goes to
   * {@code endpoint}.
   */
  default void onAttempt(String service, Endpoint endpoint, int attempt) {}

  /**
   * A call to {@code service} goes on to another endpoint after a failed attempt.
   * {@code requeue}: nothing of the request reached the failed endpoint, so this retry is free of
   * the retry budget; otherwise it was taken from the budget.
   */
  default void onRetry(String service, boolean requeue) {}

  /** The retry budget refused a retry of a call to {@code service} that another endpoint could have taken. */
  default void onRetryRefused(String service) {}

  /** A call to {@code service} failed with {@link NoAvailableEndpointIOException}, before any attempt. */
  default void onNoEndpoint(String service) {}

  /**
   * A hedge of a call to {@code service} was sent to {@code endpoint}: its first attempt had not
   * answered after the hedging delay (see {@link LoadBalancingInterceptor.Builder#hedging}).
   */
  default void onHedge(String service, Endpoint endpoint) {}

  /** A hedge of a call to {@code service} answered first: the call returns the hedge's answer. */
  default void onHedgeWon(String service) {}

  /** A hedge of a call to {@code service} was due, and the hedging or the retry budget refused it. */
  default void onHedgeRefused(String service) {}
}
