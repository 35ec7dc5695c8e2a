package dev.roundabout.lb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void onAnExecutor_tasksRunThere_oneDrainForManySubmissions() {
    List<Runnable> scheduled = new ArrayList<>();
    SerialExecutor onManual = new SerialExecutor("manual", scheduled::add);
    List<String> ran = new ArrayList<>();
    onManual.execute(() -> ran.add("a"));
    onManual.execute(() -> ran.add("b"));

    assertThat(ran).isEmpty();
    assertThat(scheduled).hasSize(1);
    scheduled.remove(0).run();
    assertThat(ran).containsExactly("a", "b");
  }

  @Test
  void drainHere_takesOverAScheduledDrain_andTheLateDrainDoesNothing() {
    List<Runnable> scheduled = new ArrayList<>();
    SerialExecutor onManual = new SerialExecutor("manual", scheduled::add);
    List<String> ran = new ArrayList<>();
    onManual.execute(() -> ran.add("a"));

    assertThat(onManual.drainHere()).isTrue();
    assertThat(ran).containsExactly("a");
    scheduled.remove(0).run();
    assertThat(ran).containsExactly("a");
  }

  @Test
  void checkInSerializedPath_failsOutside_andPassesInside() {
    SerialExecutor named = new SerialExecutor("orders updates", Runnable::run);
    assertThatThrownBy(named::checkInSerializedPath)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("called on thread " + Thread.currentThread().getName()
            + " (expected: inside the serialized path of orders updates)");
    List<String> ran = new ArrayList<>();
    named.execute(() -> {
      named.checkInSerializedPath();
      ran.add("checked");
    });
    assertThat(ran).containsExactly("checked");
  }

  @Test
  void anError_isRethrownOnceTheQueueIsDrained() {
    List<String> order = new ArrayList<>();
    assertThatThrownBy(() -> executor.execute(() -> {
      executor.execute(() -> order.add("after"));
      throw new AssertionError("boom");
    })).isInstanceOf(AssertionError.class).hasMessage("boom");
    assertThat(order).containsExactly("after");
    executor.execute(() -> order.add("still works"));
    assertThat(order).containsExactly("after", "still works");
  }

  @Test
  void aRefusingExecutor_drainsOnTheSubmittingThread() {
    SerialExecutor refusing = new SerialExecutor("refused", task -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    });
    List<Thread> ran = new ArrayList<>();
    refusing.execute(() -> ran.add(Thread.currentThread()));
    assertThat(ran).containsExactly(Thread.currentThread());
  }
}
