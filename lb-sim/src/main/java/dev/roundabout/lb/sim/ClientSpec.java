package dev.roundabout.lb.sim;

import dev.roundabout.lb.HedgingPolicy;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The simulated clients: how many, how they send (open loop: Poisson arrivals at a total rate;
 * closed loop: a number of users per client, each sending its next call when the last ends), and
 * how a call is made: its timeout, how many attempts, the retry budget, judged by the same
 * {@code RetryRules} as the OkHttp interceptor, and hedging, decided by the same {@code Hedger}.
 * Immutable.
 */
public final class ClientSpec {
  /** The default most attempts of one call: 3, as the OkHttp interceptor's default. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** The default round trip of a load probe: 1 ms. */
  public static final Duration DEFAULT_PROBE_ROUND_TRIP = Duration.ofMillis(1);

  private final int clients;
  private final double callsPerSecond;
  private final int usersPerClient;
  private final long timeoutNanos;
  private final int maxAttempts;
  private final int retryPercent;
  private final int minRetriesPerSecond;
  private final @Nullable HedgingPolicy hedging;
  private final long probeRoundTripNanos;

  private ClientSpec(int clients, double callsPerSecond, int usersPerClient, long timeoutNanos, int maxAttempts,
      int retryPercent, int minRetriesPerSecond, @Nullable HedgingPolicy hedging, long probeRoundTripNanos) {
    this.clients = clients;
    this.callsPerSecond = callsPerSecond;
    this.usersPerClient = usersPerClient;
    this.timeoutNanos = timeoutNanos;
    this.maxAttempts = maxAttempts;
    this.retryPercent = retryPercent;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.hedging = hedging;
    this.probeRoundTripNanos = probeRoundTripNanos;
  }

  /**
   * {@code clients} clients sending, all together, {@code callsPerSecond} calls a second as
   * Poisson arrivals (each client an equal share), with a 10 s timeout, 3 attempts and the default
   * retry budget (20% plus 10 a second).
   *
   * @throws IllegalArgumentException if {@code clients} is outside 1-100000 or the rate is not positive
   */
  public static ClientSpec openLoop(int clients, double callsPerSecond) {
    checkClients(clients);
    if (!(callsPerSecond > 0 && callsPerSecond < 1e9)) {
      throw new IllegalArgumentException("callsPerSecond: " + callsPerSecond + " (expected: more than 0, below 1e9)");
    }
    return new ClientSpec(clients, callsPerSecond, 0, 10_000_000_000L, DEFAULT_MAX_ATTEMPTS, 20, 10, null,
        DEFAULT_PROBE_ROUND_TRIP.toNanos());
  }

  /**
   * {@code clients} clients with {@code usersPerClient} users each; a user sends its next call as
   * soon as its last one ends.
   *
   * @throws IllegalArgumentException if a count is out of range
   */
  public static ClientSpec closedLoop(int clients, int usersPerClient) {
    checkClients(clients);
    if (usersPerClient < 1 || usersPerClient > 10_000) {
      throw new IllegalArgumentException("usersPerClient: " + usersPerClient + " (expected: 1-10000)");
    }
    return new ClientSpec(clients, 0, usersPerClient, 10_000_000_000L, DEFAULT_MAX_ATTEMPTS, 20, 10, null,
        DEFAULT_PROBE_ROUND_TRIP.toNanos());
  }

  private static void checkClients(int clients) {
    if (clients < 1 || clients > 100_000) {
      throw new IllegalArgumentException("clients: " + clients + " (expected: 1-100000)");
    }
  }

  /**
   * Calls fail after {@code timeout} in all (attempts included), as OkHttp's call timeout does.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public ClientSpec timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: a positive duration)");
    }
    return new ClientSpec(clients, callsPerSecond, usersPerClient, timeout.toNanos(), maxAttempts, retryPercent,
        minRetriesPerSecond, hedging, probeRoundTripNanos);
  }

  /**
   * At most {@code attempts} attempts per call (1: no retry).
   *
   * @throws IllegalArgumentException if {@code attempts} is outside 1-10
   */
  public ClientSpec maxAttempts(int attempts) {
    if (attempts < 1 || attempts > 10) {
      throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: 1-10)");
    }
    return new ClientSpec(clients, callsPerSecond, usersPerClient, timeoutNanos, attempts, retryPercent,
        minRetriesPerSecond, hedging, probeRoundTripNanos);
  }

  /** A retry budget of {@code percent} of recent calls plus {@code minPerSecond}, as {@code RetryBudget.of}. */
  public ClientSpec retryBudget(int percent, int minPerSecond) {
    dev.roundabout.lb.RetryBudget.of(percent, minPerSecond); // checks the values
    return new ClientSpec(clients, callsPerSecond, usersPerClient, timeoutNanos, maxAttempts, percent, minPerSecond,
        hedging, probeRoundTripNanos);
  }

  /**
   * Every call may be hedged by {@code policy}, as the OkHttp interceptor's {@code hedging(policy)}
   * does (every simulated call may be sent twice); each client keeps its own {@code Hedger}, whose
   * hedges also spend from the client's retry budget.
   */
  public ClientSpec hedging(HedgingPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new ClientSpec(clients, callsPerSecond, usersPerClient, timeoutNanos, maxAttempts, retryPercent,
        minRetriesPerSecond, policy, probeRoundTripNanos);
  }

  /**
   * A load probe (of a picker that probes, such as {@code Pickers.prequal}) takes {@code roundTrip}
   * from the client to the server and back: it reaches the server after half of it, when the
   * server reads its figures, and its answer comes back after the other half (plus the server's
   * extra latency, as every answer). Calls carry no network time of their own (a call's latency is
   * the server's time, and its extra latency), so this time is a cost borne by probing only.
   * Default {@link #DEFAULT_PROBE_ROUND_TRIP}.
   *
   * @throws IllegalArgumentException if {@code roundTrip} is negative or longer than 1 s
   */
  public ClientSpec probeRoundTrip(Duration roundTrip) {
    Objects.requireNonNull(roundTrip, "roundTrip");
    if (roundTrip.isNegative() || roundTrip.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("probeRoundTrip: " + roundTrip + " (expected: 0 to PT1S)");
    }
    return new ClientSpec(clients, callsPerSecond, usersPerClient, timeoutNanos, maxAttempts, retryPercent,
        minRetriesPerSecond, hedging, roundTrip.toNanos());
  }

  /** The round trip of a load probe. */
  public Duration probeRoundTrip() {
    return Duration.ofNanos(probeRoundTripNanos);
  }

  long probeRoundTripNanos() {
    return probeRoundTripNanos;
  }

  /** The hedging policy, null without hedging. */
  public @Nullable HedgingPolicy hedging() {
    return hedging;
  }

  /** The number of clients. */
  public int clients() {
    return clients;
  }

  /** The total open-loop rate, 0 for closed loop. */
  public double callsPerSecond() {
    return callsPerSecond;
  }

  /** Users per client in closed loop, 0 for open loop. */
  public int usersPerClient() {
    return usersPerClient;
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  dev.roundabout.lb.RetryBudget newBudget() {
    return dev.roundabout.lb.RetryBudget.of(retryPercent, minRetriesPerSecond);
  }

  @Override
  public String toString() {
    return clients + (usersPerClient > 0 ? " closed-loop clients x " + usersPerClient + " users" : " clients at "
        + callsPerSecond + " calls/s") + ", timeout " + Duration.ofNanos(timeoutNanos) + ", " + maxAttempts + " attempts"
        + (hedging == null ? "" : ", " + hedging)
        + (probeRoundTripNanos == DEFAULT_PROBE_ROUND_TRIP.toNanos() ? "" : ", probe round trip "
            + Duration.ofNanos(probeRoundTripNanos));
  }
}
