package dev.roundabout.lb.sim;

import dev.roundabout.lb.health.OutlierDetector;
import java.time.Duration;
import java.util.List;

/**
 * The scenarios of the quality report: each a named, documented case with parameters. Unless
 * a scenario says otherwise: 10 servers of one slot each with exponential service times of mean
 * 10 ms (100 calls a second each), 20 open-loop clients sending 90% of what the servers can
 * serve, 60 s of arrivals, a 10 s call timeout, 3 attempts and the default retry budget.
 */
public final class Scenarios {
  /** The default service time: exponential, mean 10 ms. */
  public static final Distribution SERVICE = Distribution.exponential(Duration.ofMillis(10));
  /** The default server: one slot, {@link #SERVICE}. */
  public static final ServerSpec SERVER = ServerSpec.of(1, SERVICE);

  private static final Duration MINUTE = Duration.ofSeconds(60);

  private Scenarios() {}

  /** Every scenario of the report, with its default parameters, in the report's order. */
  public static List<Scenario> all() {
    return List.of(
        simplest(), oneSlowServer(0.1), drasticSlowdown(100), linkerd(), fastFailures(), slowErrors(), blackHole(),
        allHalfFailing(), uncommonFlakes(0.001), rateLimits(3), oneBigSpike(10), liveReloading(), heterogeneous(),
        loadRamp(), manyClients(200), weightedManyClients(200), coldStart(0.2), staleReports());
  }

  /**
   * The scenario named {@code name}, with its default parameters.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static Scenario named(String name) {
    for (Scenario s : all()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("scenario: \"" + name + "\" (expected: one of " + names() + ")");
  }

  /** The names of every scenario. */
  public static List<String> names() {
    return all().stream().map(Scenario::name).toList();
  }

  private static ClientSpec load(double share, double capacityPerSecond) {
    return ClientSpec.openLoop(20, share * capacityPerSecond);
  }

  private static double capacity(int servers, ServerSpec spec) {
    return servers * spec.capacityPerSecond();
  }

  /** Ten equal servers at 90% load: the baseline every picker should handle. */
  public static Scenario simplest() {
    return Scenario.builder("simplest")
        .description("Ten equal servers at 90% load. The baseline: no fault, only the randomness of arrivals and "
            + "service times, and what each client can see of the servers' load.")
        .servers(10, SERVER)
        .clients(load(0.9, capacity(10, SERVER)))
        .duration(MINUTE)
        .build();
  }

  /** One server of ten runs at {@code speed} times the others' speed throughout. */
  public static Scenario oneSlowServer(double speed) {
    ServerSpec slow = SERVER.speed(speed);
    double capacity = capacity(9, SERVER) + slow.capacityPerSecond();
    return Scenario.builder("one-slow-server")
        .description("One server of ten serves at " + speed + "x speed for the whole run; 90% of the real capacity "
            + "is offered. A picker that spreads calls evenly overloads the slow server without end.")
        .server(slow)
        .servers(9, SERVER)
        .clients(load(0.9, capacity))
        .duration(MINUTE)
        .build();
  }

  /** A server becomes {@code factor} times slower a third of the way in. */
  public static Scenario drasticSlowdown(double factor) {
    return Scenario.builder("drastic-slowdown")
        .description("At 20 s one server becomes " + ReportFormat.number(factor) + "x slower and stays so; the offer is 80% of the "
            + "starting capacity. A picker must notice and move the load away.")
        .servers(10, SERVER)
        .clients(load(0.8, capacity(10, SERVER)))
        .duration(MINUTE)
        .at(Duration.ofSeconds(20), c -> c.speed(0, 1 / factor))
        .build();
  }

  /**
   * Every server at half speed at once, from 20 s to 40 s: an outage in which every call is slow,
   * and hedges must stay within their budget. Not among {@link #all()}: the report's hedging
   * section runs it.
   */
  public static Scenario allSlow() {
    Scenario.Builder b = Scenario.builder("all-slow")
        .description("From 20 s to 40 s every server runs at half speed: the offer, 80% of the capacity, becomes 160% "
            + "of it, queues grow everywhere and calls time out after 2 s. Every call is slow: hedging must not "
            + "multiply the load.")
        .servers(10, SERVER)
        .clients(load(0.8, capacity(10, SERVER)).timeout(Duration.ofSeconds(2)))
        .duration(MINUTE)
        .at(Duration.ofSeconds(20), c -> {
          for (int i = 0; i < 10; i++) {
            c.speed(i, 0.5);
          }
        })
        .at(Duration.ofSeconds(40), c -> {
          for (int i = 0; i < 10; i++) {
            c.speed(i, 1);
          }
        });
    return b.build();
  }

  /**
   * Linkerd's "Beyond Round Robin" case: 11 servers, one adds 2 s to every answer for 30 s of 60,
   * and clients give up after 1 s.
   */
  public static Scenario linkerd() {
    ServerSpec server = ServerSpec.of(8, Distribution.logNormal(Duration.ofMillis(10), 0.5));
    return Scenario.builder("linkerd")
        .description("Linkerd's case: 11 servers; from 15 s to 45 s one adds 2 s to every answer; calls time out "
            + "after 1 s, so its calls fail unless the picker stops sending them there. The success rate is the figure.")
        .servers(11, server)
        .clients(load(0.5, capacity(11, server)).timeout(Duration.ofSeconds(1)))
        .duration(MINUTE)
        .at(Duration.ofSeconds(15), c -> c.extraLatency(0, Duration.ofSeconds(2)))
        .at(Duration.ofSeconds(45), c -> c.extraLatency(0, Duration.ZERO))
        .build();
  }

  /** A server answers every call with an error at once (it looks fast), then recovers. */
  public static Scenario fastFailures() {
    return Scenario.builder("fast-failures")
        .description("From 10 s to 40 s one server answers every call with an error at once: it looks like the "
            + "fastest server, and load-aware pickers are drawn to it. Outlier detection and retries are on.")
        .servers(10, SERVER)
        .clients(load(0.8, capacity(10, SERVER)))
        .duration(MINUTE)
        .balancer(b -> b.healthTracker(OutlierDetector.builder().build()))
        .at(Duration.ofSeconds(10), c -> c.errors(0, 1, true))
        .at(Duration.ofSeconds(40), c -> c.errors(0, 0, true))
        .build();
  }

  /** A server answers every call with an error after its service time, then recovers. */
  public static Scenario slowErrors() {
    return Scenario.builder("slow-errors")
        .description("From 10 s to 40 s one server fails every call after its usual service time. Outlier "
            + "detection and retries are on.")
        .servers(10, SERVER)
        .clients(load(0.8, capacity(10, SERVER)))
        .duration(MINUTE)
        .balancer(b -> b.healthTracker(OutlierDetector.builder().build()))
        .at(Duration.ofSeconds(10), c -> c.errors(0, 1, false))
        .at(Duration.ofSeconds(40), c -> c.errors(0, 0, false))
        .build();
  }

  /** A server accepts calls and never answers, then recovers. */
  public static Scenario blackHole() {
    return Scenario.builder("black-hole")
        .description("From 10 s to 40 s one server accepts calls and never answers; calls time out after 1 s. "
            + "Outlier detection is on: the timeouts are failures.")
        .servers(10, SERVER)
        .clients(load(0.8, capacity(10, SERVER)).timeout(Duration.ofSeconds(1)))
        .duration(MINUTE)
        .balancer(b -> b.healthTracker(OutlierDetector.builder().build()))
        .at(Duration.ofSeconds(10), c -> c.blackHole(0, true))
        .at(Duration.ofSeconds(40), c -> c.blackHole(0, false))
        .build();
  }

  /** Every server fails half of its calls: retries must not multiply the load. */
  public static Scenario allHalfFailing() {
    return Scenario.builder("all-half-failing")
        .description("Every server fails half of its calls after the service time, for the whole run, at 50% "
            + "load. Retries help only within their budget; outlier detection must not eject everyone.")
        .servers(10, SERVER)
        .clients(load(0.5, capacity(10, SERVER)))
        .duration(MINUTE)
        .balancer(b -> b.healthTracker(OutlierDetector.builder().build()))
        .at(Duration.ZERO, c -> {
          for (int i = 0; i < 10; i++) {
            c.errors(i, 0.5, false);
          }
        })
        .build();
  }

  /** Every server fails a small share {@code rate} of calls at once. */
  public static Scenario uncommonFlakes(double rate) {
    return Scenario.builder("uncommon-flakes")
        .description("Every server fails " + (rate * 100) + "% of calls at once, for the whole run. Retries hide "
            + "them; nothing should be ejected for long.")
        .servers(10, SERVER)
        .clients(load(0.9, capacity(10, SERVER)))
        .duration(MINUTE)
        .balancer(b -> b.healthTracker(OutlierDetector.builder().build()))
        .at(Duration.ZERO, c -> {
          for (int i = 0; i < 10; i++) {
            c.errors(i, rate, true);
          }
        })
        .build();
  }

  /** Servers answer 429 at once when they hold {@code maxCalls} calls. */
  public static Scenario rateLimits(int maxCalls) {
    return Scenario.builder("rate-limits")
        .description("Every server answers 429 at once when it already holds " + maxCalls + " calls, at 90% load: "
            + "a picker that piles calls on a server is refused, and retries elsewhere spend the budget.")
        .servers(10, SERVER)
        .clients(load(0.9, capacity(10, SERVER)))
        .duration(MINUTE)
        .at(Duration.ZERO, c -> {
          for (int i = 0; i < 10; i++) {
            c.rateLimit(i, maxCalls);
          }
        })
        .build();
  }

  /** Arrivals jump to {@code factor} times their rate for one second. */
  public static Scenario oneBigSpike(double factor) {
    return Scenario.builder("one-big-spike")
        .description("At 30 s arrivals jump to " + factor + "x the usual 50% load for one second, then return: "
            + "how fast each picker drains the queues.")
        .servers(10, SERVER)
        .clients(load(0.5, capacity(10, SERVER)))
        .duration(MINUTE)
        .at(Duration.ofSeconds(30), c -> c.arrivals(factor))
        .at(Duration.ofSeconds(31), c -> c.arrivals(1))
        .build();
  }

  /** The endpoint list changes every 5 s: one server leaves (drained), another joins. */
  public static Scenario liveReloading() {
    Scenario.Builder b = Scenario.builder("live-reloading")
        .description("Twelve servers, ten in the registry at a time: every 5 s one leaves (drained: it finishes "
            + "what it holds) and another joins, at 80% load.")
        .servers(12, SERVER)
        .clients(load(0.8, capacity(10, SERVER)))
        .duration(MINUTE)
        .at(Duration.ZERO, c -> {
          c.leave(10);
          c.leave(11);
        });
    for (int step = 1; step < 12; step++) {
      int leaving = (step - 1) % 12;
      int joining = (step + 9) % 12;
      b.at(Duration.ofSeconds(5L * step), c -> {
        c.join(joining);
        c.leave(leaving);
      });
    }
    return b.build();
  }

  /** Speeds from 0.5x to 2x, equal weights. */
  public static Scenario heterogeneous() {
    Scenario.Builder b = Scenario.builder("heterogeneous")
        .description("Ten servers of speeds from 0.5x to 2x with equal weights (the registry does not know), at "
            + "90% of the real capacity.");
    return b.clients(load(0.9, mixedSpeeds(b))).duration(MINUTE).build();
  }

  /** Adds ten servers of speeds from 0.5x to 2x, equal weights; returns their capacity in calls a second. */
  static double mixedSpeeds(Scenario.Builder b) {
    double capacity = 0;
    for (int i = 0; i < 10; i++) {
      ServerSpec s = SERVER.speed(0.5 + 1.5 * i / 9);
      b.server(s);
      capacity += s.capacityPerSecond();
    }
    return capacity;
  }

  /**
   * The servers of {@link #heterogeneous()} for four minutes; at 30 s the fastest stops sending load
   * reports. With the load-report picker's default expiry (3 minutes), its last report stops
   * counting at about 210 s, and it falls back to the mean weight.
   */
  public static Scenario staleReports() {
    Scenario.Builder b = Scenario.builder("stale-reports")
        .description("The servers of heterogeneous (speeds 0.5x to 2x, equal weights) at 90% of the real capacity, for "
            + "four minutes; every server's answers carry its load report (its utilisation and calls per second over "
            + "the last second) until, at 30 s, the fastest stops sending them. A picker that weighs by reports keeps "
            + "the last one until it expires, then gives that server the mean weight.");
    return b.clients(load(0.9, mixedSpeeds(b))).duration(Duration.ofMinutes(4))
        .at(Duration.ofSeconds(30), c -> c.loadReports(9, false))
        .build();
  }

  /** Load ramps from 60% to 180% of capacity. */
  public static Scenario loadRamp() {
    Scenario.Builder b = Scenario.builder("load-ramp")
        .description("The offer ramps from 60% to 180% of capacity in steps of 10% every 5 s (Prequal's test); "
            + "calls time out after 2 s. Past 100% queues must grow; the question is how evenly, and what "
            + "clients see.")
        .servers(10, SERVER)
        .clients(load(0.6, capacity(10, SERVER)).timeout(Duration.ofSeconds(2)))
        .duration(MINUTE);
    for (int step = 1; step <= 12; step++) {
      double factor = (0.6 + 0.1 * step) / 0.6;
      b.at(Duration.ofSeconds(5L * step), c -> c.arrivals(factor));
    }
    return b.build();
  }

  /** {@code clients} clients, each sending rarely: each sees almost none of the servers' load. */
  public static Scenario manyClients(int clients) {
    return Scenario.builder("many-clients")
        .description(clients + " clients share ten servers at 90% load, each sending a few calls a second: each "
            + "client's view of the load is its own calls only, so load-aware pickers herd or go blind.")
        .servers(10, SERVER)
        .clients(ClientSpec.openLoop(clients, 0.9 * capacity(10, SERVER)))
        .duration(MINUTE)
        .build();
  }

  /**
   * {@code clients} clients over servers of speeds 0.5x to 2x whose weights say so (speed x 10):
   * weighted pickers must not send every client to the heaviest servers.
   */
  public static Scenario weightedManyClients(int clients) {
    Scenario.Builder b = Scenario.builder("weighted-many-clients")
        .description(clients + " clients share ten servers of speeds 0.5x to 2x whose weights are their speeds "
            + "(x10), at 90% of the real capacity. Each client has almost no call in flight, so a weighted load "
            + "picker that compares (inFlight + 1) / weight would send every client to the heaviest servers.");
    double capacity = 0;
    for (int i = 0; i < 10; i++) {
      double speed = 0.5 + 1.5 * i / 9;
      ServerSpec s = SERVER.speed(speed).weight((int) Math.round(speed * 10));
      b.server(s);
      capacity += s.capacityPerSecond();
    }
    return b.clients(ClientSpec.openLoop(clients, 0.9 * capacity)).duration(MINUTE).build();
  }

  /** A server joins at 20 s and runs at {@code speed} for its first 30 s (cold caches); slow start is on. */
  public static Scenario coldStart(double speed) {
    return Scenario.builder("cold-start")
        .description("Ten servers at 80% load; at 20 s an eleventh joins, running at " + speed + "x speed for its "
            + "first 30 s (cold caches, a JIT warming up). Slow start (30 s) is on: the newcomer's share grows.")
        .servers(11, SERVER)
        .clients(load(0.8, capacity(10, SERVER)))
        .duration(MINUTE)
        .balancer(b -> b.slowStart(Duration.ofSeconds(30)))
        .at(Duration.ZERO, c -> c.leave(10))
        .at(Duration.ofSeconds(20), c -> {
          c.speed(10, speed);
          c.join(10);
        })
        .at(Duration.ofSeconds(50), c -> c.speed(10, 1))
        .build();
  }
}
