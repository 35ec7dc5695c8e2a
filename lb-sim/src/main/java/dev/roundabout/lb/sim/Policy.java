package dev.roundabout.lb.sim;

import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How simulated clients choose a server: a real {@link LoadBalancer} with a picker (each client
 * owns one, as each process of a service would), or an oracle that sees every server's queue and
 * state (it never sends a call to a server that refuses, black-holes or fails every call), against which the pickers are judged. Oracles make one attempt per call. Immutable.
 */
public final class Policy {
  /** The oracles: what a balancer with global, instant knowledge would do. */
  enum Oracle {
    /** Join the shortest queue: the working server holding the fewest calls (in service and queued). */
    JOIN_SHORTEST_QUEUE,
    /**
     * Shortest expected delay: the working server with the least
     * {@code (1 + held) / (slots x speed) x mean service time + extra latency}.
     */
    SHORTEST_EXPECTED_DELAY
  }

  private final String name;
  /** The picker of a client, given the client's load probe; null for an oracle. */
  private final @Nullable Function<LoadProbe, PickerFactory> picker;
  private final boolean probing;
  private final @Nullable Oracle oracle;
  private final @Nullable Consumer<LoadBalancer.Builder> configuration;

  private Policy(String name, @Nullable Function<LoadProbe, PickerFactory> picker, boolean probing,
      @Nullable Oracle oracle, @Nullable Consumer<LoadBalancer.Builder> configuration) {
    this.name = name;
    this.picker = picker;
    this.probing = probing;
    this.oracle = oracle;
    this.configuration = configuration;
  }

  /** Every client balances with a real {@link LoadBalancer} using {@code picker}. */
  public static Policy picker(String name, PickerFactory picker) {
    Objects.requireNonNull(picker, "picker");
    return new Policy(Objects.requireNonNull(name, "name"), probe -> picker, false, null, null);
  }

  /**
   * Every client balances with a real {@link LoadBalancer} whose picker probes the servers: the
   * simulation gives each client its own {@link LoadProbe}, bound to the simulated servers on
   * virtual time, and {@code picker} turns it into the client's picker factory. A probe costs a
   * round trip ({@link ClientSpec#probeRoundTrip(java.time.Duration)}) and is counted
   * ({@link SimulationResult#probesPerCall()}); it reaches the server after half the round trip
   * and answers the calls the server holds then (in service and queued) and its recent latency
   * (the median time in the server of its last 16 answered calls, 0 before any). A server that
   * refuses connections fails the probe after the round trip; a black hole never answers it (the
   * picker's timeout forgets it).
   */
  public static Policy probing(String name, Function<LoadProbe, ? extends PickerFactory> picker) {
    Objects.requireNonNull(picker, "picker");
    return new Policy(Objects.requireNonNull(name, "name"),
        probe -> Objects.requireNonNull(picker.apply(probe), "the picker function returned no factory"), true, null,
        null);
  }

  /**
   * {@link #probing} with {@link Pickers#prequal(LoadProbe)} on the client's probe, configured by
   * {@code options} ({@code f -> f} for the defaults, {@code f -> f.hotQuantile(0.9)} for
   * another threshold).
   */
  public static Policy prequal(String name, UnaryOperator<Pickers.PrequalFactory> options) {
    Objects.requireNonNull(options, "options");
    return probing(name, probe -> options.apply(Pickers.prequal(probe)));
  }

  /** The join-the-shortest-queue oracle (global knowledge). */
  public static Policy joinShortestQueue() {
    return new Policy("oracle: shortest queue", null, false, Oracle.JOIN_SHORTEST_QUEUE, null);
  }

  /** The shortest-expected-delay oracle (global knowledge of queues and speeds). */
  public static Policy shortestExpectedDelay() {
    return new Policy("oracle: shortest expected delay", null, false, Oracle.SHORTEST_EXPECTED_DELAY, null);
  }

  /**
   * Every built-in picker of {@link Pickers}, with its defaults (prequal with the simulation's
   * probe), and the hash pickers with a load bound of 1.25, in the report's order.
   */
  public static List<Policy> builtInPickers() {
    return List.of(
        picker("roundRobin", Pickers.roundRobin()),
        picker("weightedRoundRobin", Pickers.weightedRoundRobin()),
        picker("random", Pickers.random()),
        picker("weightedRandom", Pickers.weightedRandom()),
        picker("leastConnections", Pickers.leastConnections()),
        picker("powerOfTwoChoices", Pickers.powerOfTwoChoices()),
        picker("ringHash", Pickers.ringHash()),
        picker("maglev", Pickers.maglev()),
        picker("rendezvous", Pickers.rendezvous()),
        picker("ringHash.boundedLoad(1.25)", Pickers.ringHash().boundedLoad(1.25)),
        picker("maglev.boundedLoad(1.25)", Pickers.maglev().boundedLoad(1.25)),
        picker("rendezvous.boundedLoad(1.25)", Pickers.rendezvous().boundedLoad(1.25)),
        picker("peakEwma", Pickers.peakEwma()),
        picker("adaptive", Pickers.adaptive()),
        picker("reportedLoad", Pickers.reportedLoad()),
        picker("reportedLoad(blackoutPeriod=0s)", Pickers.reportedLoad().blackoutPeriod(java.time.Duration.ZERO)),
        prequal("prequal", f -> f),
        prequal("prequal(maxProbeAge=50ms)", f -> f.maxProbeAge(java.time.Duration.ofMillis(50))));
  }

  /** Both oracles. */
  public static List<Policy> oracles() {
    return List.of(joinShortestQueue(), shortestExpectedDelay());
  }

  /**
   * The built-in picker named {@code name} (as in {@link #builtInPickers()}).
   *
   * @throws IllegalArgumentException if there is none
   */
  public static Policy builtIn(String name) {
    for (Policy p : builtInPickers()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("picker: \"" + name + "\" (expected: one of "
        + builtInPickers().stream().map(Policy::name).toList() + ")");
  }

  /**
   * This policy with more balancer options (a health policy, slow start, panic), applied to every
   * client's builder after the scenario's own. Ignored by oracles.
   */
  public Policy configure(Consumer<LoadBalancer.Builder> configuration) {
    Objects.requireNonNull(configuration, "configuration");
    Consumer<LoadBalancer.Builder> combined = this.configuration == null ? configuration : this.configuration.andThen(configuration);
    return new Policy(name, picker, probing, oracle, combined);
  }

  /** This policy under another name (for reports). */
  public Policy named(String newName) {
    return new Policy(Objects.requireNonNull(newName, "name"), picker, probing, oracle, configuration);
  }

  /** The name of this policy in reports. */
  public String name() {
    return name;
  }

  /** Whether this policy is an oracle rather than a real balancer with a picker. */
  public boolean isOracle() {
    return oracle != null;
  }

  /** Whether this policy's picker probes the servers ({@link #probing}). */
  public boolean isProbing() {
    return probing;
  }

  /** The picker factory of a client whose probe is {@code probe}; null for an oracle. */
  @Nullable PickerFactory pickerFactory(LoadProbe probe) {
    return picker == null ? null : picker.apply(probe);
  }

  @Nullable Oracle oracle() {
    return oracle;
  }

  void configure(LoadBalancer.Builder builder) {
    if (configuration != null) {
      configuration.accept(builder);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
