/**
 * Roundabout for OkHttp: balances every OkHttp call over a Roundabout load balancer and feeds its
 * outcome back into health.
 *
 * <p>Exports {@code dev.roundabout.lb.okhttp} only. The core's and OkHttp's types appear in its
 * API (a {@code LoadBalancer} per logical host, an OkHttp {@code Interceptor}), so both are read
 * by every module that reads this one.
 */
module dev.roundabout.lb.okhttp {
  requires transitive dev.roundabout.lb;
  // okhttp3 requires okio transitively: okio's types are part of OkHttp's API, the only way this
  // module uses them.
  requires transitive okhttp3;
  // Optional at run time; transitive since @Nullable appears in exported signatures.
  requires static transitive org.jspecify;
  // Logs a listener that throws and a load-report header that cannot be read.
  requires org.slf4j;

  exports dev.roundabout.lb.okhttp;
}
