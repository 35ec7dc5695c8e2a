package dev.roundabout.lb.sim;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the report writes numbers, durations and server lists: the same on every machine (Locale.ROOT). */
final class ReportFormat {
  private static final Pattern ISO_DURATION = Pattern.compile("PT[0-9.HMS]+");

  private ReportFormat() {}

  /** {@code value} to three significant digits, without trailing zeros: 0.01, 1.17, 2, 819, 4550. */
  static String number(double value) {
    if (value == 0 || !Double.isFinite(value)) {
      return value == 0 ? "0" : String.valueOf(value);
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_EVEN));
    return rounded.stripTrailingZeros().toPlainString();
  }

  /** A latency in milliseconds: two decimals below 10, one below 1000, none above. */
  static String millis(double ms) {
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    return String.format(Locale.ROOT, ms < 1000 ? "%.1f" : "%.0f", ms);
  }

  /** A share (0 to 1) as a percentage with {@code decimals} decimals. */
  static String percent(double share, int decimals) {
    return new BigDecimal(share * 100).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString() + "%";
  }

  /** A success rate (0 to 1) as a percentage with three decimals, rounded down: short of 1 never shows as 100%. */
  static String success(double rate) {
    return new BigDecimal(rate * 100).setScale(3, RoundingMode.DOWN).toPlainString() + "%";
  }

  /** A ratio such as 1.23x, 16.2x or 122x. */
  static String ratio(double ratio) {
    if (!Double.isFinite(ratio)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, ratio < 10 ? "%.2fx" : ratio < 100 ? "%.1fx" : "%.0fx", ratio);
  }

  /** A duration in s (zero, or 1 s and more) or ms: 60 s, 1.5 s, 0 s, 10 ms. */
  static String duration(Duration d) {
    double ms = d.toNanos() / 1e6;
    return ms >= 1000 || ms == 0 ? number(ms / 1000) + " s" : number(ms) + " ms";
  }

  /** {@code text} with its ISO-8601 durations (PT0.01S) written as {@link #duration}s. */
  static String durations(String text) {
    Matcher m = ISO_DURATION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String replacement;
      try {
        replacement = duration(Duration.parse(m.group()));
      } catch (DateTimeParseException e) {
        replacement = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Server indices, ascending: "server 3", "servers 10, 11", "servers 0-9", "servers 0-4, 7". */
  static String servers(List<Integer> indices) {
    if (indices.size() == 1) {
      return "server " + indices.get(0);
    }
    StringBuilder sb = new StringBuilder("servers ");
    int i = 0;
    while (i < indices.size()) {
      int j = i;
      while (j + 1 < indices.size() && indices.get(j + 1) == indices.get(j) + 1) {
        j++;
      }
      if (i > 0) {
        sb.append(", ");
      }
      if (j - i >= 2) {
        sb.append(indices.get(i)).append('-').append(indices.get(j));
        i = j + 1;
      } else {
        sb.append(indices.get(i));
        i++;
      }
    }
    return sb.toString();
  }

  /** Appends {@code lines} as a Markdown list, and a blank line after it. */
  static void bullets(List<String> lines, StringBuilder md) {
    for (String line : lines) {
      md.append("- ").append(line).append('\n');
    }
    md.append('\n');
  }
}
