package dev.roundabout.lb.health;

import dev.roundabout.lb.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on fake time: tasks run only when the test advances the clock with
 * {@link #advance}, on the test's thread, in order of their due time. Records every delay asked.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final FakeTicker ticker;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.order));
  final List<Long> delaysNanos = new ArrayList<>();
  private long order;
  private boolean shutdown;

  ManualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  /** Moves time forward by {@code duration}, running every task that falls due on the way. */
  void advance(Duration duration) {
    long end = ticker.read() + duration.toNanos();
    while (true) {
      Task next = queue.peek();
      if (next == null || next.due > end) {
        break;
      }
      queue.poll();
      if (next.due > ticker.read()) {
        ticker.advance(Duration.ofNanos(next.due - ticker.read()));
      }
      if (!next.cancelled) {
        next.done = true;
        next.task.run();
      }
    }
    if (end > ticker.read()) {
      ticker.advance(Duration.ofNanos(end - ticker.read()));
    }
  }

  /** Tasks waiting to run and not cancelled. */
  long pending() {
    return queue.stream().filter(t -> !t.cancelled).count();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    long nanos = unit.toNanos(delay);
    delaysNanos.add(nanos);
    Task task = new Task(command, ticker.read() + nanos, order++);
    queue.add(task);
    return task;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable task;
    final long due;
    final long order;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Runnable task, long due, long order) {
      this.task = task;
      this.due = due;
      this.order = order;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - ticker.read(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
