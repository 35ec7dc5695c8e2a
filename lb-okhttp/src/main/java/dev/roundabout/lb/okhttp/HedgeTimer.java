package dev.roundabout.lb.okhttp;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a hedge's start after its delay. The default runs on one daemon thread,
 * {@code roundabout-hedge-timer}, started on first use and ending after a second with nothing
 * scheduled; tests drive a timer of their own. Thread-safe.
 */
@FunctionalInterface
interface HedgeTimer {
  /**
   * Runs {@code task} after {@code delayNanos}, on a thread of the timer; returns what cancels it.
   * The task must not block.
   */
  Runnable schedule(Runnable task, long delayNanos);

  /** The default timer: one daemon thread that ends when idle. */
  static HedgeTimer daemon() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "roundabout-hedge-timer");
      thread.setDaemon(true);
      return thread;
    });
    executor.setKeepAliveTime(1, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true); // the last thread stays while a task is scheduled
    executor.setRemoveOnCancelPolicy(true);
    return (task, delayNanos) -> {
      ScheduledFuture<?> future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
