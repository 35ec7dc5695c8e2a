package dev.roundabout.lb.sim;

import dev.roundabout.lb.Pickers;
import java.time.Duration;
import java.util.List;

/**
 * Checks of the simulator against queueing theory, run before any picker is judged: if these are
 * off by more than {@link #TOLERANCE_PERCENT}%, the simulator is wrong. Each check runs a long
 * simulation and compares a mean time in system, in service times, with the formula's.
 */
public final class Validation {
  /** How far a measured figure may be from theory, in percent. */
  public static final double TOLERANCE_PERCENT = 3;

  private static final Distribution SERVICE = Distribution.exponential(Duration.ofMillis(10));
  private static final double SERVICE_MILLIS = 10;

  private Validation() {}

  /** One comparison of the simulator with theory. */
  public static final class Check {
    private final String name;
    private final String formula;
    private final double expected;
    private final double measured;
    private final int calls;

    Check(String name, String formula, double expected, double measured, int calls) {
      this.name = name;
      this.formula = formula;
      this.expected = expected;
      this.measured = measured;
      this.calls = calls;
    }

    /** The queueing model and load checked, such as {@code M/M/1 at load 0.9}. */
    public String name() {
      return name;
    }

    /** Where the expected figure comes from. */
    public String formula() {
      return formula;
    }

    /** The theory's mean time in system, in service times. */
    public double expected() {
      return expected;
    }

    /** The simulation's, in service times. */
    public double measured() {
      return measured;
    }

    /** The number of calls simulated. */
    public int calls() {
      return calls;
    }

    /** {@code |measured - expected| / expected}, in percent. */
    public double errorPercent() {
      return Math.abs(measured - expected) / expected * 100;
    }

    /** Whether the measured figure is within {@link #TOLERANCE_PERCENT}% of theory. */
    public boolean passed() {
      return errorPercent() <= TOLERANCE_PERCENT;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%s: expected %.3f, measured %.3f (%.2f%% off, %d calls)",
          name, expected, measured, errorPercent(), calls);
    }
  }

  /** Runs every check with {@code seed}; {@code scale} 1 is the report's length, less for tests. */
  public static List<Check> run(long seed, double scale) {
    return List.of(mm1(seed, scale), mmc(seed, scale), supermarket(seed, scale));
  }

  /** M/M/1 at load 0.9: a mean time in system of 1 / (1 - 0.9) = 10 service times. */
  static Check mm1(long seed, double scale) {
    Scenario s = Scenario.builder("mm1")
        .server(ServerSpec.of(1, SERVICE))
        .clients(ClientSpec.openLoop(1, 90).timeout(Duration.ofHours(1)).maxAttempts(1))
        .duration(Duration.ofSeconds(Math.max(100, (long) (20_000 * scale))))
        .keyed(false)
        .build();
    SimulationResult r = Simulation.builder().scenario(s).policy(Policy.picker("roundRobin", Pickers.roundRobin())).seed(seed).run();
    return new Check("M/M/1 at load 0.9", "1 / (1 - rho)", 10, r.meanMillis() / SERVICE_MILLIS, r.calls());
  }

  /** M/M/4 at load 0.9 (one server of four slots): Erlang C. */
  static Check mmc(long seed, double scale) {
    int c = 4;
    double rho = 0.9;
    double lambda = rho * c * 100; // calls per second; mu = 100 per slot
    Scenario s = Scenario.builder("mmc")
        .server(ServerSpec.of(c, SERVICE))
        .clients(ClientSpec.openLoop(1, lambda).timeout(Duration.ofHours(1)).maxAttempts(1))
        .duration(Duration.ofSeconds(Math.max(50, (long) (5_000 * scale))))
        .keyed(false)
        .build();
    SimulationResult r = Simulation.builder().scenario(s).policy(Policy.picker("roundRobin", Pickers.roundRobin())).seed(seed).run();
    double a = c * rho; // offered load in Erlangs
    double sum = 0;
    double term = 1;
    for (int k = 0; k < c; k++) {
      if (k > 0) {
        term *= a / k;
      }
      sum += term;
    }
    double last = term * a / c; // a^c / c!
    double erlangC = last / (1 - rho) / (sum + last / (1 - rho));
    double expected = erlangC / (c * (1 - rho)) + 1; // W / service time = C / (c mu - lambda) * mu + 1
    return new Check("M/M/4 at load 0.9", "Erlang C: C(c, a) / (c (1 - rho)) + 1", expected,
        r.meanMillis() / SERVICE_MILLIS, r.calls());
  }

  /**
   * Power of two choices over 100 single-slot servers at load 0.9, one client (which sees every
   * call in flight): the supermarket model's mean time in system, the sum over i of
   * {@code rho^(2^i - 2)}, 2.61 service times.
   */
  static Check supermarket(long seed, double scale) {
    double rho = 0.9;
    Scenario s = Scenario.builder("supermarket")
        .servers(100, ServerSpec.of(1, SERVICE))
        .clients(ClientSpec.openLoop(1, rho * 100 * 100).timeout(Duration.ofHours(1)).maxAttempts(1))
        .duration(Duration.ofSeconds(Math.max(10, (long) (500 * scale))))
        .keyed(false)
        .build();
    SimulationResult r = Simulation.builder().scenario(s)
        .policy(Policy.picker("powerOfTwoChoices", Pickers.powerOfTwoChoices())).seed(seed).run();
    double expected = 0;
    for (int i = 1; i < 64; i++) {
      expected += StrictMath.pow(rho, StrictMath.pow(2, i) - 2);
    }
    return new Check("Power of two choices, 100 servers at load 0.9", "sum of rho^(2^i - 2)", expected,
        r.meanMillis() / SERVICE_MILLIS, r.calls());
  }
}
