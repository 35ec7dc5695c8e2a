package dev.roundabout.lb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final SerialExecutor executor = new SerialExecutor();

  @Test
  void task_runsOnTheSubmittingThread_beforeExecuteReturns() {
    List<Thread> ran = new ArrayList<>();
    executor.execute(() -> ran.add(Thread.currentThread()));
    assertThat(ran).containsExactly(Thread.currentThread());
  }

  @Test
  void taskSubmittedByATask_runsAfterIt_notInside() {
    List<String> order = new ArrayList<>();
    executor.execute(() -> {
      order.add("outer start");
      executor.execute(() -> order.add("inner"));
      assertThat(executor.isCurrentThreadDraining()).isTrue();
      order.add("outer end");
    });
    assertThat(order).containsExactly("outer start", "outer end", "inner");
    assertThat(executor.isCurrentThreadDraining()).isFalse();
  }

  @Test
  void throwingTask_doesNotStopTheNext() {
    List<String> order = new ArrayList<>();
    executor.execute(() -> {
      executor.execute(() -> order.add("after"));
      throw new IllegalStateException("boom");
    });
    assertThat(order).containsExactly("after");
  }

  @Test
  void concurrentSubmitters_runEveryTaskOnce_neverTwoAtATime() throws Exception {
    int threads = 4;
    int perThread = 5_000;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] counter = {0}; // unsynchronized on purpose: serial execution must make it exact
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int i = 0; i < perThread; i++) {
            executor.execute(() -> {
              if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              counter[0]++;
              running.decrementAndGet();
            });
          }
        });
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    // Every submitter returned; whoever drained last has run every queued task.
    executor.execute(() -> {});
    assertThat(overlaps).hasValue(0);
    assertThat(counter[0]).isEqualTo(threads * perThread);
  }
}
