package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.sim.SimulationResult;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The README's simulation block is the body of {@link SimulateMyPool}, and it runs. */
class SimulateMyPoolTest {
  @Test
  void theReadmeShowsTheSimulation_asItIsInTheExample() throws IOException {
    assertThat(ExamplesReadmeTest.readme())
        .contains("```java\n" + ExamplesReadmeTest.block("SimulateMyPool.java", "simulate") + "```\n");
  }

  @Test
  void theSimulation_runsTheMinuteOfCalls_andTheSlowServerLosesItsShare() {
    SimulationResult r = SimulateMyPool.run();

    assertThat(r.calls()).isBetween(55_000, 65_000); // 1,000 calls a second for 60 s
    assertThat(r.successRate()).isGreaterThan(0.99);
    long[] attempts = r.attemptsPerServer();
    assertThat(attempts[0]).as("the server that slowed down").isLessThan(attempts[1]);
  }
}
