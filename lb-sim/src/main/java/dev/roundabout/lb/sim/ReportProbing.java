package dev.roundabout.lb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The report's probing section: per scenario, each picker that probes the servers (prequal and its
 * variants), read against the better oracle and against adaptive, the best picker that probes
 * nothing, with the probe traffic it cost. Taken from the scenarios' own runs: no run of its own.
 */
final class ReportProbing {
  /** The picker the probing goals judge: prequal with its defaults. */
  static final String PICKER = "prequal";
  /** The picker it is compared with. */
  static final String COMPARED = "adaptive";

  private ReportProbing() {}

  /** One scenario under one probing picker, with the oracle's p99 and the compared picker's figures. */
  record Row(Scenario scenario, ReportFigures figures, double oracleP99, @Nullable ReportFigures compared) {
    /** The p99 over the better oracle's, NaN if no oracle completed a call. */
    double ratio() {
      return oracleP99 > 0 ? figures.p99Millis() / oracleP99 : Double.NaN;
    }

    /** Probes sent per attempt (a retry is an attempt too), 0 without any attempt. */
    double probesPerAttempt() {
      double attempts = 1 + figures.extraAttemptRate();
      return figures.probesPerCall() / attempts;
    }

    /** The compared picker's p99 over the better oracle's, NaN without either. */
    double comparedRatio() {
      return compared != null && oracleP99 > 0 ? compared.p99Millis() / oracleP99 : Double.NaN;
    }
  }

  /** Every scenario's probing pickers, in the report's order. */
  static List<Row> rows(Report report) {
    List<Row> rows = new ArrayList<>();
    for (Scenario s : report.scenarios()) {
      List<ReportFigures> figures = report.figures(s);
      double oracle = ReportFindings.bestOracleP99(figures);
      ReportFigures compared = null;
      for (ReportFigures f : figures) {
        if (f.policy().name().equals(COMPARED)) {
          compared = f;
        }
      }
      for (ReportFigures f : figures) {
        if (f.policy().isProbing()) {
          rows.add(new Row(s, f, oracle, compared));
        }
      }
    }
    return rows;
  }

  static void markdown(Report report, StringBuilder md) {
    List<Row> rows = rows(report);
    if (rows.isEmpty()) {
      return;
    }
    md.append("## Probing\n\n");
    md.append("Pickers that probe the servers (`Pickers.prequal(LoadProbe)`) get from the simulation one load probe ")
        .append("per client. A probe crosses the network in half a round trip (1 ms unless the scenario says ")
        .append("otherwise; calls themselves carry no network time, so this delay is borne by probing alone), reads ")
        .append("the server's requests in flight (in service and queued) when it arrives, and its recent latency: the ")
        .append("median time in the server (queue, service and extra latency; arrival to answer) of its last ")
        .append(RecentLatency.CALLS).append(" answered calls, errors answered at once included, 0 before any. ")
        .append("The answer comes back in the other half of the round trip, later by the server's extra latency ")
        .append("as every answer. A server that refuses connections fails the probe; a black hole never answers it ")
        .append("(the picker forgets it after its probe timeout). **Probes per call** is the probe traffic: probes ")
        .append("sent over calls made (a call's retries are attempts of their own: **probes per attempt** counts probes over "
        + "attempts). **").append(COMPARED).append("** is the best picker that probes nothing, for ")
        .append("comparison; both ratios are against the better oracle's p99 in the same run.\n\n");
    md.append("| Scenario | Picker | Success | p99 ms | p99 / oracle | ").append(COMPARED)
        .append(" p99 / oracle | Probes per call | Probes per attempt |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for (Row r : rows) {
      md.append("| ").append(r.scenario().name()).append(" | ").append(r.figures().policy().name())
          .append(" | ").append(ReportFormat.success(r.figures().successRate()))
          .append(" | ").append(ReportFormat.millis(r.figures().p99Millis()))
          .append(" | ").append(ReportFormat.ratio(r.ratio()))
          .append(" | ").append(ReportFormat.ratio(r.comparedRatio()))
          .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.figures().probesPerCall()))
          .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.probesPerAttempt()))
          .append(" |\n");
    }
    md.append('\n');
    ReportFormat.bullets(findings(rows), md);
  }

  /** What the table shows, per probing picker, by fixed rules. */
  static List<String> findings(List<Row> rows) {
    List<String> lines = new ArrayList<>();
    List<String> pickers = new ArrayList<>();
    for (Row r : rows) {
      if (!pickers.contains(r.figures().policy().name())) {
        pickers.add(r.figures().policy().name());
      }
    }
    for (String picker : pickers) {
      int scenarios = 0;
      List<String> better = new ArrayList<>();
      Row worst = null;
      Row mostProbes = null;
      double mostPerAttempt = 0;
      for (Row r : rows) {
        if (!r.figures().policy().name().equals(picker)) {
          continue;
        }
        scenarios++;
        if (r.ratio() < r.comparedRatio()) {
          better.add(r.scenario().name());
        }
        if (worst == null || r.ratio() > worst.ratio()) {
          worst = r;
        }
        if (mostProbes == null || r.figures().probesPerCall() > mostProbes.figures().probesPerCall()) {
          mostProbes = r;
        }
        mostPerAttempt = Math.max(mostPerAttempt, r.probesPerAttempt());
      }
      if (worst == null || mostProbes == null) {
        continue;
      }
      lines.add(picker + ": a lower p99 than " + COMPARED + "'s in " + better.size() + " of " + scenarios + " scenarios"
          + (better.isEmpty() ? "" : " (" + String.join(", ", better) + ")") + "; its worst p99 / oracle "
          + ReportFormat.ratio(worst.ratio()) + " (" + worst.scenario().name() + "); at most "
          + String.format(Locale.ROOT, "%.2f", mostProbes.figures().probesPerCall()) + " probes per call ("
          + mostProbes.scenario().name() + "), at most " + String.format(Locale.ROOT, "%.2f", mostPerAttempt)
          + " per attempt.");
    }
    return lines;
  }
}
