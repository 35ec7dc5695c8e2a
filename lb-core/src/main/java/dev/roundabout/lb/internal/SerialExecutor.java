package dev.roundabout.lb.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted tasks one at a time, in submission order, on an underlying executor: a
 * submission schedules one drain of the queue there unless a drain is already scheduled or
 * running, and the drain runs every task queued until the queue is empty, including those that
 * tasks submit (after the task that submitted them, never inside it). With a direct executor
 * ({@code Runnable::run}) the first submitter drains on its own thread, which keeps tests and
 * simulations deterministic.
 *
 * <p>{@link #checkInSerializedPath()} asserts that the caller is the drain (as grpc-java's
 * {@code SynchronizationContext.throwIfNotInThisSynchronizationContext()} does), so that code
 * confined to the serialized path fails fast when called from elsewhere. {@link #drainHere()}
 * lets an owner run what is queued on its own thread when no drain is running (a build, a close).
 *
 * <p>Thread-safe; no submitter blocks waiting for another. A task that throws a
 * {@code RuntimeException} is logged and does not stop the tasks queued after it; an
 * {@code Error} is rethrown once the queue is drained, to the thread that drained it. When the
 * underlying executor refuses a drain, the submitter drains on its own thread.
 */
public final class SerialExecutor implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);
  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int RUNNING = 2;

  private final String name;
  private final Executor executor;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final Runnable scheduledDrain = this::runScheduled;
  /** The thread draining now, null when none does. */
  private volatile @Nullable Thread runner;

  /** A serial executor named {@code name} (for messages) over {@code executor}. */
  public SerialExecutor(String name, Executor executor) {
    this.name = Preconditions.checkNotNull(name, "name");
    this.executor = Preconditions.checkNotNull(executor, "executor");
  }

  /** A serial executor that drains on the submitting thread. */
  public SerialExecutor() {
    this("serial", Runnable::run);
  }

  @Override
  public void execute(Runnable task) {
    queue.add(Preconditions.checkNotNull(task, "task"));
    schedule();
  }

  /**
   * Runs {@code task} on the calling thread if no drain is running elsewhere (with whatever is
   * queued before it), else queues it for the running drain: never hands it to the underlying
   * executor first. For owners whose thread may do the work (a build, a delivery, a close).
   */
  public void executeHere(Runnable task) {
    queue.add(Preconditions.checkNotNull(task, "task"));
    drainHere(); // if another thread drains, it runs the task: it re-checks the queue when it ends
  }

  /** Whether the calling thread is running a task of this executor right now. */
  public boolean isCurrentThreadDraining() {
    return runner == Thread.currentThread();
  }

  /**
   * Throws unless the calling thread is running a task of this executor.
   *
   * @throws IllegalStateException if called from outside the serialized path
   */
  public void checkInSerializedPath() {
    if (runner != Thread.currentThread()) {
      throw new IllegalStateException(
          "called on thread " + Thread.currentThread().getName() + " (expected: inside the serialized path of " + name + ")");
    }
  }

  /**
   * Drains the queue on the calling thread if no drain runs elsewhere (one merely scheduled is
   * taken over). Returns false, having run nothing, when another thread drains right now; that
   * drain runs what is queued.
   */
  public boolean drainHere() {
    if (runner == Thread.currentThread()) {
      return false; // inside a task: what it queued runs after it
    }
    if (state.compareAndSet(IDLE, RUNNING) || state.compareAndSet(SCHEDULED, RUNNING)) {
      drain();
      return true;
    }
    return false;
  }

  private void schedule() {
    if (!state.compareAndSet(IDLE, SCHEDULED)) {
      return; // a drain is scheduled or running: it will see the task, as it re-checks the queue when it ends
    }
    try {
      executor.execute(scheduledDrain);
    } catch (RejectedExecutionException e) {
      logger.warn("Executor {} of {} refused a task; running it on the calling thread", executor, name, e);
      runScheduled();
    }
  }

  private void runScheduled() {
    if (state.compareAndSet(SCHEDULED, RUNNING)) {
      drain();
    }
  }

  /** Runs the queue to the end; the caller has moved the state to RUNNING. */
  private void drain() {
    Error error = null;
    runner = Thread.currentThread();
    try {
      Runnable task;
      while ((task = queue.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          logger.error("Uncaught exception in a serialized task of {}; continuing with the next one", name, e);
        } catch (Error e) {
          if (error == null) {
            error = e;
          } else {
            error.addSuppressed(e);
          }
        }
      }
    } finally {
      runner = null;
      state.set(IDLE);
    }
    if (!queue.isEmpty()) {
      schedule(); // queued after the last poll, while the state was still RUNNING
    }
    if (error != null) {
      throw error;
    }
  }

  @Override
  public String toString() {
    return "SerialExecutor{" + name + " on " + executor + '}';
  }
}
