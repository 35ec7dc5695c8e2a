package dev.roundabout.lb;

/**
 * Hears the outcome of every call reported through a {@link Lease} of one balancer, with its
 * duration: for per-call metrics such as a latency histogram per endpoint. Given to
 * {@link LoadBalancer.Builder#callListener}.
 *
 * <p>Called on the outcome path: on the thread that reports the outcome (the caller's, or an
 * asynchronous client's callback), from many threads at once, once per lease that reports, right
 * after the balancer and its health tracker have recorded the outcome. So an implementation must
 * be thread-safe, return in nanoseconds, never block, log or do I/O, and should allocate nothing
 * (it runs once per call). A lease closed without a report (an abandoned call) and a second report
 * are not heard. Picks are not heard.
 *
 * <p>A {@code RuntimeException} thrown by {@link #onCall} is logged and swallowed: the outcome is
 * recorded all the same, and the caller's {@code success()} or {@code failure()} returns normally.
 * An {@code Error} propagates to the thread that reported the outcome.
 */
@FunctionalInterface
public interface CallListener {
  /**
   * One call on {@code endpoint} of the balancer {@code balancer} ended with {@code outcome},
   * {@code durationNanos} after its lease was acquired, as measured by the balancer's
   * {@link Ticker} (so fake time in tests and simulations). Never negative with a monotonic ticker.
   */
  void onCall(String balancer, Endpoint endpoint, CallOutcome outcome, long durationNanos);
}
