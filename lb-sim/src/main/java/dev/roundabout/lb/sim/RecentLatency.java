package dev.roundabout.lb.sim;

import java.util.Arrays;

/**
 * What a simulated server answers a load probe for its recent latency: the median time in the
 * server of its last {@value #CALLS} answered calls, where a call's time in the server runs from
 * its arrival to its answer leaving (queue, service and the server's extra latency; an error
 * answered at once counts, with its time of zero); 0 before the server has answered anything. It
 * is what a server can compute cheaply: a ring of {@value #CALLS} figures, and a sort of them on
 * each probe. Not thread-safe: on the simulation's thread.
 */
final class RecentLatency {
  /** How many of the last answered calls the median is taken over. */
  static final int CALLS = 16;

  private final long[] ring = new long[CALLS];
  private final long[] sorted = new long[CALLS];
  private int count;
  private int next;

  /** A call is answered after {@code nanos} in the server. */
  void answered(long nanos) {
    ring[next] = nanos;
    next = next == CALLS - 1 ? 0 : next + 1;
    count = Math.min(count + 1, CALLS);
  }

  /** The median of the last answered calls' times in the server (the mean of the middle two of an even count), 0 if none. */
  long medianNanos() {
    if (count == 0) {
      return 0;
    }
    System.arraycopy(ring, 0, sorted, 0, count);
    Arrays.sort(sorted, 0, count);
    long low = sorted[(count - 1) / 2];
    long high = sorted[count / 2];
    return low + (high - low) / 2;
  }
}
