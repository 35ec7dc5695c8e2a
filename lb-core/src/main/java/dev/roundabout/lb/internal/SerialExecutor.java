package dev.roundabout.lb.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted tasks one at a time, in submission order, on the threads that submit them: the
 * first submitter drains the queue, and a task submitted while another thread (or a running task)
 * drains is queued and run by that drainer. No thread is ever started and no submitter blocks
 * waiting for another.
 *
 * <p>Thread-safe. A task that throws is logged and does not stop the tasks queued after it.
 */
public final class SerialExecutor implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Thread> drainer = new AtomicReference<>();

  @Override
  public void execute(Runnable task) {
    queue.add(Preconditions.checkNotNull(task, "task"));
    drain();
  }

  /** Whether the calling thread is running a task of this executor right now. */
  public boolean isCurrentThreadDraining() {
    return drainer.get() == Thread.currentThread();
  }

  private void drain() {
    do {
      if (!drainer.compareAndSet(null, Thread.currentThread())) {
        // Another thread drains (or this one, re-entrantly): it will see the task we queued,
        // because it re-checks the queue after releasing the drainer slot.
        return;
      }
      try {
        Runnable task;
        while ((task = queue.poll()) != null) {
          try {
            task.run();
          } catch (RuntimeException | Error e) {
            logger.error("Uncaught exception in a serialized task; continuing with the next one", e);
          }
        }
      } finally {
        drainer.set(null);
      }
    } while (!queue.isEmpty());
  }
}
