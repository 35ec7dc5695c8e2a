/**
 * lb-sim: a deterministic discrete-event simulator on virtual time that runs the library's real
 * load balancers (their pickers, health trackers, slow start and panic) against simulated servers
 * and clients, and oracles that see everything, so that how well a picker balances can be measured
 * and compared. One seed gives one result, byte for byte.
 */
@NullMarked
package dev.roundabout.lb.sim;

import org.jspecify.annotations.NullMarked;
