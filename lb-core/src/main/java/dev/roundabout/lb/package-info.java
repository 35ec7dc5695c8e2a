/**
 * The API a user touches: {@link dev.roundabout.lb.Endpoint}, {@link dev.roundabout.lb.LoadBalancer},
 * {@link dev.roundabout.lb.Lease}, {@link dev.roundabout.lb.Pickers} and the small SPIs behind them
 * ({@link dev.roundabout.lb.PickerFactory}, {@link dev.roundabout.lb.EndpointSource},
 * {@link dev.roundabout.lb.LoadBalancerListener}, {@link dev.roundabout.lb.Ticker}).
 */
@NullMarked
package dev.roundabout.lb;

import org.jspecify.annotations.NullMarked;
