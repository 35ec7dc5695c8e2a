package dev.roundabout.lb.sim;

import dev.roundabout.lb.HedgingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's hedging section: a few scenarios whose tail a slow server makes, and one outage,
 * each run by a few pickers without and with hedging at the 95th percentile under a 5% budget (the
 * OkHttp interceptor's {@code hedging(HedgingPolicy.atPercentile(95))}, decided by the same
 * {@code Hedger}); the figures its goals are read from.
 */
final class ReportHedging {
  /** The policy the section judges: p95, 5% budget. */
  static final HedgingPolicy POLICY = HedgingPolicy.atPercentile(95).budgetPercent(5);
  /** The pickers the section runs. */
  static final List<String> PICKERS = List.of("leastConnections", "powerOfTwoChoices", "adaptive");
  /** The scenarios whose p99.9 hedging must cut. */
  static final List<String> TAIL_SCENARIOS = List.of("drastic-slowdown", "one-slow-server");
  /** The scenario in which every call is slow: hedges must stay within the budget. */
  static final String OUTAGE = "all-slow";
  /** How much lower the p99.9 must be with hedging. */
  static final double TAIL_CUT = 2;

  private ReportHedging() {}

  /** One scenario under one picker, without and with hedging. */
  record Row(Scenario scenario, String picker, ReportFigures without, ReportFigures with) {
    /** The p99.9 without over the p99.9 with: how many times hedging cut it. */
    double cut() {
      return without.p999Millis() / with.p999Millis();
    }
  }

  /** The section's default scenarios: drastic-slowdown, one-slow-server and the all-slow outage. */
  static List<Scenario> scenarios() {
    return List.of(Scenarios.drasticSlowdown(100), Scenarios.oneSlowServer(0.1), Scenarios.allSlow());
  }

  /** {@code scenario} with its clients hedging by {@link #POLICY}. */
  static Scenario hedged(Scenario scenario) {
    return scenario.withClients(scenario.clients().hedging(POLICY));
  }

  static void markdown(List<Row> rows, StringBuilder md) {
    if (rows.isEmpty()) {
      return;
    }
    md.append("## Hedging\n\n");
    md.append("Each scenario below runs twice per picker on the same arrivals: without hedging, and with every ")
        .append("client hedging by `").append(POLICY).append("`, the OkHttp interceptor's `hedging(")
        .append("HedgingPolicy.atPercentile(95))` decided by the same `Hedger`: a call whose first attempt has not ")
        .append("answered after the 95th percentile of the client's recent attempt latencies gets one more attempt on ")
        .append("another endpoint, if the hedging budget (5% of calls) and the retry budget both allow it; asked again ")
        .append("one delay later when refused. The first success wins; the loser's lease is closed with no outcome, ")
        .append("and its server drops it if it has not started it (it finishes it otherwise). **Hedges** is the ")
        .append("share of calls that sent one; **won** the share of hedges that were the call's answer.\n\n");
    md.append("| Scenario | Picker | p99 ms without | p99 ms with | p99.9 ms without | p99.9 ms with | p99.9 cut | ")
        .append("Success with | Hedges | Won | Refused by a budget |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Row r : rows) {
      long sent = r.with().hedging().sent();
      md.append("| ").append(r.scenario().name()).append(" | ").append(r.picker())
          .append(" | ").append(ReportFormat.millis(r.without().p99Millis()))
          .append(" | ").append(ReportFormat.millis(r.with().p99Millis()))
          .append(" | ").append(ReportFormat.millis(r.without().p999Millis()))
          .append(" | ").append(ReportFormat.millis(r.with().p999Millis()))
          .append(" | ").append(String.format(Locale.ROOT, "%.2fx", r.cut()))
          .append(" | ").append(ReportFormat.success(r.with().successRate()))
          .append(" | ").append(ReportFormat.percent(r.with().hedgeRate(), 2))
          .append(" | ").append(ReportFormat.percent(sent == 0 ? 0 : r.with().hedging().won() / (double) sent, 1))
          .append(" | ").append(r.with().hedging().refusedByBudget())
          .append(" |\n");
    }
    md.append('\n');
    ReportFormat.bullets(findings(rows), md);
  }

  /** What the table shows, by fixed rules. */
  static List<String> findings(List<Row> rows) {
    List<String> lines = new ArrayList<>();
    List<String> cut = new ArrayList<>();
    List<String> notCut = new ArrayList<>();
    double mostHedges = 0;
    for (Row r : rows) {
      mostHedges = Math.max(mostHedges, r.with().hedgeRate());
      if (!TAIL_SCENARIOS.contains(r.scenario().name())) {
        continue;
      }
      String item = r.picker() + " on " + r.scenario().name() + " (" + String.format(Locale.ROOT, "%.2fx", r.cut()) + ")";
      (r.cut() >= TAIL_CUT ? cut : notCut).add(item);
    }
    if (!cut.isEmpty()) {
      lines.add("Hedging cut the p99.9 at least " + ReportFormat.number(TAIL_CUT) + "x for " + String.join(", ", cut) + ".");
    }
    if (!notCut.isEmpty()) {
      lines.add("It cut the p99.9 less than " + ReportFormat.number(TAIL_CUT) + "x (or not at all) for "
          + String.join(", ", notCut) + ": where the tail is the queueing of every server (the oracles' own p99.9 is "
          + "of the same order), a second copy finds no faster server; where a picker keeps sending calls to the "
          + "slow server, a 5% budget cannot hedge them all.");
    }
    lines.add("Hedges never exceeded " + ReportFormat.percent(mostHedges, 2) + " of calls (budget "
        + POLICY.budgetPercent() + "%).");
    return lines;
  }
}
