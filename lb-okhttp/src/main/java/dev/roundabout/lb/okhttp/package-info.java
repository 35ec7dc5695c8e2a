/**
 * Balances OkHttp calls: {@link dev.roundabout.lb.okhttp.LoadBalancingInterceptor} sends each call
 * to a logical host to an endpoint its load balancer picks, feeds the outcome back into health and
 * retries safely on another endpoint.
 */
@NullMarked
package dev.roundabout.lb.okhttp;

import org.jspecify.annotations.NullMarked;
