package dev.roundabout.lb.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as text: the exact form configuration text reads back ({@code 10s}, {@code 500ms},
 * ISO-8601 when no unit fits), and the short form a person reads in a description or a log line
 * ({@code 12.5s}, {@code 250ms}).
 *
 * <p>Stateless and thread-safe.
 */
public final class DurationText {
  private static final long MILLI = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  private DurationText() {}

  /**
   * {@code duration} as {@link ConfigValues#duration} reads it back exactly: a whole number of
   * hours, minutes, seconds or milliseconds with its unit ({@code 1h}, {@code 2m}, {@code 10s},
   * {@code 500ms}), the largest unit that divides it, or ISO-8601 ({@code PT0.000001S}) when none
   * does.
   */
  public static String config(Duration duration) {
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.toString();
    }
    if (nanos == 0) {
      return "0s";
    }
    if (nanos % HOUR == 0) {
      return nanos / HOUR + "h";
    }
    if (nanos % MINUTE == 0) {
      return nanos / MINUTE + "m";
    }
    if (nanos % SECOND == 0) {
      return nanos / SECOND + "s";
    }
    if (nanos % MILLI == 0) {
      return nanos / MILLI + "ms";
    }
    return duration.toString();
  }

  /** {@link #human(double)} of a whole number of nanoseconds. */
  public static String human(long nanos) {
    return human((double) nanos);
  }

  /**
   * {@code nanos} for a person, with three significant digits at most: {@code 850us},
   * {@code 12.3ms}, {@code 4.5s}, {@code 2.5m}, {@code 1.2h}; {@code 0s} for zero or less.
   */
  public static String human(double nanos) {
    if (!(nanos > 0)) {
      return "0s";
    }
    if (nanos < 1_000) {
      return trimmed(nanos) + "ns";
    }
    if (nanos < MILLI) {
      return trimmed(nanos / 1_000) + "us";
    }
    if (nanos < SECOND) {
      return trimmed(nanos / MILLI) + "ms";
    }
    if (nanos < MINUTE) {
      return trimmed(nanos / SECOND) + "s";
    }
    if (nanos < HOUR) {
      return trimmed(nanos / MINUTE) + "m";
    }
    return trimmed(nanos / HOUR) + "h";
  }

  /** One decimal below 100, none from 100; a trailing {@code .0} dropped. */
  private static String trimmed(double value) {
    String text = value < 100 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
