package dev.roundabout.lb.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lines under a scenario's table: which picker to choose and what the figures show, generated
 * from the figures alone by fixed rules, so that they stay true when the figures change.
 */
final class ReportFindings {
  /** Success rates this close to the best one (0.001: 0.1 point) count as equal when choosing. */
  static final double SUCCESS_TOLERANCE = 0.001;
  /** A picker that loses more than this share of calls is named. */
  static final double LOSS_WORTH_NAMING = 0.01;

  private ReportFindings() {}

  /**
   * The lower p99 of the oracles among {@code figures} that completed any call, in ms; 0 if there
   * is none (an oracle that sends no call anywhere fails every call at once, in no time).
   */
  static double bestOracleP99(List<ReportFigures> figures) {
    double best = Double.MAX_VALUE;
    for (ReportFigures f : figures) {
      if (f.policy().isOracle() && f.successRate() > 0) {
        best = Math.min(best, f.p99Millis());
      }
    }
    return best == Double.MAX_VALUE ? 0 : best;
  }

  /**
   * The pickers (not the oracles) from best to worst: those within {@link #SUCCESS_TOLERANCE} of
   * the best success rate first, by p99 then mean; then the others by success rate, then p99.
   */
  static List<ReportFigures> ranking(List<ReportFigures> figures) {
    List<ReportFigures> pickers = new ArrayList<>();
    double bestSuccess = 0;
    for (ReportFigures f : figures) {
      if (!f.policy().isOracle()) {
        pickers.add(f);
        bestSuccess = Math.max(bestSuccess, f.successRate());
      }
    }
    double threshold = bestSuccess - SUCCESS_TOLERANCE - 1e-12;
    Comparator<ReportFigures> order = Comparator
        .comparingInt((ReportFigures f) -> f.successRate() >= threshold ? 0 : 1)
        .thenComparingDouble(f -> f.successRate() >= threshold ? 0 : -f.successRate())
        .thenComparingDouble(ReportFigures::p99Millis)
        .thenComparingDouble(ReportFigures::meanMillis);
    pickers.sort(order); // stable: full ties keep the report's order
    return pickers;
  }

  static List<String> lines(List<ReportFigures> figures) {
    List<String> lines = new ArrayList<>();
    List<ReportFigures> ranked = ranking(figures);
    double oracle = bestOracleP99(figures);
    if (!ranked.isEmpty()) {
      ReportFigures best = ranked.get(0);
      lines.add("Choose **" + best.policy().name() + "** here: success " + ReportFormat.success(best.successRate())
          + ", p99 " + ReportFormat.millis(best.p99Millis()) + " ms"
          + (oracle > 0 ? ", " + ReportFormat.ratio(best.p99Millis() / oracle) + " the best oracle's "
              + ReportFormat.millis(oracle) + " ms" : "") + ".");
    }
    if (ranked.size() > 1) {
      List<String> names = new ArrayList<>();
      for (ReportFigures f : ranked) {
        names.add(f.policy().name());
      }
      lines.add("Pickers from best to worst: " + String.join(", ", names) + ".");
      lines.add(losses(ranked));
      lines.add(spread(ranked));
      lines.add(retries(ranked));
    }
    List<String> oracles = new ArrayList<>();
    List<String> losing = new ArrayList<>();
    for (ReportFigures f : figures) {
      if (f.policy().isOracle()) {
        oracles.add(ReportFormat.millis(f.p99Millis()) + " ms (" + f.policy().name() + ")");
        if (f.successRate() < 1 - LOSS_WORTH_NAMING) {
          losing.add(f.policy().name() + " (success " + ReportFormat.success(f.successRate()) + ")");
        }
      }
    }
    if (!oracles.isEmpty()) {
      lines.add("The oracles' p99: " + String.join(", ", oracles) + ".");
    }
    if (!losing.isEmpty()) {
      lines.add("Oracles that lost more than " + ReportFormat.number(LOSS_WORTH_NAMING * 100) + "% of calls: "
          + String.join(", ", losing) + " (an oracle never sends a call to a server that refuses, black-holes or fails "
          + "at least half of its calls, and makes one attempt per call; one that completed none is no bound).");
    }
    return lines;
  }

  private static String losses(List<ReportFigures> pickers) {
    List<String> lost = new ArrayList<>();
    for (ReportFigures f : pickers) {
      if (f.successRate() < 1 - LOSS_WORTH_NAMING) {
        lost.add(f.policy().name() + " (success " + ReportFormat.success(f.successRate()) + ")");
      }
    }
    String limit = ReportFormat.number(LOSS_WORTH_NAMING * 100) + "%";
    return lost.isEmpty() ? "Every picker lost at most " + limit + " of calls."
        : "Lost more than " + limit + " of calls: " + String.join(", ", lost) + ".";
  }

  private static String spread(List<ReportFigures> pickers) {
    ReportFigures even = pickers.get(0);
    ReportFigures uneven = pickers.get(0);
    for (ReportFigures f : pickers) {
      if (width(f) < width(even)) {
        even = f;
      }
      if (width(f) > width(uneven)) {
        uneven = f;
      }
    }
    return "Most even spread of attempts: " + even.policy().name() + " (" + range(even) + " per server); least even: "
        + uneven.policy().name() + " (" + range(uneven) + ").";
  }

  private static double width(ReportFigures f) {
    return f.maxAttemptShare() - f.minAttemptShare();
  }

  private static String range(ReportFigures f) {
    return ReportFormat.percent(f.minAttemptShare(), 1) + " - " + ReportFormat.percent(f.maxAttemptShare(), 1);
  }

  private static String retries(List<ReportFigures> pickers) {
    ReportFigures most = pickers.get(0);
    ReportFigures least = pickers.get(0);
    for (ReportFigures f : pickers) {
      if (f.extraAttemptRate() > most.extraAttemptRate()) {
        most = f;
      }
      if (f.extraAttemptRate() < least.extraAttemptRate()) {
        least = f;
      }
    }
    if (most.extraAttemptRate() == 0) {
      return "No picker made a second attempt.";
    }
    String low = ReportFormat.percent(least.extraAttemptRate(), 2);
    if (low.equals(ReportFormat.percent(most.extraAttemptRate(), 2))) {
      return "Extra attempts (retries): " + low + " of calls with every picker.";
    }
    return "Extra attempts (retries) from " + ReportFormat.percent(least.extraAttemptRate(), 2) + " of calls ("
        + least.policy().name() + ") to " + ReportFormat.percent(most.extraAttemptRate(), 2) + " ("
        + most.policy().name() + ").";
  }
}
