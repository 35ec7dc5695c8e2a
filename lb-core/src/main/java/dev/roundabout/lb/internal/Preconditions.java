package dev.roundabout.lb.internal;

import java.util.Objects;

/**
 * Argument checks with the project's one message style, {@code name: value (expected: range)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Preconditions {
  private Preconditions() {}

  /** Returns {@code value}, or throws a {@link NullPointerException} naming it. */
  public static <T> T checkNotNull(T value, String name) {
    return Objects.requireNonNull(value, name);
  }

  /**
   * Returns {@code value} when it lies in {@code [min, max]}, or throws
   * {@code IllegalArgumentException("name: value (expected: min-max)")}.
   */
  public static int checkInRange(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
    }
    return value;
  }

  /** Throws {@code IllegalArgumentException("name: value (expected: expectation)")} unless {@code ok}. */
  @Contract("false, _, _, _ -> fail")
  public static void checkArgument(boolean ok, String name, Object value, String expectation) {
    if (!ok) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expectation + ")");
    }
  }

  /** Throws {@code IllegalStateException(message)} unless {@code ok}. */
  @Contract("false, _ -> fail")
  public static void checkState(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /** Quotes a string for an error message, so that blank and empty values stay visible. */
  public static String quote(String value) {
    return '"' + value + '"';
  }
}
