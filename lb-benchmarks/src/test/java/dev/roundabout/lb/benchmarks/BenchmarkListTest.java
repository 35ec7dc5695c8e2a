package dev.roundabout.lb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The annotation processor ran: the benchmark list JMH reads holds every benchmark (without the
 * processor the jar builds fine and runs nothing). Runs no benchmark.
 */
class BenchmarkListTest {

  @Test
  void everyBenchmarkIsGenerated() throws IOException {
    String list;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(in).as("META-INF/BenchmarkList").isNotNull();
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String benchmark : new String[] {"PickBenchmark_pick", "PickBenchmark_pick_2threads",
        "PickBenchmark_pickKeyHash", "PickBenchmark_pickKeyHash_2threads", "PickBenchmark_pickStringKey",
        "LeaseBenchmark_acquireSuccessClose", "UpdateBenchmark_update", "FloorBenchmark_atomicIncrementArrayRead",
        "FloorBenchmark_randomDrawArrayRead", "FloorBenchmark_twoDrawsTwoVolatileReads", "FloorBenchmark_hashArrayRead",
        "InterceptorBenchmark_withoutInterceptor", "InterceptorBenchmark_throughInterceptor",
        "DecisionLogBenchmark_pick", "DecisionLogBenchmark_pick_2threads",
        "MetricsBenchmark_pick", "MetricsBenchmark_acquireSuccessClose"}) {
      assertThat(list).as("generated %s", benchmark).contains("jmh_generated." + benchmark + "_jmhTest ");
    }
  }

  @Test
  void everyPickerParameter_namesAPickersMethod() {
    for (String name : new String[] {"roundRobin", "weightedRoundRobin", "random", "weightedRandom",
        "leastConnections", "powerOfTwoChoices", "ringHash", "maglev", "rendezvous", "reportedLoad(blackoutPeriod=0s)"}) {
      assertThat(Pools.picker(name)).isNotNull();
    }
  }
}
