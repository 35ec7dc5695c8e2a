package dev.roundabout.lb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The goals the pickers are held to, read off the report's own figures: each says what it asks,
 * what was measured, and whether it is met. A goal whose scenario is not in the report is left out.
 */
final class ReportGoals {
  private ReportGoals() {}

  /** One goal, measured. */
  record Goal(String what, String measured, boolean met) {}

  static List<Goal> measure(Report report) {
    List<Goal> goals = new ArrayList<>();
    ratio(report, goals, "simplest", "adaptive", 1.6);
    notWorse(report, goals, "simplest", "adaptive", "leastConnections");
    ratio(report, goals, "one-slow-server", "adaptive", 1.6);
    ratio(report, goals, "heterogeneous", "adaptive", 1.7);
    ratio(report, goals, "many-clients", "adaptive", 2.5);
    success(report, goals, "linkerd", "adaptive", 0.9995);
    success(report, goals, "linkerd", "peakEwma", 0.999);
    noHerd(report, goals, "weighted-many-clients", "leastConnections");
    noHerd(report, goals, "weighted-many-clients", "powerOfTwoChoices");
    ratio(report, goals, "heterogeneous", "reportedLoad", 1.5);
    ratio(report, goals, "heterogeneous", "reportedLoad(blackoutPeriod=0s)", 1.5);
    fallback(report, goals, "stale-reports", "reportedLoad", 9, 215);
    ratio(report, goals, "simplest", ReportProbing.PICKER, 1.35);
    ratio(report, goals, "many-clients", ReportProbing.PICKER, 1.4);
    probeTraffic(report, goals, ReportProbing.PICKER, 1.0);
    hedging(report, goals);
    return goals;
  }

  /**
   * Hedging at p95 under a 5% budget: on the tail scenarios, the p99.9 at least 2x lower than
   * without, with hedges on at most 5% of calls; in the outage, hedges within the budget.
   */
  private static void hedging(Report report, List<Goal> goals) {
    double budget = ReportHedging.POLICY.budgetPercent() / 100.0;
    for (ReportHedging.Row r : report.hedging()) {
      String where = "hedging (p95, " + ReportHedging.POLICY.budgetPercent() + "%), " + r.picker() + ", "
          + r.scenario().name() + ": ";
      String hedges = "hedges on " + ReportFormat.percent(r.with().hedgeRate(), 2) + " of calls";
      boolean withinBudget = r.with().hedgeRate() <= budget;
      if (ReportHedging.TAIL_SCENARIOS.contains(r.scenario().name())) {
        goals.add(new Goal(where + "p99.9 at least " + ReportFormat.number(ReportHedging.TAIL_CUT)
            + "x lower than without, hedges on at most " + ReportHedging.POLICY.budgetPercent() + "% of calls",
            String.format(Locale.ROOT, "%.2fx (%s ms to %s ms), %s", r.cut(), ReportFormat.millis(r.without().p999Millis()),
                ReportFormat.millis(r.with().p999Millis()), hedges),
            r.cut() >= ReportHedging.TAIL_CUT && withinBudget));
      } else if (r.scenario().name().equals(ReportHedging.OUTAGE)) {
        goals.add(new Goal(where + "every server slow at once: hedges within the " + ReportHedging.POLICY.budgetPercent()
            + "% budget", hedges, withinBudget));
      }
    }
  }

  private static @Nullable Scenario scenario(Report report, String name) {
    for (Scenario s : report.scenarios()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static @Nullable ReportFigures figures(Report report, Scenario scenario, String policy) {
    for (ReportFigures f : report.figures(scenario)) {
      if (f.policy().name().equals(policy)) {
        return f;
      }
    }
    return null;
  }

  private static double bestOracleP99(Report report, Scenario scenario) {
    double best = Double.NaN;
    for (ReportFigures f : report.figures(scenario)) {
      if (f.policy().isOracle() && f.successRate() > 0 && !(f.p99Millis() >= best)) {
        best = f.p99Millis();
      }
    }
    return best;
  }

  private static void ratio(Report report, List<Goal> goals, String name, String policy, double limit) {
    Scenario s = scenario(report, name);
    ReportFigures f = s == null ? null : figures(report, s, policy);
    if (s == null || f == null) {
      return;
    }
    double ratio = f.p99Millis() / bestOracleP99(report, s);
    goals.add(new Goal(policy + ", " + name + ": p99 at most " + ReportFormat.number(limit) + "x the best oracle's",
        String.format(Locale.ROOT, "%.2fx (%s ms)", ratio, ReportFormat.millis(f.p99Millis())), ratio <= limit));
  }

  private static void notWorse(Report report, List<Goal> goals, String name, String policy, String other) {
    Scenario s = scenario(report, name);
    ReportFigures f = s == null ? null : figures(report, s, policy);
    ReportFigures o = s == null ? null : figures(report, s, other);
    if (f == null || o == null) {
      return;
    }
    goals.add(new Goal(policy + ", " + name + ": p99 no worse than " + other + "'s",
        ReportFormat.millis(f.p99Millis()) + " ms against " + ReportFormat.millis(o.p99Millis()) + " ms",
        f.p99Millis() <= o.p99Millis()));
  }

  private static void success(Report report, List<Goal> goals, String name, String policy, double least) {
    Scenario s = scenario(report, name);
    ReportFigures f = s == null ? null : figures(report, s, policy);
    if (f == null) {
      return;
    }
    goals.add(new Goal(policy + ", " + name + ": at least " + ReportFormat.percent(least, 2) + " of calls succeed",
        ReportFormat.percent(f.successRate(), 3), f.successRate() >= least));
  }

  /** At most {@code limit} probes per call in every scenario of the report; the highest is the figure. */
  private static void probeTraffic(Report report, List<Goal> goals, String policy, double limit) {
    ReportFigures highest = null;
    String where = "";
    for (Scenario s : report.scenarios()) {
      ReportFigures f = figures(report, s, policy);
      if (f != null && (highest == null || f.probesPerCall() > highest.probesPerCall())) {
        highest = f;
        where = s.name();
      }
    }
    if (highest == null) {
      return;
    }
    goals.add(new Goal(policy + ": probe traffic at most " + ReportFormat.number(limit) + " probe per call on average, "
        + "in every scenario", String.format(Locale.ROOT, "at most %.2f (%s)", highest.probesPerCall(), where),
        highest.probesPerCall() <= limit));
  }

  /**
   * The server that stopped reporting gets the mean weight once its last report expired: a share of
   * calls within 10% of 1 / servers over the calls that arrive from {@code fromSecond} on.
   */
  private static void fallback(Report report, List<Goal> goals, String name, String policy, int server, int fromSecond) {
    Scenario s = scenario(report, name);
    ReportFigures f = s == null ? null : figures(report, s, policy);
    if (s == null || f == null) {
      return;
    }
    double share = shareFrom(f, server, fromSecond * 1_000_000_000L);
    double equal = 1.0 / s.servers().size();
    goals.add(new Goal(policy + ", " + name + ": after its last report expired, server " + server + " gets the mean "
        + "weight (a share within 10% of " + ReportFormat.percent(equal, 0) + ")",
        String.format(Locale.ROOT, "%.1f%% from %d s", 100 * share, fromSecond), Math.abs(share / equal - 1) <= 0.1));
  }

  /** The mean share of {@code server} over the time slices that begin at or after {@code fromNanos}. */
  static double shareFrom(ReportFigures f, int server, long fromNanos) {
    double[][] shares = f.serverShareOverTime();
    double sum = 0;
    int count = 0;
    for (int b = 0; b < shares.length; b++) {
      if (b * f.durationNanos() / shares.length >= fromNanos) {
        sum += shares[b][server];
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  private static void noHerd(Report report, List<Goal> goals, String name, String policy) {
    Scenario s = scenario(report, name);
    ReportFigures f = s == null ? null : figures(report, s, policy);
    if (s == null || f == null) {
      return;
    }
    long[] attempts = f.attemptsPerServer();
    double seconds = s.duration().toNanos() / 1e9;
    double busiest = 0;
    double idlest = Double.MAX_VALUE;
    for (int i = 0; i < attempts.length; i++) {
      double utilisation = attempts[i] / (s.servers().get(i).capacityPerSecond() * seconds);
      busiest = Math.max(busiest, utilisation);
      idlest = Math.min(idlest, utilisation);
    }
    goals.add(new Goal(policy + ", " + name + ": no server above 95% utilisation while another is below 50%",
        String.format(Locale.ROOT, "from %.0f%% to %.0f%%", 100 * idlest, 100 * busiest), !(busiest > 0.95 && idlest < 0.5)));
  }
}
