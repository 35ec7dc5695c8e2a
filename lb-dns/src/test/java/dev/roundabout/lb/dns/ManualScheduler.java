package dev.roundabout.lb.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time that the test drives: nothing runs until the test says so, and then
 * on the test's thread, so the source's scheduling is deterministic. Supports one-shot
 * {@link #schedule(Runnable, long, TimeUnit)} and {@link #execute}; a cancelled task leaves the
 * queue. Thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.time).thenComparingLong(t -> t.sequence));
  private long now;
  private long sequence;
  private boolean shutdown;

  /** The delay, from now, of the next task; fails if there is none. */
  synchronized Duration nextDelay() {
    Task next = queue.peek();
    if (next == null) {
      throw new AssertionError("nothing scheduled");
    }
    return Duration.ofNanos(next.time - now);
  }

  /** How many tasks wait. */
  synchronized int pending() {
    return queue.size();
  }

  /** Moves the clock to the next task and runs it on this thread; returns how far the clock moved. */
  Duration runNext() {
    Task next;
    Duration advanced;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        throw new AssertionError("nothing scheduled");
      }
      advanced = Duration.ofNanos(next.time - now);
      now = next.time;
    }
    next.action.run();
    return advanced;
  }

  /** Takes the next task out of the queue without running it, as a thread that is about to run it would. */
  synchronized Runnable takeNext() {
    Task next = queue.poll();
    if (next == null) {
      throw new AssertionError("nothing scheduled");
    }
    now = next.time;
    return next.action;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    Task task = new Task(command, now + unit.toNanos(delay), sequence++);
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
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    for (Task task : queue) {
      left.add(task.action);
    }
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable action;
    final long time;
    final long sequence;
    private boolean cancelled;

    Task(Runnable action, long time, long sequence) {
      this.action = action;
      this.time = time;
      this.sequence = sequence;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualScheduler.this) {
        return unit.convert(time - now, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (ManualScheduler.this) {
        cancelled = true;
        return queue.remove(this);
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (ManualScheduler.this) {
        return cancelled;
      }
    }

    @Override
    public boolean isDone() {
      return isCancelled();
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException();
    }
  }
}
