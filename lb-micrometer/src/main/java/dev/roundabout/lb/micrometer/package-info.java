/**
 * Micrometer meters for Roundabout: {@link dev.roundabout.lb.micrometer.LoadBalancerMetrics} binds
 * one load balancer to one or more meter registries; {@link
 * dev.roundabout.lb.micrometer.InterceptorMetrics} counts what an OkHttp interceptor does (with
 * lb-okhttp, an optional dependency).
 */
@NullMarked
package dev.roundabout.lb.micrometer;

import org.jspecify.annotations.NullMarked;
