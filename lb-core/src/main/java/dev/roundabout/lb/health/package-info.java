/**
 * Health: which endpoints may take calls. A {@link dev.roundabout.lb.health.HealthTracker} turns
 * signals (the outcomes of calls, circuit breakers, active probes) into an
 * {@link dev.roundabout.lb.health.EndpointHealth} per endpoint; the balancer rebuilds its snapshot
 * when one changes, so that a pick never checks health. A balancer is given a
 * {@link dev.roundabout.lb.health.HealthPolicy}, an immutable configuration that creates the
 * balancer's own tracker: one policy may serve any number of balancers. The policies:
 *
 * <ul>
 *   <li>{@link dev.roundabout.lb.health.OutlierDetector}: passive, from the outcomes of real calls
 *       (consecutive failures, failure rate), with growing ejection times and a cap on the share
 *       of the pool ejected.
 *   <li>{@link dev.roundabout.lb.health.CircuitBreakerHealthTracker}: one resilience4j circuit
 *       breaker per endpoint.
 *   <li>{@link dev.roundabout.lb.health.ActiveHealthChecker}: probes every endpoint on a schedule,
 *       with {@link dev.roundabout.lb.health.TcpConnectProbe} or a probe of your own.
 * </ul>
 *
 * <p>Combine them with {@link dev.roundabout.lb.health.HealthTrackers#allOf}; a tracker of your own
 * is the policy {@code () -> new MyTracker()}.
 */
@NullMarked
package dev.roundabout.lb.health;

import org.jspecify.annotations.NullMarked;
