package dev.roundabout.examples;

import dev.roundabout.lb.sim.ClientSpec;
import dev.roundabout.lb.sim.Distribution;
import dev.roundabout.lb.sim.Policy;
import dev.roundabout.lb.sim.Scenario;
import dev.roundabout.lb.sim.ServerSpec;
import dev.roundabout.lb.sim.Simulation;
import dev.roundabout.lb.sim.SimulationResult;
import java.time.Duration;

/**
 * Simulates a pool of one's own with lb-sim: the README's "How well it balances" block.
 *
 * <pre>{@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.roundabout.examples.SimulateMyPool}</pre>
 */
public final class SimulateMyPool {
  private SimulateMyPool() {}

  public static void main(String[] args) {
    System.out.println(run());
  }

  /** The block: eight servers of four slots, one slowing down at 30 s; least connections. */
  static SimulationResult run() {
    // simulate:begin
    Scenario mine = Scenario.builder("my-pool")
        .servers(8, ServerSpec.of(4, Distribution.logNormal(Duration.ofMillis(20), 0.6)))
        .clients(ClientSpec.openLoop(50, 1_000).timeout(Duration.ofSeconds(2)))
        .at(Duration.ofSeconds(30), c -> c.speed(0, 0.2))       // one server slows down
        .build();
    SimulationResult r = Simulation.builder().scenario(mine).policy(Policy.builtIn("leastConnections")).seed(1).run();
    // simulate:end
    return r;
  }
}
