package dev.roundabout.lb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's Markdown: the header, the validation, and per scenario its parameters, its table and
 * its findings. Text only, from the figures only (no date, no machine, no timing), so that one seed
 * gives one page byte for byte.
 */
final class ReportMarkdown {
  private ReportMarkdown() {}

  static String document(Report report) {
    StringBuilder md = new StringBuilder();
    md.append("# lb-sim quality report\n\n");
    if (!report.validationPassed()) {
      md.append("> **WARNING: THE SIMULATOR FAILED ITS VALIDATION.** At least one check below is more than ")
          .append(ReportFormat.number(Validation.TOLERANCE_PERCENT))
          .append("% away from queueing theory: the simulator is wrong, and no figure on this page can be trusted.\n\n");
    }
    header(report, md);
    validation(report, md);
    goals(report, md);
    ReportHedging.markdown(report.hedging(), md);
    ReportProbing.markdown(report, md);
    md.append("## Scenarios\n\n");
    List<String> links = new ArrayList<>();
    for (Scenario s : report.scenarios()) {
      links.add("[" + s.name() + "](#" + s.name() + ")");
    }
    md.append(String.join(" · ", links)).append("\n\n");
    for (Scenario s : report.scenarios()) {
      md.append(section(report, s, true));
    }
    return md.toString();
  }

  private static void header(Report report, StringBuilder md) {
    md.append("lb-sim is Roundabout's deterministic discrete-event simulator. Every simulated client owns a real ")
        .append("`LoadBalancer` (lb-core's pickers, health tracking and slow start, unchanged) on virtual time; ")
        .append("servers, networks and clients are simulated. Two oracles with global, instant knowledge of every ")
        .append("server (join the shortest queue; shortest expected delay) run on the same arrivals and service ")
        .append("times, so that every picker can be read against the best possible.\n\n");
    md.append("This page and its charts (`").append(Report.CHART_DIRECTORY).append("/*.png`) are generated; do not ")
        .append("edit them. To regenerate them from a clean clone, run from the repository's root:\n\n");
    String command = report.command();
    md.append("    ").append(command != null ? command : "(built with dev.roundabout.lb.sim.Report)").append("\n\n");
    md.append("Seed: ").append(report.seed()).append(". The same seed gives this page byte for byte, on any ")
        .append("machine: a run uses virtual time only, random numbers from `SplittableRandom` streams split from ")
        .append("the seed, `StrictMath` for every sampled value and strict floating point (Java 17); each run is ")
        .append("single-threaded, and the runs are collected in a fixed order however many threads run them. The ")
        .append("charts draw the same figures with the JDK's logical SansSerif font; their pixels may differ ")
        .append("slightly where the installed fonts do.\n\n");
    md.append("How to read the tables:\n\n")
        .append("- **Success**: the share of calls that succeeded (a call may make several attempts; a timeout ends ")
        .append("it as a failure).\n")
        .append("- **Mean, p50, p99, p99.9**: the latency of every call, from its arrival to its end, success or ")
        .append("failure, in milliseconds (percentiles by nearest rank).\n")
        .append("- **Attempts per server**: the smallest and the largest share of all attempts that one server ")
        .append("received (10% each is an even spread over ten servers).\n")
        .append("- **Extra attempts**: attempts beyond the first, as a share of calls (the load that retries add).\n")
        .append("- **p99 / oracle**: the p99 over the lower p99 of the oracles that completed any call (n/a if ")
        .append("none did).\n")
        .append("- **Choose**: among the pickers within ").append(ReportFormat.number(ReportFindings.SUCCESS_TOLERANCE * 100))
        .append(" point of the best success rate, the one with the lowest p99.\n\n");
  }

  private static void validation(Report report, StringBuilder md) {
    md.append("## Validation\n\n");
    List<Validation.Check> checks = report.validation();
    if (checks.isEmpty()) {
      md.append("Not run for this page.\n\n");
      return;
    }
    md.append("Before any picker is judged, the simulator is checked against queueing theory: each check runs a ")
        .append("long simulation and compares its mean time in system, in service times, with the formula's. ")
        .append("Every check must be within ").append(ReportFormat.number(Validation.TOLERANCE_PERCENT))
        .append("%.\n\n");
    md.append("| Check | Theory | Expected | Measured | Error | Calls | Result |\n");
    md.append("|---|---|--:|--:|--:|--:|---|\n");
    for (Validation.Check c : checks) {
      md.append("| ").append(c.name()).append(" | ").append(c.formula()).append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", c.expected())).append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", c.measured())).append(" | ")
          .append(String.format(Locale.ROOT, "%.2f%%", c.errorPercent())).append(" | ")
          .append(c.calls()).append(" | ").append(c.passed() ? "ok" : "**FAILED**").append(" |\n");
    }
    md.append('\n');
    if (report.validationPassed()) {
      md.append("Every check is within ").append(ReportFormat.number(Validation.TOLERANCE_PERCENT))
          .append("% of theory.\n\n");
    } else {
      for (Validation.Check c : checks) {
        if (!c.passed()) {
          md.append("**FAILED: ").append(c.name()).append(" is ")
              .append(String.format(Locale.ROOT, "%.2f%%", c.errorPercent())).append(" away from theory (at most ")
              .append(ReportFormat.number(Validation.TOLERANCE_PERCENT)).append("% allowed).**\n\n");
        }
      }
    }
  }

  /** One scenario: heading, description, parameters, table, findings and (if asked) its charts. */
  private static void goals(Report report, StringBuilder md) {
    List<ReportGoals.Goal> goals = ReportGoals.measure(report);
    if (goals.isEmpty()) {
      return;
    }
    md.append("## Goals\n\n");
    md.append("What the pickers and hedging are held to, measured on this page's figures (p99 ratios against the "
        + "better oracle's p99 in the same run; hedging against the same picker without it; probe traffic as probes "
        + "sent per call). A goal not met says so, with the figure.\n\n");
    md.append("| Goal | Measured | Met |\n|---|---|---|\n");
    for (ReportGoals.Goal goal : goals) {
      md.append("| ").append(goal.what()).append(" | ").append(goal.measured()).append(" | ")
          .append(goal.met() ? "yes" : "**NOT MET**").append(" |\n");
    }
    md.append('\n');
  }

  static String section(Report report, Scenario scenario, boolean charts) {
    List<ReportFigures> figures = report.figures(scenario);
    StringBuilder md = new StringBuilder();
    md.append("### ").append(scenario.name()).append("\n\n");
    if (!scenario.description().isEmpty()) {
      md.append(scenario.description()).append("\n\n");
    }
    md.append("- Servers: ").append(ReportParameters.servers(scenario)).append('\n');
    md.append("- Clients: ").append(ReportParameters.clients(scenario)).append('\n');
    md.append("- Duration: ").append(ReportFormat.duration(scenario.duration())).append(" of arrivals, ")
        .append(figures.get(0).calls()).append(" calls; seed ").append(report.seed()).append('\n');
    List<String> timeline = ReportTimeline.describe(scenario);
    md.append("- Timeline: ").append(timeline.isEmpty() ? "nothing changes" : String.join("; ", timeline)).append("\n\n");
    table(figures, md);
    md.append('\n');
    ReportFormat.bullets(ReportFindings.lines(figures), md);
    if (charts) {
      md.append("![p99 latency over time, ").append(scenario.name()).append("](").append(Report.CHART_DIRECTORY)
          .append('/').append(ReportCharts.latencyFile(scenario)).append(")\n\n");
      md.append("![Each server's share of calls over time, ").append(scenario.name()).append("](")
          .append(Report.CHART_DIRECTORY).append('/').append(ReportCharts.sharesFile(scenario)).append(")\n\n");
    }
    return md.toString();
  }

  private static void table(List<ReportFigures> figures, StringBuilder md) {
    double oracle = ReportFindings.bestOracleP99(figures);
    md.append("| Policy | Success | Mean ms | p50 ms | p99 ms | p99.9 ms | Attempts per server | Extra attempts | p99 / oracle |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (ReportFigures f : figures) {
      String name = f.policy().isOracle() ? "*" + f.policy().name() + "*" : f.policy().name();
      md.append("| ").append(name)
          .append(" | ").append(ReportFormat.success(f.successRate()))
          .append(" | ").append(ReportFormat.millis(f.meanMillis()))
          .append(" | ").append(ReportFormat.millis(f.p50Millis()))
          .append(" | ").append(ReportFormat.millis(f.p99Millis()))
          .append(" | ").append(ReportFormat.millis(f.p999Millis()))
          .append(" | ").append(ReportFormat.percent(f.minAttemptShare(), 1)).append(" - ")
          .append(ReportFormat.percent(f.maxAttemptShare(), 1))
          .append(" | ").append(ReportFormat.percent(f.extraAttemptRate(), 2))
          .append(" | ").append(ReportFormat.ratio(oracle > 0 ? f.p99Millis() / oracle : Double.NaN))
          .append(" |\n");
    }
  }
}
