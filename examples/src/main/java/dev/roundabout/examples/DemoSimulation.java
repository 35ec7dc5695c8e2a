package dev.roundabout.examples;

import dev.roundabout.lb.sim.Policy;
import dev.roundabout.lb.sim.Scenarios;
import dev.roundabout.lb.sim.Simulation;
import dev.roundabout.lb.sim.SimulationResult;
import java.io.PrintStream;
import java.util.List;

/**
 * The demo's comparison, measured where timing cannot blur it: the same pickers on lb-sim's
 * {@code one-slow-server} scenario (ten servers, one at 0.1x speed, 20 clients, virtual time).
 */
final class DemoSimulation {
  private DemoSimulation() {}

  static void print(List<String> pickers, long seed, PrintStream out) {
    out.printf("%nThe same pickers on lb-sim's one-slow-server scenario (ten servers, one at 0.1x speed, 20 clients,"
        + " 60 s of virtual time, seed %d; lb-sim/QUALITY.md has every scenario):%n", seed);
    out.printf("%-18s %8s %9s %9s %16s%n", "picker", "p50 ms", "p99 ms", "success", "slow server got");
    for (String picker : pickers) {
      SimulationResult r = Simulation.builder().scenario(Scenarios.oneSlowServer(0.1)).policy(Policy.builtIn(picker)).seed(seed).run();
      out.printf("%-18s %8.1f %9.1f %8.2f%% %15.1f%%%n", picker, r.percentileMillis(0.5), r.percentileMillis(0.99),
          100 * r.successRate(), 100 * slowShare(r));
    }
  }

  /** The slow server's (server 0's) share of all attempts. */
  private static double slowShare(SimulationResult r) {
    long[] attempts = r.attemptsPerServer();
    long total = 0;
    for (long a : attempts) {
      total += a;
    }
    return total == 0 ? 0 : attempts[0] / (double) total;
  }
}
