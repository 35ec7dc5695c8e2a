package dev.roundabout.lb.okhttp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kinds of problem already reported, so that a server that always makes the same mistake is
 * reported once, not on every answer. A reason in the house style,
 * {@code cpu_utilization: "x" (expected: a decimal number)}, is of the kind of its name and its
 * expectation, whatever its value.
 *
 * <p>Thread-safe. Remembers at most {@value #MAX_KINDS} kinds; past it, no kind is new.
 */
final class ProblemKinds {
  /** The most kinds of problem remembered. */
  static final int MAX_KINDS = 64;

  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /** True the first time a reason of this kind is given, false afterwards. */
  boolean first(String reason) {
    return seen.size() < MAX_KINDS && seen.add(kind(reason));
  }

  /** A reason without its value: {@code cpu_utilization: "x" (expected: a decimal number)} gives the name and the expectation. */
  static String kind(String reason) {
    int colon = reason.indexOf(':');
    int expected = reason.lastIndexOf("(expected");
    return colon < 0 || expected < colon ? reason : reason.substring(0, colon) + reason.substring(expected);
  }
}
