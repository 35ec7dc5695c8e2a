package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Active health: calls a {@link HealthProbe} for every endpoint every {@code interval} (default
 * 5 s, with ±10% jitter so that checks of many endpoints and many clients spread out), each with a
 * {@code timeout} (default 1 s). An endpoint turns unhealthy after {@code unhealthyThreshold}
 * failed checks in a row (default 2) and healthy again after {@code healthyThreshold} good ones
 * (default 2). A check that times out or throws has failed. The checks of one endpoint never
 * overlap: the next starts an interval after the previous one started, and never before it ended.
 *
 * <p>An endpoint starts healthy, or, with {@code initiallyHealthy(false)}, unknown: it takes no
 * call until its first check passes.
 *
 * <pre>{@code
 * ActiveHealthChecker.builder(TcpConnectProbe.create())
 *     .interval(Duration.ofSeconds(5))
 *     .timeout(Duration.ofSeconds(1))
 *     .healthyThreshold(2)
 *     .unhealthyThreshold(2)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe: a configuration, which may be given to any number of balancers.
 * Each balancer gets checks of its own ({@link #newTracker}): its endpoints are checked and judged
 * apart from any other balancer's. They run on the {@link Builder#scheduler scheduler} you give,
 * shared by the checks of every balancer (you shut it down), or else on one daemon thread per
 * balancer, {@code roundabout-health-<balancer>}, started with the balancer and stopped when it
 * closes. Closing a balancer stops all its checks.
 */
public final class ActiveHealthChecker implements HealthPolicy {
  /** Default time between two checks of an endpoint: 5 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  /** Default time a check may take: 1 second. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** Default good checks in a row that make an endpoint healthy: 2. */
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  /** Default failed checks in a row that make an endpoint unhealthy: 2. */
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 2;
  /** Default jitter of the interval: 10 percent. */
  public static final int DEFAULT_JITTER_PERCENT = 10;

  final HealthProbe probe;
  final long intervalNanos;
  final Duration timeout;
  final long timeoutNanos;
  final int healthyThreshold;
  final int unhealthyThreshold;
  final int jitterPercent;
  final boolean initiallyHealthy;
  final @Nullable ScheduledExecutorService givenScheduler;

  private ActiveHealthChecker(Builder builder) {
    this.probe = builder.probe;
    this.intervalNanos = builder.interval.toNanos();
    this.timeout = builder.timeout;
    this.timeoutNanos = builder.timeout.toNanos();
    this.healthyThreshold = builder.healthyThreshold;
    this.unhealthyThreshold = builder.unhealthyThreshold;
    this.jitterPercent = builder.jitterPercent;
    this.initiallyHealthy = builder.initiallyHealthy;
    this.givenScheduler = builder.scheduler;
  }

  /**
   * A builder of a checker that calls {@code probe}.
   *
   * @throws NullPointerException if {@code probe} is null
   */
  public static Builder builder(HealthProbe probe) {
    return new Builder(checkNotNull(probe, "probe"));
  }

  /** The keys {@link #fromMap} accepts, in the order its messages list them. */
  private static final List<String> KEYS = List.of(
      "interval", "timeout", "healthyThreshold", "unhealthyThreshold", "jitterPercent", "initiallyHealthy");

  /**
   * A checker that calls {@code probe}, from configuration text: each key names the builder
   * method of the same name, and a key left out keeps its default. {@code interval} and
   * {@code timeout} are durations, a whole number with a unit ({@code 500ms}, {@code 5s},
   * {@code 1m}) or ISO-8601 ({@code PT5S}); {@code healthyThreshold}, {@code unhealthyThreshold}
   * and {@code jitterPercent} whole numbers; {@code initiallyHealthy} {@code true} or
   * {@code false}. Whitespace around values is ignored. The checks run on a thread of each
   * balancer's own; {@link #builder} gives a {@link Builder#scheduler scheduler}.
   *
   * @throws NullPointerException if {@code probe}, {@code config} or one of its keys or values is
   *     null
   * @throws IllegalArgumentException if a key is unknown, a value cannot be read, or the builder
   *     method refuses it (with that method's message)
   * @throws IllegalStateException if the options do not fit together, as {@link Builder#build()}
   */
  public static ActiveHealthChecker fromMap(HealthProbe probe, Map<String, String> config) {
    Builder builder = builder(probe);
    Map<String, String> values = OutlierDetector.checkKeys("ActiveHealthChecker", config, KEYS);
    if (values.containsKey("interval")) {
      builder.interval(OutlierDetector.durationValue("interval", values.get("interval")));
    }
    if (values.containsKey("timeout")) {
      builder.timeout(OutlierDetector.durationValue("timeout", values.get("timeout")));
    }
    if (values.containsKey("healthyThreshold")) {
      builder.healthyThreshold(OutlierDetector.intValue("healthyThreshold", values.get("healthyThreshold")));
    }
    if (values.containsKey("unhealthyThreshold")) {
      builder.unhealthyThreshold(OutlierDetector.intValue("unhealthyThreshold", values.get("unhealthyThreshold")));
    }
    if (values.containsKey("jitterPercent")) {
      builder.jitterPercent(OutlierDetector.intValue("jitterPercent", values.get("jitterPercent")));
    }
    if (values.containsKey("initiallyHealthy")) {
      builder.initiallyHealthy(OutlierDetector.booleanValue(values, "initiallyHealthy", false, ""));
    }
    return builder.build();
  }

  /**
   * New checks for one balancer: its endpoints' own checks and verdicts, on the given scheduler
   * or, once the balancer starts them, on a thread of their own.
   */
  @Override
  public HealthTracker newTracker() {
    return new ActiveCheckTracker(this);
  }

  @Override
  public String toString() {
    return "ActiveHealthChecker{" + probe + ", interval=" + Duration.ofNanos(intervalNanos) + ", timeout=" + timeout
        + ", healthy/unhealthy=" + healthyThreshold + "/" + unhealthyThreshold + '}';
  }

  /**
   * Builds an {@link ActiveHealthChecker}. Not thread-safe; each setter checks its argument at
   * once, {@link #build()} checks that the options fit together.
   */
  public static final class Builder {
    private final HealthProbe probe;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;
    private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
    private int jitterPercent = DEFAULT_JITTER_PERCENT;
    private boolean initiallyHealthy = true;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder(HealthProbe probe) {
      this.probe = probe;
    }

    /**
     * Sets the time between two checks of an endpoint; default 5 s.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder interval(Duration interval) {
      this.interval = OutlierDetector.Builder.positive(interval, "interval");
      return this;
    }

    /**
     * Sets the time a check may take, less than the interval; default 1 s.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = OutlierDetector.Builder.positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the good checks in a row that make an unhealthy endpoint healthy; default 2.
     *
     * @throws IllegalArgumentException if {@code checks} is below 1
     */
    public Builder healthyThreshold(int checks) {
      checkArgument(checks >= 1, "healthyThreshold", checks, "1 or more");
      this.healthyThreshold = checks;
      return this;
    }

    /**
     * Sets the failed checks in a row that make an endpoint unhealthy; default 2.
     *
     * @throws IllegalArgumentException if {@code checks} is below 1
     */
    public Builder unhealthyThreshold(int checks) {
      checkArgument(checks >= 1, "unhealthyThreshold", checks, "1 or more");
      this.unhealthyThreshold = checks;
      return this;
    }

    /**
     * Sets the jitter of the interval in percent, 0 to 100: each wait is drawn uniformly in
     * {@code interval * (1 +- percent / 100)}, and the first check of an endpoint comes within
     * {@code interval * percent / 100}; default 10.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0-100
     */
    public Builder jitterPercent(int percent) {
      this.jitterPercent = checkInRange(percent, 0, 100, "jitterPercent");
      return this;
    }

    /**
     * Whether an endpoint is healthy until its first check (true, the default) or unknown and
     * not picked until a check passes (false).
     */
    public Builder initiallyHealthy(boolean healthy) {
      this.initiallyHealthy = healthy;
      return this;
    }

    /**
     * Runs the checks on {@code scheduler}, which the caller owns and shuts down, and which the
     * checks of every balancer given this checker share; default: one daemon thread per balancer,
     * stopped when that balancer closes.
     *
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = checkNotNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the checker.
     *
     * @throws IllegalStateException if the timeout is not shorter than the interval
     */
    public ActiveHealthChecker build() {
      checkState(
          timeout.compareTo(interval) < 0,
          "timeout: " + timeout + " (expected: less than interval " + interval + ")");
      return new ActiveHealthChecker(this);
    }
  }
}
