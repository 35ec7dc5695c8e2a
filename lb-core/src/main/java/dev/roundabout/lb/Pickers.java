package dev.roundabout.lb;

import dev.roundabout.lb.pick.BuiltinPickers;

/**
 * The built-in picking algorithms. Each method returns a ready, immutable factory with defaults;
 * a factory may be shared by any number of load balancers.
 *
 * <p>Every built-in picker is thread-safe, takes no lock and allocates nothing per pick, and draws
 * its randomness from the balancer's {@link LoadBalancer.Builder#random random generator}, so a
 * seeded generator makes it deterministic.
 *
 * <p>Choosing: {@link #roundRobin()} when servers and requests are alike;
 * {@link #weightedRoundRobin()} when the pool is mixed; {@link #leastConnections()} or
 * {@link #powerOfTwoChoices()} when request durations vary.
 */
public final class Pickers {
  private Pickers() {}

  /**
   * Round robin: picks go out in rotation, ignoring weight and load. The rotation starts at a
   * random endpoint and continues across changes of the endpoint list. Each thread sees an exact
   * rotation; concurrent threads rotate on separate counters, so that round robin costs as little
   * on many threads as on one, and each endpoint's share stays exact within a few picks per cycle.
   */
  public static PickerFactory roundRobin() {
    return BuiltinPickers.roundRobin();
  }

  /**
   * Smooth weighted round robin: over each cycle of W picks (W the sum of the weights divided by
   * their greatest common divisor) every endpoint gets exactly its weight, interleaved evenly
   * (weights 5, 1, 1 give a a b a c a a). O(1) amortized per pick; equal weights make it round
   * robin. Continues across changes of the list and scales over threads as {@link #roundRobin()}.
   */
  public static PickerFactory weightedRoundRobin() {
    return BuiltinPickers.weightedRoundRobin();
  }

  /** Uniform random choice, ignoring weight and load. */
  public static PickerFactory random() {
    return BuiltinPickers.random();
  }

  /** Random choice in proportion to weight (an alias table: O(1) per pick). */
  public static PickerFactory weightedRandom() {
    return BuiltinPickers.weightedRandom();
  }

  /**
   * Least connections: the endpoint with the lowest {@code (inFlight + 1) / weight}, ties broken at
   * random. Reads every endpoint's in-flight count, O(n) per pick; prefer
   * {@link #powerOfTwoChoices()} for large pools.
   */
  public static PickerFactory leastConnections() {
    return BuiltinPickers.leastConnections();
  }

  /**
   * Power of two choices: two distinct endpoints at random, and the one with the lower
   * {@code (inFlight + 1) / weight}. O(1) per pick, and nearly as good as least connections.
   */
  public static PickerFactory powerOfTwoChoices() {
    return BuiltinPickers.powerOfTwoChoices();
  }
}
