package dev.roundabout.lb.dns;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.RegistrySource;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.ResolverConfig;

/**
 * An endpoint source that follows DNS, with dnsjava: the A and AAAA records of a name, each
 * address an endpoint on a given port ({@link #builder(String, int)}), or the SRV records of a
 * service ({@link #srv(String)}), each address of their targets an endpoint on the record's port.
 * It keeps the rules of every {@link RegistrySource}; what they mean for DNS:
 *
 * <ul>
 *   <li><b>Endpoints.</b> Hosts are the IP addresses of the answers (IPv4 and IPv6), without zone
 *       or metadata, sorted by address (IPv4 first) and port, so that the same records in another
 *       order are the same list and change nothing. An A/AAAA endpoint has weight 1. An SRV
 *       record's weight becomes the weight of each of its target's addresses (0 becomes 1, above
 *       {@value Endpoint#MAX_WEIGHT} becomes {@value Endpoint#MAX_WEIGHT}); records that lead to
 *       the same address and port add up their weights. Only the SRV records of the lowest
 *       priority are used, unless none of their targets has an address: then the next priority,
 *       and so on. Records whose target is {@code .} ("no service", RFC 2782) or whose port is 0
 *       are skipped. CNAMEs within an answer are followed.
 *   <li><b>What empties the pool.</b> Only DNS saying authoritatively that there is nothing: the
 *       name asked (A/AAAA, or the service's SRV name) or every target of every priority answers
 *       NXDOMAIN, or NOERROR without records of the type asked and with authority (the AA flag, or
 *       the zone's SOA in the authority section, as recursive resolvers pass it on; after a
 *       CNAME, only the SOA counts). A NOERROR without records and without authority (a referral,
 *       a lame server) is a failure.
 *   <li><b>Failures</b> keep the last good list and make the source stale: an error code
 *       (SERVFAIL, REFUSED...), no answer within the timeout, a network error, garbage (an answer
 *       that does not parse, or whose id or question does not match), an empty answer without
 *       authority, or any one question of a refresh failing (a refresh is all or nothing: one
 *       unreachable SRV target never shrinks the list).
 *   <li><b>Refresh.</b> A good answer is asked again after the smallest TTL among the records
 *       (and the negative TTL of an empty answer: the smaller of the SOA's TTL and minimum),
 *       bounded by {@link Builder#minTtl} and {@link Builder#maxTtl}, then shortened by a random
 *       0-{@value #REFRESH_JITTER_PERCENT}% so that clients started together spread out. A failure
 *       is retried after {@link Builder#backoff} (by default from 1 second, or minTtl if smaller,
 *       doubling up to minTtl).
 *   <li><b>Servers.</b> The ones given, or the system's as dnsjava finds them
 *       ({@code /etc/resolv.conf} and the like, read at each refresh). A question goes to the
 *       servers in order until one answers usably, over UDP, and again over TCP when the UDP
 *       answer is truncated (dnsjava's {@code SimpleResolver} does it). Names are asked as given,
 *       as absolute names: no search list.
 * </ul>
 *
 * <p>Threads: the source's own daemon thread {@code roundabout-dns-<name>}, started when the first
 * balancer subscribes and ended when the last one closes, or the {@link Builder#scheduler}
 * given (never shut down by the source). A refresh runs there and blocks it until its answers are
 * in (at most servers x 2 x timeout plus two seconds per step); the questions of one step (A and
 * AAAA, for every target of a priority) are sent together with dnsjava's asynchronous API. Closing
 * the balancer cancels the next refresh, interrupts a running one and ends the own thread; no query
 * is sent after that (one in flight ends in dnsjava, and its answer is dropped). dnsjava carries
 * the packets on its own I/O thread ({@code dnsjava NIO selector}, one per JVM, shared with every
 * other user of dnsjava), which outlives the source.
 *
 * <p>Thread-safe. Built by {@link #builder(String, int)} or {@link #srv(String)}; a source serves
 * the balancers of one lifetime (see {@link RegistrySource}).
 */
public final class DnsEndpointSource extends RegistrySource {
  /** The default smallest interval between two refreshes of a good answer: 5 seconds. */
  public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(5);
  /** The default largest interval between two refreshes of a good answer: 5 minutes. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(5);
  /** The default time a server has to answer one query: 2 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  /** How much a refresh interval is shortened at most, at random, in percent: {@value}. */
  public static final int REFRESH_JITTER_PERCENT = 10;

  private static final Logger logger = LoggerFactory.getLogger(DnsEndpointSource.class);

  private final String name;
  private final Name query;
  private final int port; // 0 for SRV
  private final List<InetSocketAddress> servers; // empty: the system's
  private final Duration timeout;
  private final long minTtlNanos;
  private final long maxTtlNanos;
  private final Backoff backoff;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private final @Nullable RandomGenerator random;

  private final Object lock = new Object();
  // Written under lock, read by the refresh and by dnsjava's I/O thread without it.
  private volatile boolean closed;
  // Guarded by lock.
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable ScheduledFuture<?> next;
  // Read and written by the refresh only; refreshes never overlap (each schedules the next), and
  // scheduling orders one before the next.
  private int failures;

  private DnsEndpointSource(Builder b) {
    super("dns:" + b.name + (b.port == 0 ? "" : ":" + b.port), b.clock);
    this.name = b.name;
    this.query = b.query;
    this.port = b.port;
    this.servers = b.servers;
    this.timeout = b.timeout;
    this.minTtlNanos = saturatedNanos(b.minTtl);
    this.maxTtlNanos = saturatedNanos(b.maxTtl);
    Duration firstRetry = b.minTtl.compareTo(Duration.ofSeconds(1)) < 0 ? b.minTtl : Duration.ofSeconds(1);
    this.backoff = b.backoff != null ? b.backoff : Backoff.exponential(firstRetry, b.minTtl);
    this.givenScheduler = b.scheduler;
    this.random = b.random;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Returns a builder for a source that follows the A and AAAA records of {@code name}, each
   * address an endpoint on {@code port}.
   *
   * @param name a DNS name ({@code orders.example}, optionally with a final dot): dot-separated
   *     labels of letters, digits, hyphens and underscores, 1-63 characters each that neither start
   *     nor end with a hyphen, 253 characters at most, the last label not all digits
   * @param port 1-65535
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not a DNS name or {@code port} is out of range
   */
  public static Builder builder(String name, int port) {
    Name query = DnsNames.parse(name);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    return new Builder(name, query, port);
  }

  /**
   * Returns a builder for a source that follows the SRV records of the service {@code name}
   * ({@code _http._tcp.orders.example}), checked as by {@link #builder(String, int)}.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not a DNS name
   */
  public static Builder srv(String name) {
    return new Builder(name, DnsNames.parse(name), 0);
  }

  @Override
  protected void start() {
    boolean refused = false;
    synchronized (lock) {
      if (closed) {
        return;
      }
      ScheduledExecutorService s = givenScheduler != null ? givenScheduler : ownThread("roundabout-dns-" + name);
      scheduler = s;
      try {
        next = s.schedule(this::refresh, 0, NANOSECONDS);
      } catch (RejectedExecutionException e) {
        refused = true;
      }
    }
    if (refused) {
      failed("the scheduler refused the first refresh");
    }
  }

  @Override
  protected void stop() {
    ScheduledExecutorService own;
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel(true);
        next = null;
      }
      own = givenScheduler == null ? scheduler : null;
    }
    if (own != null) {
      own.shutdownNow();
    }
  }

  private static ScheduledExecutorService ownThread(String threadName) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, threadName);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  /** One refresh: ask, deliver or fail, schedule the next. */
  private void refresh() {
    if (closed) {
      return;
    }
    DnsLookup.Result result;
    try {
      List<InetSocketAddress> asked = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
      DnsLookup lookup = new DnsLookup(new Questions(asked, timeout, () -> closed), timeout);
      result = port == 0 ? lookup.srv(query) : lookup.addresses(query, port);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (closed) {
        return; // stopped while waiting for answers
      }
      result = DnsLookup.Result.failed("interrupted while waiting for answers");
    } catch (RuntimeException e) {
      logger.warn("Endpoint source {} failed to refresh", description(), e);
      result = DnsLookup.Result.failed(e.toString());
    }
    if (closed) {
      return;
    }
    List<Endpoint> endpoints = result.endpoints();
    long delay;
    if (endpoints == null) {
      failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
      failed(result.failure());
      delay = backoff.delayNanos(failures, random());
      logger.debug("Endpoint source {} failed ({}); retry {} in {}", description(), result.failure(), failures,
          Duration.ofNanos(delay));
    } else {
      failures = 0;
      deliver(endpoints);
      delay = refreshDelayNanos(result.ttlSeconds());
      logger.debug("Endpoint source {} found {} endpoints (TTL {} s); next refresh in {}", description(),
          endpoints.size(), result.ttlSeconds(), Duration.ofNanos(delay));
    }
    scheduleNext(delay);
  }

  /** The TTL bounded by minTtl and maxTtl, shortened by the jitter. */
  private long refreshDelayNanos(long ttlSeconds) {
    long ttl = TimeUnit.SECONDS.toNanos(ttlSeconds);
    long bounded = Math.max(minTtlNanos, Math.min(ttl, maxTtlNanos));
    double factor = 1 - REFRESH_JITTER_PERCENT / 100.0 * random().nextDouble();
    return Math.max(1, (long) (bounded * factor));
  }

  private void scheduleNext(long delayNanos) {
    boolean refused = false;
    synchronized (lock) {
      ScheduledExecutorService s = scheduler;
      if (closed || s == null) {
        return;
      }
      try {
        next = s.schedule(this::refresh, delayNanos, NANOSECONDS);
      } catch (RejectedExecutionException e) {
        refused = true;
      }
    }
    if (refused) { // told outside the lock: a subscriber may close the balancer from its callback
      failed("the scheduler refused the next refresh");
    }
  }

  private RandomGenerator random() {
    return random != null ? random : ThreadLocalRandom.current();
  }

  /**
   * Builds a {@link DnsEndpointSource}. Not thread-safe; each setter checks its argument at once,
   * {@link #build()} the options together.
   */
  public static final class Builder {
    private final String name;
    private final Name query;
    private final int port;
    private List<InetSocketAddress> servers = List.of();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration minTtl = DEFAULT_MIN_TTL;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private @Nullable Backoff backoff;
    private @Nullable ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();
    private @Nullable RandomGenerator random;

    private Builder(String name, Name query, int port) {
      this.name = name;
      this.query = query;
      this.port = port;
    }

    /**
     * Sets the DNS servers to ask, in order (a question goes to the next only when one fails);
     * default: the system's, as dnsjava finds them at each refresh.
     *
     * @throws NullPointerException if the array or an element is null
     * @throws IllegalArgumentException if there is none, or one is unresolved
     */
    public Builder servers(InetSocketAddress... servers) {
      Objects.requireNonNull(servers, "servers");
      if (servers.length == 0) {
        throw new IllegalArgumentException("servers: [] (expected: at least one server)");
      }
      for (InetSocketAddress server : servers) {
        Objects.requireNonNull(server, "server");
        if (server.isUnresolved()) {
          throw new IllegalArgumentException("server: " + server + " (expected: an IP address and port)");
        }
      }
      this.servers = List.of(servers);
      return this;
    }

    /**
     * Sets how long a server has to answer one query (over UDP, and again over TCP after a
     * truncated answer); default {@link #DEFAULT_TIMEOUT}. dnsjava checks its timeouts about once
     * a second, so a query may wait up to a second longer.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checkPositive(timeout, "timeout");
      return this;
    }

    /**
     * Sets the smallest interval between two refreshes of a good answer, whatever its TTL, before
     * the jitter; default {@link #DEFAULT_MIN_TTL}. Also the default backoff's largest delay.
     *
     * @throws NullPointerException if {@code minTtl} is null
     * @throws IllegalArgumentException if {@code minTtl} is not positive
     */
    public Builder minTtl(Duration minTtl) {
      this.minTtl = checkPositive(minTtl, "minTtl");
      return this;
    }

    /**
     * Sets the largest interval between two refreshes of a good answer, whatever its TTL; default
     * {@link #DEFAULT_MAX_TTL}. Checked against minTtl by {@link #build()}.
     *
     * @throws NullPointerException if {@code maxTtl} is null
     * @throws IllegalArgumentException if {@code maxTtl} is not positive
     */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = checkPositive(maxTtl, "maxTtl");
      return this;
    }

    /**
     * Sets the delays between retries after failures; default exponential from 1 second (or
     * minTtl if smaller) to minTtl, with {@link Backoff}'s default jitter.
     *
     * @throws NullPointerException if {@code backoff} is null
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets the scheduler that runs the refreshes, instead of the source's own thread; the source
     * never shuts it down. A refresh blocks one of its threads while it waits for its answers (at
     * most servers x 2 x timeout plus two seconds per step); refreshes of one source never overlap.
     *
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock of the source's status times; default the system's UTC clock. Tests pass a
     * fixed one.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the randomness of the refresh and retry jitter; default {@link ThreadLocalRandom}.
     * Tests pass a seeded or fixed one.
     *
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Returns the source; nothing starts until a balancer subscribes.
     *
     * @throws IllegalStateException if maxTtl is less than minTtl
     */
    public DnsEndpointSource build() {
      if (maxTtl.compareTo(minTtl) < 0) {
        throw new IllegalStateException("maxTtl: " + maxTtl + " (expected: at least minTtl " + minTtl + ")");
      }
      return new DnsEndpointSource(this);
    }

    private static Duration checkPositive(Duration duration, String option) {
      Objects.requireNonNull(duration, option);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(option + ": " + duration + " (expected: a positive duration)");
      }
      return duration;
    }
  }
}
