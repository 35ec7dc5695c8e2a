package dev.roundabout.lb.sim;

import dev.roundabout.lb.LoadReport;
import org.jspecify.annotations.Nullable;

/**
 * What a simulated server says of its own load, as an ORCA server reports it: over each window of
 * {@link #WINDOW_NANOS} (one second), the share of its slots that were busy, and the calls it
 * answered and failed per second. The report of the last complete window travels on every answer
 * until the next window ends: a client learns of a change of load one window late, at best, and
 * only when an answer comes back. Not thread-safe: on the simulation's thread.
 */
final class LoadWindow {
  /** How long a window lasts, and so how often the report changes: one second. */
  static final long WINDOW_NANOS = 1_000_000_000L;

  private final int slots;
  private long windowStart;
  /** Slot-nanoseconds of service in the current window, up to {@link #lastChange}. */
  private double busyNanos;
  private long lastChange;
  private int busy;
  private int answered;
  private int failed;
  private @Nullable LoadReport report;

  LoadWindow(int slots) {
    this.slots = slots;
  }

  /** The number of busy slots changes to {@code busy} at {@code now}. */
  void busy(long now, int busy) {
    roll(now);
    this.busy = busy;
  }

  /** An answer leaves at {@code now}; {@code failed} if it is an error. */
  void answered(long now, boolean failed) {
    roll(now);
    answered++;
    if (failed) {
      this.failed++;
    }
  }

  /** The report of the last complete window at {@code now}, or null before the first one ends. */
  @Nullable LoadReport report(long now) {
    roll(now);
    return report;
  }

  /** Closes the windows that ended by {@code now} and accounts the busy time up to it. */
  private void roll(long now) {
    while (now >= windowStart + WINDOW_NANOS) {
      long end = windowStart + WINDOW_NANOS;
      busyNanos += (double) busy * (end - lastChange);
      double seconds = WINDOW_NANOS / 1e9;
      report = LoadReport.of(busyNanos / ((double) slots * WINDOW_NANOS), answered / seconds, failed / seconds);
      windowStart = end;
      lastChange = end;
      busyNanos = 0;
      answered = 0;
      failed = 0;
    }
    busyNanos += (double) busy * (now - lastChange);
    lastChange = now;
  }
}
