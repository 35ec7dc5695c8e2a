package dev.roundabout.lb.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small scenarios and reports for the report's tests: seconds of simulated time, not minutes. */
final class ReportTestSupport {
  static final long SEED = 5;

  private ReportTestSupport() {}

  /** Four servers, one of them slow, 4 s of arrivals; at 2 s the slow one recovers. */
  static Scenario tiny() {
    return Scenario.builder("tiny")
        .description("Four servers, one at half speed until 2 s.")
        .server(Scenarios.SERVER.speed(0.5))
        .servers(3, Scenarios.SERVER)
        .clients(ClientSpec.openLoop(4, 300))
        .duration(Duration.ofSeconds(4))
        .at(Duration.ofSeconds(2), c -> c.speed(0, 1))
        .build();
  }

  static List<Policy> twoPickers() {
    return List.of(Policy.builtIn("roundRobin"), Policy.builtIn("powerOfTwoChoices"));
  }

  /** {@code full} with its servers, clients, balancer options and timeline squeezed into {@code length}. */
  static Scenario shortened(Scenario full, Duration length) {
    double factor = length.toNanos() / (double) full.durationNanos();
    Scenario.Builder b = Scenario.builder(full.name())
        .description(full.description())
        .clients(full.clients())
        .duration(length)
        .keyed(full.keyed())
        .balancer(full::configure);
    for (ServerSpec s : full.servers()) {
      b.server(s);
    }
    for (Scenario.Action a : full.timeline()) {
      b.at(Duration.ofNanos((long) (a.atNanos * factor)), a.change);
    }
    return b.build();
  }

  /** Every scenario of the report, squeezed into {@code length}. */
  static List<Scenario> allShortened(Duration length) {
    List<Scenario> list = new ArrayList<>();
    for (Scenario s : Scenarios.all()) {
      list.add(shortened(s, length));
    }
    return list;
  }

  /** Threads the report started that are still alive. */
  static List<String> reportThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("roundabout-sim-report-")) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
