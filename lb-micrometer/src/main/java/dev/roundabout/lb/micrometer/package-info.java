/**
 * Micrometer meters for Roundabout: {@link dev.roundabout.lb.micrometer.LoadBalancerMetrics} binds
 * one load balancer to one or more meter registries.
 */
@NullMarked
package dev.roundabout.lb.micrometer;

import org.jspecify.annotations.NullMarked;
