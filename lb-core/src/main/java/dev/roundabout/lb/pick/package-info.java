/**
 * One class per picking algorithm, package-private, reached through {@link dev.roundabout.lb.Pickers}.
 * Not exported.
 */
@NullMarked
package dev.roundabout.lb.pick;

import org.jspecify.annotations.NullMarked;
