package dev.roundabout.lb.sim;

import dev.roundabout.lb.Ticker;

/** Virtual time in nanoseconds, the {@link Ticker} of every simulated balancer. Not thread-safe. */
final class SimClock implements Ticker {
  long now;

  @Override
  public long read() {
    return now;
  }
}
