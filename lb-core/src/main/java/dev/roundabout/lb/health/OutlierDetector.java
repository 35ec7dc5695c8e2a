package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;
import static dev.roundabout.lb.internal.Preconditions.quote;

import dev.roundabout.lb.internal.ConfigValues;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Passive health: ejects an endpoint for a while when the outcomes of real calls say it is sick,
 * as Envoy's outlier detection does. Two rules, each of which can be turned off:
 *
 * <ul>
 *   <li><b>consecutive failures</b> (default 5): that many failures in a row eject;
 *   <li><b>failure rate</b> (default 50% over 30 s with at least 20 calls): a share of failures at
 *       or above the threshold over a sliding window ejects, which catches an endpoint that fails
 *       every other call (the consecutive rule never fires on it).
 * </ul>
 *
 * <p>An ejection lasts {@code baseEjectionTime} (default 30 s) times the number of times the
 * endpoint has been ejected, at most {@code maxEjectionTime} (default 300 s); each
 * {@code baseEjectionTime} the endpoint then stays in takes one off that count. After its
 * ejection the endpoint is back (through slow start when the balancer has it). At most
 * {@code maxEjectionPercent} (default 50) of the pool is ejected at once, and never all of it: a
 * pool of one endpoint is never emptied, a pool of two loses at most one.
 *
 * <pre>{@code
 * OutlierDetector.builder()
 *     .consecutiveFailures(5)
 *     .failureRate(50, 20, Duration.ofSeconds(30))
 *     .baseEjectionTime(Duration.ofSeconds(30))
 *     .maxEjectionTime(Duration.ofMinutes(5))
 *     .maxEjectionPercent(50)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe: a configuration, which may be given to any number of balancers.
 * Each balancer gets a detector of its own ({@link #newTracker}), which counts the outcomes of its
 * calls under a per-endpoint lock on the calling thread and reads time from its {@code Ticker}: an
 * ejection in one balancer is not an ejection in another.
 */
public final class OutlierDetector implements HealthPolicy {
  /** Default consecutive failures that eject: 5. */
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  /** Default failure-rate threshold: 50 percent. */
  public static final int DEFAULT_FAILURE_RATE_PERCENT = 50;
  /** Default least number of calls in the window for the failure rate to count: 20. */
  public static final int DEFAULT_FAILURE_RATE_MINIMUM_CALLS = 20;
  /** Default failure-rate window: 30 seconds. */
  public static final Duration DEFAULT_FAILURE_RATE_WINDOW = Duration.ofSeconds(30);
  /** Default base ejection time: 30 seconds. */
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  /** Default longest ejection: 300 seconds. */
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofMinutes(5);
  /** Default most of the pool ejected at once: 50 percent. */
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

  /** The value of a rule that is turned off. */
  static final int OFF = 0;

  final int consecutiveFailures;
  final int failureRatePercent;
  final int failureRateMinimumCalls;
  final long failureRateWindowNanos;
  final long baseEjectionNanos;
  final long maxEjectionNanos;
  final int maxEjectionPercent;

  private OutlierDetector(Builder builder) {
    this.consecutiveFailures = builder.consecutiveFailures;
    this.failureRatePercent = builder.failureRatePercent;
    this.failureRateMinimumCalls = builder.failureRateMinimumCalls;
    this.failureRateWindowNanos = builder.failureRateWindow.toNanos();
    this.baseEjectionNanos = builder.baseEjectionTime.toNanos();
    this.maxEjectionNanos = builder.maxEjectionTime.toNanos();
    this.maxEjectionPercent = builder.maxEjectionPercent;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A detector with the defaults. */
  public static OutlierDetector ofDefaults() {
    return builder().build();
  }

  /** The keys {@link #fromMap} accepts, in the order its messages list them. */
  private static final List<String> KEYS = List.of(
      "consecutiveFailures", "withoutConsecutiveFailures", "failureRate", "withoutFailureRate",
      "baseEjectionTime", "maxEjectionTime", "maxEjectionPercent");

  /**
   * A detector from configuration text, such as a properties file or environment gives: each key
   * names the builder method of the same name, and a key left out keeps its default.
   *
   * <ul>
   *   <li>{@code consecutiveFailures}: a whole number, such as {@code 5};
   *   <li>{@code withoutConsecutiveFailures}: {@code true} or {@code false};
   *   <li>{@code failureRate}: {@code percent%/minimumCalls/window}, such as {@code 50%/20/30s};
   *   <li>{@code withoutFailureRate}: {@code true} or {@code false};
   *   <li>{@code baseEjectionTime}, {@code maxEjectionTime}: durations;
   *   <li>{@code maxEjectionPercent}: a whole number, such as {@code 50}.
   * </ul>
   *
   * <p>Durations are a whole number with a unit ({@code 500ms}, {@code 30s}, {@code 5m},
   * {@code 1h}) or ISO-8601 ({@code PT30S}). Whitespace around values is ignored. A rule cannot be
   * both set and turned off.
   *
   * @throws NullPointerException if {@code config} or one of its keys or values is null
   * @throws IllegalArgumentException if a key is unknown, a value cannot be read, or the builder
   *     method refuses it (with that method's message)
   * @throws IllegalStateException if the options do not fit together, as {@link Builder#build()}
   */
  public static OutlierDetector fromMap(Map<String, String> config) {
    Map<String, String> values = checkKeys("OutlierDetector", config, KEYS);
    Builder builder = builder();
    String consecutive = values.get("consecutiveFailures");
    if (consecutive != null) {
      builder.consecutiveFailures(intValue("consecutiveFailures", consecutive));
    }
    if (booleanValue(values, "withoutConsecutiveFailures", consecutive != null, "consecutiveFailures")) {
      builder.withoutConsecutiveFailures();
    }
    String rate = values.get("failureRate");
    if (rate != null) {
      String[] parts = rate.split("/", -1);
      if (parts.length != 3 || !parts[0].trim().endsWith("%")) {
        throw new IllegalArgumentException(
            "failureRate: " + quote(rate) + " (expected: percent%/minimumCalls/window, such as 50%/20/30s)");
      }
      String percent = parts[0].trim();
      builder.failureRate(
          intValue("failureRatePercent", percent.substring(0, percent.length() - 1)),
          intValue("minimumCalls", parts[1]),
          durationValue("window", parts[2]));
    }
    if (booleanValue(values, "withoutFailureRate", rate != null, "failureRate")) {
      builder.withoutFailureRate();
    }
    if (values.containsKey("baseEjectionTime")) {
      builder.baseEjectionTime(durationValue("baseEjectionTime", values.get("baseEjectionTime")));
    }
    if (values.containsKey("maxEjectionTime")) {
      builder.maxEjectionTime(durationValue("maxEjectionTime", values.get("maxEjectionTime")));
    }
    if (values.containsKey("maxEjectionPercent")) {
      builder.maxEjectionPercent(intValue("maxEjectionPercent", values.get("maxEjectionPercent")));
    }
    return builder.build();
  }

  /** Checks every key of {@code config} against {@code accepted}; returns its trimmed values. */
  static Map<String, String> checkKeys(String type, Map<String, String> config, List<String> accepted) {
    checkNotNull(config, "config");
    Map<String, String> values = new HashMap<>();
    for (Map.Entry<String, String> entry : config.entrySet()) {
      String key = checkNotNull(entry.getKey(), "key");
      if (!accepted.contains(key)) {
        throw new IllegalArgumentException(
            type + " key: " + quote(key) + " (expected: " + String.join(", ", accepted) + ")");
      }
      values.put(key, checkNotNull(entry.getValue(), key).trim());
    }
    return values;
  }

  /**
   * Reads the flag {@code key} (false when absent); refuses it true together with {@code other}
   * when {@code otherGiven}.
   */
  static boolean booleanValue(Map<String, String> values, String key, boolean otherGiven, String other) {
    String text = values.get(key);
    if (text == null) {
      return false;
    }
    boolean value;
    if (text.equals("true")) {
      value = true;
    } else if (text.equals("false")) {
      value = false;
    } else {
      throw new IllegalArgumentException(key + ": " + quote(text) + " (expected: true or false)");
    }
    checkArgument(!(value && otherGiven), key, text, "not with " + other);
    return value;
  }

  static int intValue(String key, String text) {
    return ConfigValues.wholeNumber(key, text);
  }

  static Duration durationValue(String key, String text) {
    return ConfigValues.duration(key, text, "500ms, 30s, 5m or PT30S");
  }

  /** A new detector for one balancer: its own counts and ejections, the options of this one. */
  @Override
  public HealthTracker newTracker() {
    return new OutlierTracker(this);
  }

  @Override
  public String toString() {
    return "OutlierDetector{consecutiveFailures=" + (consecutiveFailures == OFF ? "off" : consecutiveFailures)
        + ", failureRate=" + (failureRatePercent == OFF ? "off"
            : failureRatePercent + "% of >= " + failureRateMinimumCalls + " calls in "
                + Duration.ofNanos(failureRateWindowNanos))
        + ", baseEjectionTime=" + Duration.ofNanos(baseEjectionNanos)
        + ", maxEjectionTime=" + Duration.ofNanos(maxEjectionNanos)
        + ", maxEjectionPercent=" + maxEjectionPercent + '}';
  }

  /**
   * Builds an {@link OutlierDetector}. Not thread-safe; each setter checks its argument at once,
   * {@link #build()} checks that the options fit together.
   */
  public static final class Builder {
    private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
    private int failureRatePercent = DEFAULT_FAILURE_RATE_PERCENT;
    private int failureRateMinimumCalls = DEFAULT_FAILURE_RATE_MINIMUM_CALLS;
    private Duration failureRateWindow = DEFAULT_FAILURE_RATE_WINDOW;
    private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
    private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
    private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;

    private Builder() {}

    /**
     * Ejects after {@code failures} failures in a row; default {@value #DEFAULT_CONSECUTIVE_FAILURES}.
     *
     * @throws IllegalArgumentException if {@code failures} is below 1
     */
    public Builder consecutiveFailures(int failures) {
      checkArgument(failures >= 1, "consecutiveFailures", failures, "1 or more");
      this.consecutiveFailures = failures;
      return this;
    }

    /** Turns the consecutive-failures rule off. */
    public Builder withoutConsecutiveFailures() {
      this.consecutiveFailures = OFF;
      return this;
    }

    /**
     * Ejects when at least {@code percent} of the calls over the last {@code window} failed, once
     * there were at least {@code minimumCalls} of them; default 50% of at least 20 calls over
     * 30 s. The window slides in tenths.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if {@code percent} is outside 1-100, {@code minimumCalls}
     *     below 1 or {@code window} not positive
     */
    public Builder failureRate(int percent, int minimumCalls, Duration window) {
      this.failureRatePercent = checkInRange(percent, 1, 100, "failureRatePercent");
      checkArgument(minimumCalls >= 1, "minimumCalls", minimumCalls, "1 or more");
      this.failureRateMinimumCalls = minimumCalls;
      this.failureRateWindow = positive(window, "window");
      return this;
    }

    /** Turns the failure-rate rule off. */
    public Builder withoutFailureRate() {
      this.failureRatePercent = OFF;
      return this;
    }

    /**
     * Sets the first ejection's length, multiplied by the number of ejections for the next ones;
     * default 30 s.
     *
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not positive
     */
    public Builder baseEjectionTime(Duration time) {
      this.baseEjectionTime = positive(time, "baseEjectionTime");
      return this;
    }

    /**
     * Caps the length of an ejection; default 300 s.
     *
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not positive
     */
    public Builder maxEjectionTime(Duration time) {
      this.maxEjectionTime = positive(time, "maxEjectionTime");
      return this;
    }

    /**
     * Sets the most of the pool ejected at once, in percent, 0 to 100 (0: never eject); default
     * {@value #DEFAULT_MAX_EJECTION_PERCENT}. Whatever the value, at least one endpoint stays.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0-100
     */
    public Builder maxEjectionPercent(int percent) {
      this.maxEjectionPercent = checkInRange(percent, 0, 100, "maxEjectionPercent");
      return this;
    }

    /**
     * Builds the detector.
     *
     * @throws IllegalStateException if {@code maxEjectionTime} is below {@code baseEjectionTime}
     */
    public OutlierDetector build() {
      checkState(
          maxEjectionTime.compareTo(baseEjectionTime) >= 0,
          "maxEjectionTime: " + maxEjectionTime + " (expected: at least baseEjectionTime " + baseEjectionTime + ")");
      return new OutlierDetector(this);
    }

    static Duration positive(Duration duration, String name) {
      checkNotNull(duration, name);
      checkArgument(!duration.isNegative() && !duration.isZero(), name, duration, "a positive duration");
      checkArgument(duration.compareTo(Duration.ofDays(365)) <= 0, name, duration, "at most a year");
      return duration;
    }
  }
}
