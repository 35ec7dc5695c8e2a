package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.internal.DurationText;
import dev.roundabout.lb.pick.BuiltinPickers;
import org.jspecify.annotations.Nullable;

/**
 * The built-in picking algorithms. Each method returns a ready, immutable factory with defaults;
 * a factory may be shared by any number of load balancers.
 *
 * <p>Every built-in picker is thread-safe, takes no lock and allocates nothing per pick, and draws
 * its randomness from the balancer's {@link LoadBalancer.Builder#random random generator}, so a
 * seeded generator makes it deterministic.
 *
 * <p>Choosing: {@link #roundRobin()} when servers and requests are alike;
 * {@link #weightedRoundRobin()} when the pool is mixed; {@link #leastConnections()} or
 * {@link #powerOfTwoChoices()} when request durations vary; {@link #reportedLoad()} when servers
 * report their load and differ in capacity; a hash picker ({@link #ringHash()},
 * {@link #maglev()}, {@link #rendezvous()}) when the same key should reach the same endpoint.
 *
 * <p>The hash pickers read the key of the {@link PickContext} ({@link PickContext#ofKey(String)});
 * a pick without a key is a uniform random choice. The mapping of keys depends only on the key and
 * on the set of endpoints (their {@code host:port} and weight), not on the order of the list, the
 * balancer or the JVM: every client of the same pool sends a key to the same endpoint. An endpoint
 * that leaves the ready set (removed, or later ejected by health) hands its keys to their next
 * candidates; when it returns they come back, and the other keys are where they were before.
 */
public final class Pickers {
  private Pickers() {}

  /**
   * Round robin: picks go out in rotation, ignoring weight and load. The rotation starts at a
   * random endpoint and continues across changes of the endpoint list. Each thread sees an exact
   * rotation; concurrent threads rotate on separate counters, so that round robin costs as little
   * on many threads as on one, and each endpoint's share stays exact within a few picks per cycle.
   */
  public static PickerFactory roundRobin() {
    return BuiltinPickers.roundRobin();
  }

  /**
   * Smooth weighted round robin: over each cycle of W picks (W the sum of the weights divided by
   * their greatest common divisor) every endpoint gets exactly its weight, interleaved evenly
   * (weights 5, 1, 1 give a a b a c a a). O(1) amortized per pick; equal weights make it round
   * robin. Continues across changes of the list and scales over threads as {@link #roundRobin()}.
   */
  public static PickerFactory weightedRoundRobin() {
    return BuiltinPickers.weightedRoundRobin();
  }

  /** Uniform random choice, ignoring weight and load. */
  public static PickerFactory random() {
    return BuiltinPickers.random();
  }

  /** Random choice in proportion to weight (an alias table: O(1) per pick). */
  public static PickerFactory weightedRandom() {
    return BuiltinPickers.weightedRandom();
  }

  /**
   * Least connections: the endpoint with the lowest {@code (inFlight + 1) / weight}, ties broken at
   * random; when that endpoint has no call in flight, one of the endpoints with none, drawn in
   * proportion to weight, so that clients with no call in flight do not all pick the heaviest.
   * Reads every endpoint's in-flight count, O(n) per pick; prefer {@link #powerOfTwoChoices()} for
   * large pools.
   */
  public static PickerFactory leastConnections() {
    return BuiltinPickers.leastConnections();
  }

  /**
   * Power of two choices: two distinct endpoints at random (in proportion to weight when weights
   * differ), and the one with the lower {@code (inFlight + 1) / weight}; when both have no call in
   * flight, the first drawn, so that clients with no call in flight do not all pick the heavier
   * one. O(1) per pick (O(log n) with unequal weights), and nearly as good as least connections.
   */
  public static PickerFactory powerOfTwoChoices() {
    return BuiltinPickers.powerOfTwoChoices();
  }

  /**
   * Consistent hashing on a ring (Ketama style): each endpoint owns points on a ring in proportion
   * to its weight ({@value BuiltinPickers#DEFAULT_POINTS_PER_WEIGHT} per unit of weight by
   * default), and a key goes to the owner of the next point. Adding or removing an endpoint moves
   * only that endpoint's keys. A pick is a binary search over the ring; with 100 equal endpoints
   * the busiest gets within 10% of the mean.
   */
  public static RingHashFactory ringHash() {
    return RingHashFactory.DEFAULT;
  }

  /**
   * Maglev hashing: a lookup table of prime size (default {@value BuiltinPickers#DEFAULT_TABLE_SIZE})
   * shared out among the endpoints in proportion to weight, within one entry per endpoint. A pick
   * is one array read, the balance is the most even of the hash pickers; in return a change of the
   * set also moves a few other keys (about 1-2% when one of 100 endpoints goes). Choose it for
   * large pools and high rates where some extra movement is acceptable.
   */
  public static MaglevFactory maglev() {
    return MaglevFactory.DEFAULT;
  }

  /**
   * Rendezvous (highest random weight) hashing: every endpoint scores the key and the best wins,
   * weights in the logarithmic form (weight 3 gets three times the keys). Moves only the keys of an
   * endpoint that comes or goes, needs no table and no tuning, and costs O(n) per pick: the choice
   * for small pools.
   */
  public static RendezvousFactory rendezvous() {
    return RendezvousFactory.DEFAULT;
  }

  /**
   * Peak EWMA, as Finagle and Linkerd publish it: two distinct endpoints at random, and the one with
   * the lower {@code latency x (inFlight + 1) / weight}. The latency estimate takes any sample above
   * it at once, follows lower samples with time constant {@code decay} (default 10 s), and decays
   * toward zero between samples, as Finagle reads its cost. The reference latency-aware picker; see
   * {@link #adaptive()} for the library's own. Every latency measure is kept per endpoint across
   * snapshots and updated on the outcome path.
   */
  public static PeakEwmaFactory peakEwma() {
    return PeakEwmaFactory.DEFAULT;
  }

  /**
   * The library's latency-aware picker, and the one to use when servers or requests are not alike.
   * From what this client sees of each endpoint, the expected delay of a new call is
   * {@code max(latency estimate, mean age of its calls in flight) x (inFlight + 1)} (weights do not
   * divide it: latencies already tell fast endpoints from slow ones): the
   * estimate takes a slower sample at once and follows faster ones with time constant
   * {@code decay}; a failure counts as at least {@code failurePenalty}, so that an endpoint that
   * fails fast never looks fast; the age of calls still in flight makes an endpoint that stopped
   * answering look slow before any answer comes back; and between samples an estimate drifts
   * toward the pool's mean, never toward zero, so that an endpoint that was slow is tried again as
   * an average one, never flooded. Pools up to 32 endpoints are scanned for the least delay;
   * larger ones compare random candidates. Slow start, panic and health work as with every picker.
   */
  public static AdaptiveFactory adaptive() {
    return AdaptiveFactory.DEFAULT;
  }

  /**
   * Weighted round robin by the load servers report ({@link Lease#loadReport(LoadReport)}; the
   * OkHttp interceptor attaches ORCA's {@code endpoint-load-metrics} header), as gRPC's weighted
   * round robin: an endpoint weighs {@code rps / (utilization + eps / rps x errorUtilizationPenalty)}
   * by its latest report, the requests it serves per unit of utilisation, less for errors. A new
   * endpoint's reports count after {@code blackoutPeriod} (default 10 s: a server that just started
   * reports an empty window), and stop counting once the latest is {@code weightExpirationPeriod}
   * old (default 3 minutes); an endpoint without weight counts as the mean of the others, and until
   * any endpoint reports, every endpoint counts alike (round robin). Weights stay within ten times
   * the mean and a tenth of it. They are recomputed every {@code weightUpdatePeriod} (default 1 s)
   * on the balancer's update path, never on a pick, which is O(1). Configured endpoint weights are
   * not read; slow start, panic and health work as with every picker.
   *
   * <p>Choose it when servers can say how loaded they are and differ in capacity in ways the
   * registry does not know (mixed hardware, noisy neighbours), above all with many clients: each
   * client sees only its own calls, but every server's report covers all of its traffic.
   */
  public static ReportedLoadFactory reportedLoad() {
    return ReportedLoadFactory.DEFAULT;
  }

  /**
   * Probing in the spirit of Prequal (Google, NSDI 2024): the balancer asks servers, through
   * {@code probe}, how many requests they have in flight and how fast they answer, and picks by
   * the hot-cold rule. It keeps a small pool of recent probe answers (default 16); an endpoint is
   * hot when its requests in flight, as probed plus the calls this balancer sent it since, are
   * above the {@code hotQuantile} (default 0.8) of those in the pool. A pick takes, among the
   * cold endpoints in the pool, the one with the lowest latency; when all are hot, the one with the
   * fewest requests in flight. An answer decides {@code probeReuse} picks (default 1) and then
   * leaves the pool, as Prequal's reuse budget. With fewer than two answers to compare, a pick
   * takes the lower of two random endpoints' estimated requests in flight (each one's latest
   * answer, however old, plus the calls sent since; its own count if it never answered).
   *
   * <p>Probes go out on the balancer's update path at a rate tied to the call rate (default one
   * per call that ended, checked every 10 ms while calls come, at most as many outstanding as the
   * pool holds), to endpoints drawn at random; answers older than {@code maxProbeAge} (default 1 s)
   * leave the pool, and a probe not answered within {@code probeTimeout} (default 1 s) is
   * forgotten and cancelled. A pick reads the pool: O(pool size), lock-free, allocation-free.
   * Configured endpoint weights are not read; slow start, panic and health work as with every
   * picker. Not available by {@link #named(String)}: it needs a probe.
   *
   * <p>Choose it when servers can answer a cheap probe and many clients share them: every probe
   * answer covers all of a server's traffic, where a client's own figures cover only its calls.
   * lb-sim's figures (QUALITY.md) say how close it comes to the oracles, and where
   * {@link #adaptive()} does better.
   *
   * @throws NullPointerException if {@code probe} is null
   */
  public static PrequalFactory prequal(LoadProbe probe) {
    return new PrequalFactory(checkNotNull(probe, "probe"), PrequalFactory.DEFAULT_PROBES_PER_CALL,
        PrequalFactory.DEFAULT_POOL_SIZE, PrequalFactory.DEFAULT_MAX_PROBE_AGE, PrequalFactory.DEFAULT_HOT_QUANTILE,
        PrequalFactory.DEFAULT_PROBE_TIMEOUT, PrequalFactory.DEFAULT_PROBE_REUSE);
  }

  /**
   * The built-in picker that configuration text names: the name of one of the methods above,
   * optionally followed by options in parentheses that map to the factory's option methods, such
   * as {@code maglev(tableSize=5003, boundedLoad=1.25)}. Names and keys are case-sensitive;
   * whitespace around names, keys, values and separators is ignored; {@code name()} is the name
   * alone. The options:
   *
   * <ul>
   *   <li>{@code ringHash(pointsPerWeight=, ringSize=, boundedLoad=)}
   *   <li>{@code maglev(tableSize=, boundedLoad=)}
   *   <li>{@code rendezvous(boundedLoad=)}
   *   <li>{@code peakEwma(decay=)}
   *   <li>{@code adaptive(decay=, failurePenalty=, candidates=)}
   *   <li>{@code reportedLoad(blackoutPeriod=, weightExpirationPeriod=, weightUpdatePeriod=,
   *       errorUtilizationPenalty=)}
   * </ul>
   *
   * <p>Whole numbers for counts and sizes, decimal numbers for {@code boundedLoad} and
   * {@code errorUtilizationPenalty}, and durations
   * as a whole number with a unit ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}) or in
   * ISO-8601 ({@code PT10S}). Each key may be given once.
   *
   * <p>The {@code toString()} of every factory returned here, options included, is text this
   * method reads back into an equal factory ({@code maglev(tableSize=65537)},
   * {@code adaptive(decay=10s, failurePenalty=1s)}): a picker that {@link LoadBalancer#describe()}
   * shows can be pasted into configuration.
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if the name or a key is unknown, a value cannot be read, or
   *     an option method refuses it (with that method's message)
   */
  public static PickerFactory named(String text) {
    return PickerText.parse(checkNotNull(text, "text"));
  }

  /** {@link #peakEwma()} with options. Immutable; each option returns a new factory. */
  public static final class PeakEwmaFactory implements PickerFactory {
    /** The default time constant of the latency estimate: 10 seconds. */
    public static final java.time.Duration DEFAULT_DECAY = java.time.Duration.ofSeconds(10);

    static final PeakEwmaFactory DEFAULT = new PeakEwmaFactory(DEFAULT_DECAY.toNanos());

    private final long decayNanos;
    private final PickerFactory delegate;

    private PeakEwmaFactory(long decayNanos) {
      this.decayNanos = decayNanos;
      this.delegate = BuiltinPickers.peakEwma(decayNanos);
    }

    /**
     * Sets the time constant of the latency estimate; default 10 s.
     *
     * @throws IllegalArgumentException if {@code decay} is not between 1 ms and 1 hour
     */
    public PeakEwmaFactory decay(java.time.Duration decay) {
      return new PeakEwmaFactory(checkDecay(decay));
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "peakEwma(decay=" + DurationText.config(java.time.Duration.ofNanos(decayNanos)) + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof PeakEwmaFactory f && decayNanos == f.decayNanos;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(decayNanos);
    }
  }

  /** {@link #adaptive()} with options. Immutable; each option returns a new factory. */
  public static final class AdaptiveFactory implements PickerFactory {
    /** The default time constant of the latency estimate: 10 seconds. */
    public static final java.time.Duration DEFAULT_DECAY = java.time.Duration.ofSeconds(10);
    /** The default least cost of a failure: 1 second. */
    public static final java.time.Duration DEFAULT_FAILURE_PENALTY = java.time.Duration.ofSeconds(1);

    static final AdaptiveFactory DEFAULT =
        new AdaptiveFactory(DEFAULT_DECAY.toNanos(), DEFAULT_FAILURE_PENALTY.toNanos(), Integer.MAX_VALUE);

    private final long decayNanos;
    private final long failurePenaltyNanos;
    private final int candidates;
    private final PickerFactory delegate;

    private AdaptiveFactory(long decayNanos, long failurePenaltyNanos, int candidates) {
      this.decayNanos = decayNanos;
      this.failurePenaltyNanos = failurePenaltyNanos;
      this.candidates = candidates;
      this.delegate = BuiltinPickers.adaptive(decayNanos, failurePenaltyNanos, candidates);
    }

    /**
     * Sets the time constant of the latency estimate; default 10 s.
     *
     * @throws IllegalArgumentException if {@code decay} is not between 1 ms and 1 hour
     */
    public AdaptiveFactory decay(java.time.Duration decay) {
      return new AdaptiveFactory(checkDecay(decay), failurePenaltyNanos, candidates);
    }

    /**
     * Sets the least a failure costs, as a latency; default 1 s.
     *
     * @throws IllegalArgumentException if {@code penalty} is negative or above 1 hour
     */
    public AdaptiveFactory failurePenalty(java.time.Duration penalty) {
      checkNotNull(penalty, "penalty");
      if (penalty.isNegative() || penalty.compareTo(java.time.Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("failurePenalty: " + penalty + " (expected: 0 to PT1H)");
      }
      return new AdaptiveFactory(decayNanos, penalty.toNanos(), candidates);
    }

    /**
     * Compares {@code count} endpoints drawn at random instead of scanning small pools (2: the
     * power of two choices over expected delays).
     *
     * @throws IllegalArgumentException if {@code count} is below 2
     */
    public AdaptiveFactory candidates(int count) {
      if (count < 2) {
        throw new IllegalArgumentException("candidates: " + count + " (expected: 2 or more)");
      }
      return new AdaptiveFactory(decayNanos, failurePenaltyNanos, count);
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "adaptive(decay=" + DurationText.config(java.time.Duration.ofNanos(decayNanos)) + ", failurePenalty="
          + DurationText.config(java.time.Duration.ofNanos(failurePenaltyNanos))
          + (candidates == Integer.MAX_VALUE ? "" : ", candidates=" + candidates) + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof AdaptiveFactory f && decayNanos == f.decayNanos
          && failurePenaltyNanos == f.failurePenaltyNanos && candidates == f.candidates;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(decayNanos, failurePenaltyNanos, candidates);
    }
  }

  /** {@link #reportedLoad()} with options. Immutable; each option returns a new factory. */
  public static final class ReportedLoadFactory implements PickerFactory {
    /** The default time before a new endpoint's reports count: 10 seconds. */
    public static final java.time.Duration DEFAULT_BLACKOUT_PERIOD = java.time.Duration.ofSeconds(10);
    /** The default age at which a report stops counting: 3 minutes. */
    public static final java.time.Duration DEFAULT_WEIGHT_EXPIRATION_PERIOD = java.time.Duration.ofMinutes(3);
    /** The default time between recomputations of the weights: 1 second. */
    public static final java.time.Duration DEFAULT_WEIGHT_UPDATE_PERIOD = java.time.Duration.ofSeconds(1);
    /** The default weight of the error rate against utilisation: 1. */
    public static final double DEFAULT_ERROR_UTILIZATION_PENALTY = 1.0;

    static final ReportedLoadFactory DEFAULT = new ReportedLoadFactory(DEFAULT_BLACKOUT_PERIOD,
        DEFAULT_WEIGHT_EXPIRATION_PERIOD, DEFAULT_WEIGHT_UPDATE_PERIOD, DEFAULT_ERROR_UTILIZATION_PENALTY);

    private final java.time.Duration blackout;
    private final java.time.Duration expiration;
    private final java.time.Duration update;
    private final double penalty;
    private final PickerFactory delegate;

    private ReportedLoadFactory(
        java.time.Duration blackout, java.time.Duration expiration, java.time.Duration update, double penalty) {
      this.blackout = blackout;
      this.expiration = expiration;
      this.update = update;
      this.penalty = penalty;
      this.delegate = BuiltinPickers.reportedLoad(blackout.toNanos(), expiration.toNanos(), update.toNanos(), penalty);
    }

    /**
     * Sets how long an endpoint's reports must have come before they count, 0 to 1 hour; default
     * 10 s. 0 counts the first report at once.
     *
     * @throws IllegalArgumentException if {@code period} is out of range
     */
    public ReportedLoadFactory blackoutPeriod(java.time.Duration period) {
      return new ReportedLoadFactory(
          checkPeriod(period, "blackoutPeriod", java.time.Duration.ZERO, java.time.Duration.ofHours(1)),
          expiration, update, penalty);
    }

    /**
     * Sets the age at which an endpoint's latest report stops counting, 1 s to 24 hours; default
     * 3 minutes. The endpoint then counts as the mean until its reports have come again for the
     * blackout period.
     *
     * @throws IllegalArgumentException if {@code period} is out of range
     */
    public ReportedLoadFactory weightExpirationPeriod(java.time.Duration period) {
      return new ReportedLoadFactory(blackout,
          checkPeriod(period, "weightExpirationPeriod", java.time.Duration.ofSeconds(1), java.time.Duration.ofHours(24)),
          update, penalty);
    }

    /**
     * Sets the time between recomputations of the weights, 100 ms to 1 hour; default 1 s.
     *
     * @throws IllegalArgumentException if {@code period} is out of range
     */
    public ReportedLoadFactory weightUpdatePeriod(java.time.Duration period) {
      return new ReportedLoadFactory(blackout, expiration,
          checkPeriod(period, "weightUpdatePeriod", java.time.Duration.ofMillis(100), java.time.Duration.ofHours(1)),
          penalty);
    }

    /**
     * Sets how much errors weigh: the utilisation an endpoint is charged grows by
     * {@code eps / rps x penalty}; 0 ignores errors; default 1.
     *
     * @throws IllegalArgumentException if {@code penalty} is negative, NaN or infinite
     */
    public ReportedLoadFactory errorUtilizationPenalty(double penalty) {
      if (!(penalty >= 0 && penalty < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "errorUtilizationPenalty: " + penalty + " (expected: a finite number, 0 or more)");
      }
      return new ReportedLoadFactory(blackout, expiration, update, penalty);
    }

    static java.time.Duration checkPeriod(
        java.time.Duration period, String name, java.time.Duration min, java.time.Duration max) {
      checkNotNull(period, name);
      if (period.compareTo(min) < 0 || period.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + ": " + period + " (expected: " + min + " to " + max + ")");
      }
      return period;
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "reportedLoad(blackoutPeriod=" + DurationText.config(blackout) + ", weightExpirationPeriod="
          + DurationText.config(expiration) + ", weightUpdatePeriod=" + DurationText.config(update)
          + ", errorUtilizationPenalty=" + penalty + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof ReportedLoadFactory f && blackout.equals(f.blackout) && expiration.equals(f.expiration)
          && update.equals(f.update) && Double.compare(penalty, f.penalty) == 0;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(blackout, expiration, update, penalty);
    }
  }

  /** {@link #prequal(LoadProbe)} with options. Immutable; each option returns a new factory. */
  public static final class PrequalFactory implements PickerFactory {
    /** The default probes sent per call: 1. */
    public static final double DEFAULT_PROBES_PER_CALL = 1.0;
    /** The default number of probe results kept: 16. */
    public static final int DEFAULT_POOL_SIZE = 16;
    /** The default age at which a probe result leaves the pool: 1 second. */
    public static final java.time.Duration DEFAULT_MAX_PROBE_AGE = java.time.Duration.ofSeconds(1);
    /** The default quantile of requests in flight above which an endpoint is hot: 0.8. */
    public static final double DEFAULT_HOT_QUANTILE = 0.8;
    /** The default time a probe may take: 1 second. */
    public static final java.time.Duration DEFAULT_PROBE_TIMEOUT = java.time.Duration.ofSeconds(1);
    /** The default number of picks one probe answer may decide: 1. */
    public static final int DEFAULT_PROBE_REUSE = 1;

    private final LoadProbe probe;
    private final double probesPerCall;
    private final int poolSize;
    private final java.time.Duration maxProbeAge;
    private final double hotQuantile;
    private final java.time.Duration probeTimeout;
    private final int reuse;
    private final PickerFactory delegate;

    private PrequalFactory(LoadProbe probe, double probesPerCall, int poolSize, java.time.Duration maxProbeAge,
        double hotQuantile, java.time.Duration probeTimeout, int reuse) {
      this.probe = probe;
      this.probesPerCall = probesPerCall;
      this.poolSize = poolSize;
      this.maxProbeAge = maxProbeAge;
      this.hotQuantile = hotQuantile;
      this.probeTimeout = probeTimeout;
      this.reuse = reuse;
      this.delegate = BuiltinPickers.prequal(
          probe, probesPerCall, poolSize, maxProbeAge.toNanos(), hotQuantile, probeTimeout, reuse);
    }

    /**
     * Sets how many probes go out per call on average, 0.01 to 16; default 1.
     *
     * @throws IllegalArgumentException if {@code probes} is out of range or NaN
     */
    public PrequalFactory probesPerCall(double probes) {
      if (!(probes >= 0.01 && probes <= 16)) {
        throw new IllegalArgumentException("probesPerCall: " + probes + " (expected: 0.01-16)");
      }
      return new PrequalFactory(probe, probes, poolSize, maxProbeAge, hotQuantile, probeTimeout, reuse);
    }

    /**
     * Sets how many probe results the pool keeps (and how many probes may be outstanding), 2 to
     * 128; default 16.
     *
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public PrequalFactory poolSize(int size) {
      return new PrequalFactory(probe, probesPerCall,
          dev.roundabout.lb.internal.Preconditions.checkInRange(size, 2, 128, "poolSize"), maxProbeAge,
          hotQuantile, probeTimeout, reuse);
    }

    /**
     * Sets the age at which a probe result leaves the pool, 1 ms to 1 hour; default 1 s.
     *
     * @throws IllegalArgumentException if {@code age} is out of range
     */
    public PrequalFactory maxProbeAge(java.time.Duration age) {
      return new PrequalFactory(probe, probesPerCall, poolSize,
          ReportedLoadFactory.checkPeriod(age, "maxProbeAge", java.time.Duration.ofMillis(1),
              java.time.Duration.ofHours(1)),
          hotQuantile, probeTimeout, reuse);
    }

    /**
     * Sets the quantile of the pool's requests in flight above which an endpoint is hot, 0.5 to 1
     * (1: never hot, the lowest latency always wins); default 0.8.
     *
     * @throws IllegalArgumentException if {@code quantile} is out of range or NaN
     */
    public PrequalFactory hotQuantile(double quantile) {
      if (!(quantile >= 0.5 && quantile <= 1)) {
        throw new IllegalArgumentException("hotQuantile: " + quantile + " (expected: 0.5-1)");
      }
      return new PrequalFactory(probe, probesPerCall, poolSize, maxProbeAge, quantile, probeTimeout, reuse);
    }

    /**
     * Sets how long a probe may take before it is forgotten, 1 ms to 1 minute; default 1 s.
     *
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public PrequalFactory probeTimeout(java.time.Duration timeout) {
      return new PrequalFactory(probe, probesPerCall, poolSize, maxProbeAge, hotQuantile,
          ReportedLoadFactory.checkPeriod(timeout, "probeTimeout", java.time.Duration.ofMillis(1),
              java.time.Duration.ofMinutes(1)), reuse);
    }

    /**
     * Sets how many picks one probe answer may decide before it leaves the pool, 1 to 16;
     * default 1. Above 1, a client sends several calls on one look at a server, which the other
     * clients do not see.
     *
     * @throws IllegalArgumentException if {@code uses} is out of range
     */
    public PrequalFactory probeReuse(int uses) {
      return new PrequalFactory(probe, probesPerCall, poolSize, maxProbeAge, hotQuantile, probeTimeout,
          dev.roundabout.lb.internal.Preconditions.checkInRange(uses, 1, 16, "probeReuse"));
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "prequal(probe=" + probe + ", probesPerCall=" + probesPerCall + ", poolSize=" + poolSize
          + ", maxProbeAge=" + DurationText.config(maxProbeAge) + ", hotQuantile=" + hotQuantile
          + ", probeTimeout=" + DurationText.config(probeTimeout) + ", probeReuse=" + reuse + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof PrequalFactory f && probe.equals(f.probe) && Double.compare(probesPerCall, f.probesPerCall) == 0
          && poolSize == f.poolSize && maxProbeAge.equals(f.maxProbeAge)
          && Double.compare(hotQuantile, f.hotQuantile) == 0 && probeTimeout.equals(f.probeTimeout)
          && reuse == f.reuse;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(probe, probesPerCall, poolSize, maxProbeAge, hotQuantile, probeTimeout, reuse);
    }
  }

  private static long checkDecay(java.time.Duration decay) {
    checkNotNull(decay, "decay");
    if (decay.compareTo(java.time.Duration.ofMillis(1)) < 0 || decay.compareTo(java.time.Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("decay: " + decay + " (expected: PT0.001S to PT1H)");
    }
    return decay.toNanos();
  }

  /**
   * {@link #ringHash()} with options. Immutable; each option returns a new factory.
   */
  public static final class RingHashFactory implements PickerFactory {
    static final RingHashFactory DEFAULT =
        new RingHashFactory(
            BuiltinPickers.DEFAULT_POINTS_PER_WEIGHT, BuiltinPickers.DEFAULT_RING_SIZE, BuiltinPickers.UNBOUNDED);

    private final int pointsPerWeight;
    private final int ringSize;
    private final double loadFactor;
    private final PickerFactory delegate;

    private RingHashFactory(int pointsPerWeight, int ringSize, double loadFactor) {
      this.pointsPerWeight = pointsPerWeight;
      this.ringSize = ringSize;
      this.loadFactor = loadFactor;
      this.delegate = BuiltinPickers.ringHash(pointsPerWeight, ringSize, loadFactor);
    }

    /**
     * Sets the points an endpoint gets per unit of weight, 1 to 65,536; default
     * {@value BuiltinPickers#DEFAULT_POINTS_PER_WEIGHT}. More points balance better (the spread
     * of shares shrinks with the square root of the points) and cost memory (8 bytes a point) and
     * build time.
     *
     * @throws IllegalArgumentException if {@code pointsPerWeight} is out of range
     */
    public RingHashFactory pointsPerWeight(int pointsPerWeight) {
      return new RingHashFactory(BuiltinPickers.checkPointsPerWeight(pointsPerWeight), ringSize, loadFactor);
    }

    /**
     * Sets the most points the ring holds, 1 to 8,388,608; default
     * {@value BuiltinPickers#DEFAULT_RING_SIZE}. Within it, an endpoint's points depend only on
     * its own weight; a pool whose total weight times {@link #pointsPerWeight} exceeds it gets the
     * most points per unit of weight that fit, and a change that alters that number also moves
     * a small share of other keys (about one over that number).
     *
     * @throws IllegalArgumentException if {@code ringSize} is out of range
     */
    public RingHashFactory ringSize(int ringSize) {
      return new RingHashFactory(pointsPerWeight, BuiltinPickers.checkRingSize(ringSize), loadFactor);
    }

    /**
     * Bounds the load: see {@link MaglevFactory#boundedLoad(double)}; a key whose endpoint is full
     * walks on clockwise along the ring.
     *
     * @throws IllegalArgumentException unless {@code c} is finite and above 1
     */
    public RingHashFactory boundedLoad(double c) {
      return new RingHashFactory(pointsPerWeight, ringSize, BuiltinPickers.checkLoadFactor(c));
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "ringHash(pointsPerWeight=" + pointsPerWeight + ", ringSize=" + ringSize + boundText(loadFactor) + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof RingHashFactory f && pointsPerWeight == f.pointsPerWeight && ringSize == f.ringSize
          && Double.compare(loadFactor, f.loadFactor) == 0;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(pointsPerWeight, ringSize, loadFactor);
    }
  }

  /**
   * {@link #maglev()} with options. Immutable; each option returns a new factory.
   */
  public static final class MaglevFactory implements PickerFactory {
    static final MaglevFactory DEFAULT =
        new MaglevFactory(BuiltinPickers.DEFAULT_TABLE_SIZE, BuiltinPickers.UNBOUNDED);

    private final int tableSize;
    private final double loadFactor;
    private final PickerFactory delegate;

    private MaglevFactory(int tableSize, double loadFactor) {
      this.tableSize = tableSize;
      this.loadFactor = loadFactor;
      this.delegate = BuiltinPickers.maglev(tableSize, loadFactor);
    }

    /**
     * Sets the table size: a prime up to 16,777,213, default
     * {@value BuiltinPickers#DEFAULT_TABLE_SIZE}. Keep it at least 100 times the number of
     * endpoints, so that their shares stay within 1% of each other; a list with more endpoints than
     * table entries is refused when it arrives (the balancer keeps its last list).
     *
     * @throws IllegalArgumentException if {@code tableSize} is not a prime or out of range
     */
    public MaglevFactory tableSize(int tableSize) {
      return new MaglevFactory(BuiltinPickers.checkTableSize(tableSize), loadFactor);
    }

    /**
     * Bounds the load (consistent hashing with bounded loads, Mirrokni, Thorup and
     * Zadimoghaddam): an endpoint whose in-flight count is at or above
     * {@code ceil(c * average in flight)} (the average counting this call, and scaled by the
     * endpoint's share of the weight) is skipped, and the key moves on to its next entry in the
     * table. No endpoint then carries much more than {@code c} times the average, at the cost of
     * some affinity under load: the lower {@code c}, the more keys leave their endpoint. 1.25 is a
     * common choice. Reads every endpoint's in-flight count when the key's endpoint is busy.
     *
     * @throws IllegalArgumentException unless {@code c} is finite and above 1
     */
    public MaglevFactory boundedLoad(double c) {
      return new MaglevFactory(tableSize, BuiltinPickers.checkLoadFactor(c));
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "maglev(tableSize=" + tableSize + boundText(loadFactor) + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof MaglevFactory f && tableSize == f.tableSize && Double.compare(loadFactor, f.loadFactor) == 0;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(tableSize, loadFactor);
    }
  }

  /**
   * {@link #rendezvous()} with options. Immutable; each option returns a new factory.
   */
  public static final class RendezvousFactory implements PickerFactory {
    static final RendezvousFactory DEFAULT = new RendezvousFactory(BuiltinPickers.UNBOUNDED);

    private final double loadFactor;
    private final PickerFactory delegate;

    private RendezvousFactory(double loadFactor) {
      this.loadFactor = loadFactor;
      this.delegate = BuiltinPickers.rendezvous(loadFactor);
    }

    /**
     * Bounds the load: see {@link MaglevFactory#boundedLoad(double)}; a key whose endpoint is full
     * goes to its next endpoint in score order.
     *
     * @throws IllegalArgumentException unless {@code c} is finite and above 1
     */
    public RendezvousFactory boundedLoad(double c) {
      return new RendezvousFactory(BuiltinPickers.checkLoadFactor(c));
    }

    @Override
    public Picker create(ReadyEndpoints ready) {
      return delegate.create(checkNotNull(ready, "ready"));
    }

    @Override
    public String toString() {
      return "rendezvous(" + boundText(loadFactor).replaceFirst("^, ", "") + ")";
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof RendezvousFactory f && Double.compare(loadFactor, f.loadFactor) == 0;
    }

    @Override
    public int hashCode() {
      return Double.hashCode(loadFactor);
    }
  }

  private static String boundText(double loadFactor) {
    return loadFactor == BuiltinPickers.UNBOUNDED ? "" : ", boundedLoad=" + loadFactor;
  }
}
