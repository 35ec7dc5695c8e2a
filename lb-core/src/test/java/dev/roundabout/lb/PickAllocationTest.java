package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Counts the bytes the picking thread allocates (HotSpot's per-thread allocation counter): every
 * built-in picker's {@code pick} allocates nothing. Not a timing test; the JMH benchmarks measure
 * the same with {@code -prof gc}.
 */
class PickAllocationTest {
  private static final int PICKS = 200_000;

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> pickers() {
    return PickerContractTest.pickers();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void pick_allocatesNothing(String name, PickerFactory factory) {
    assertAllocatesNothing(name, LoadBalancer.builder("alloc").picker(factory));
  }

  /** The decision log on, its logger not at DEBUG: the one pick in 1,000 sampled logs nothing and allocates nothing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void pick_withTheDecisionLogOn_allocatesNothingUnlessALineIsLogged(String name, PickerFactory factory) {
    assertAllocatesNothing(name, LoadBalancer.builder("alloc").picker(factory).decisionLog(1_000));
  }

  private static void assertAllocatesNothing(String name, LoadBalancer.Builder builder) {
    Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      endpoints.add(Endpoint.builder("10.0.0." + i, 80).weight(1 + i % 5).build());
    }
    // Plain picks and keyed picks; contexts are made before measuring, as a caller would hold them.
    PickContext[] contexts = new PickContext[1024];
    for (int i = 0; i < contexts.length; i++) {
      contexts[i] = i % 4 == 0 ? PickContext.empty() : PickContext.ofKey("key-" + i % 50);
    }
    try (LoadBalancer lb = builder.executor(Runnable::run).endpoints(endpoints).build()) {
      List<Lease> held = new ArrayList<>(); // load, so that bounded pickers walk past full endpoints
      for (int i = 0; i < 300; i++) {
        held.add(lb.acquire(contexts[i]));
      }
      long sink = 0;
      for (int i = 0; i < PICKS; i++) {
        sink += lb.pick(contexts[i & 1023]).port();
      }
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < PICKS; i++) {
        sink += lb.pick(contexts[i & 1023]).port();
      }
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      held.forEach(Lease::close);
      assertThat(sink).isPositive();
      // Measured: 0 bytes. One byte per pick would be 200 KB.
      assertThat(allocated).as("bytes allocated by %d picks of %s", PICKS, name).isLessThan(1_024);
    }
  }
}
