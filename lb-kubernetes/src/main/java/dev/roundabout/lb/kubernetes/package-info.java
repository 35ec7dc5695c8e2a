/**
 * Roundabout for Kubernetes: {@link dev.roundabout.lb.kubernetes.KubernetesEndpointSource} follows
 * the EndpointSlices of one Service with a fabric8 informer and delivers the endpoints that take
 * calls to the load balancers it feeds.
 */
@NullMarked
package dev.roundabout.lb.kubernetes;

import org.jspecify.annotations.NullMarked;
