package dev.roundabout.lb.sim;

import java.time.Duration;

/**
 * What a scenario's timeline may change during a run: the servers' behaviour, the registry that
 * clients follow, and the arrival rate. Servers are numbered from 0 in the scenario's order.
 * Called on the simulation's thread, at the virtual time of the action.
 */
public interface Control {
  /** Sets server {@code server}'s speed: service times that start from now on are divided by it. */
  void speed(int server, double speed);

  /** Adds {@code latency} to every answer of {@code server} from now on (zero to stop). */
  void extraLatency(int server, Duration latency);

  /**
   * Makes {@code server} answer a share {@code rate} (0 to 1) of its calls with an error: at once
   * when {@code fast} (an error that looks fast), or after the service time.
   */
  void errors(int server, double rate, boolean fast);

  /** Makes {@code server} accept calls and never answer them, or stops that. */
  void blackHole(int server, boolean on);

  /** Makes {@code server} refuse connections (it died), or accept them again. */
  void refuse(int server, boolean on);

  /**
   * Makes {@code server} answer {@code 429} at once when it holds {@code maxCalls} calls already
   * (in service and queued); 0 turns the limit off.
   */
  void rateLimit(int server, int maxCalls);

  /**
   * Makes {@code server}'s answers carry its load report (as every server does from the start), or
   * stops that: its answers then carry none.
   */
  void loadReports(int server, boolean on);

  /** Removes {@code server} from the registry: clients drain it; it finishes what it holds. */
  void leave(int server);

  /** Puts {@code server} (back) into the registry. */
  void join(int server);

  /** Multiplies every client's arrival rate by {@code factor} from now on (1: the scenario's rate). */
  void arrivals(double factor);

  /** The current virtual time since the start of the run. */
  Duration now();
}
