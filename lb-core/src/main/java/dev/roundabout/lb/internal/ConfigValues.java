package dev.roundabout.lb.internal;

import static dev.roundabout.lb.internal.Preconditions.quote;

import java.time.Duration;

/**
 * Reads the values of configuration text ({@code Pickers.named}, the health policies'
 * {@code fromMap}): whole numbers, decimals and durations, each refused with the house message,
 * {@code key: "text" (expected: ...)}.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /** {@code text} (trimmed) as an int. */
  public static int wholeNumber(String key, String text) {
    String t = text.trim();
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": " + quote(t) + " (expected: a whole number)", e);
    }
  }

  /** {@code text} (trimmed) as a double. */
  public static double number(String key, String text) {
    String t = text.trim();
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": " + quote(t) + " (expected: a number such as 1.25)", e);
    }
  }

  /**
   * {@code text} (trimmed) as a duration: a whole number with a unit ({@code 500ms}, {@code 10s},
   * {@code 2m}, {@code 1h}) or ISO-8601 ({@code PT10S}); {@code examples} goes into the message of
   * a refusal, as in {@code (expected: a duration such as <examples>)}.
   */
  public static Duration duration(String key, String text, String examples) {
    String t = text.trim();
    try {
      if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P")) {
        return Duration.parse(t);
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
    } catch (RuntimeException e) {
      // NumberFormatException, DateTimeParseException or ArithmeticException: the message below
    }
    throw new IllegalArgumentException(key + ": " + quote(t) + " (expected: a duration such as " + examples + ")");
  }
}
