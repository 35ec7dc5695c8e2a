/** Machinery shared by the other packages: argument checks, serial execution, randomness. Not exported. */
@NullMarked
package dev.roundabout.lb.internal;

import org.jspecify.annotations.NullMarked;
