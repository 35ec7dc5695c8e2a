package dev.roundabout.lb.kubernetes;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.RegistrySource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint source that follows the {@code discovery.k8s.io/v1} EndpointSlices of one Service
 * (those labelled {@value #SERVICE_NAME_LABEL}{@code =<service>} in its namespace) with a fabric8
 * informer, and delivers the endpoints that take calls on one port. Thread-safe; the informer's
 * callbacks run on the client's executor, and the source starts one thread of its own.
 *
 * <pre>{@code
 * KubernetesEndpointSource source = KubernetesEndpointSource.builder(client, "shop", "orders")
 *     .port("http")
 *     .build();
 * LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
 * }</pre>
 *
 * <p>The informer's callbacks run on the client's executor, one at a time; the source's own
 * thread, {@code roundabout-kubernetes-<namespace>/<service>}, checks the watch and starts a new
 * informer after a failure. {@link #stop()} (closing the last balancer) stops the informer and ends
 * that thread. The client is the
 * application's: the source never closes it.
 *
 * <p>The rules, on top of those of every {@link RegistrySource}:
 *
 * <ul>
 *   <li><b>One endpoint per address.</b> Each address of each endpoint of each slice that lists
 *       the chosen port over TCP is one endpoint ({@code IPv4}, {@code IPv6} or {@code FQDN}
 *       slices alike), with the endpoint's {@code zone} as its {@linkplain
 *       Endpoint#zone() zone} and, as metadata, its pod ({@value #METADATA_POD}),
 *       node ({@value #METADATA_NODE}) and the zones it is hinted for ({@value #METADATA_FOR_ZONES},
 *       comma-separated). The slices of the Service are merged into one complete list; an address
 *       that several slices list counts once. An address that is no IP address or host name is
 *       skipped and logged.
 *   <li><b>Conditions.</b> An endpoint takes calls when {@code ready} is true or absent (and it is
 *       neither {@code terminating} nor not {@code serving}). One that is {@code serving} and
 *       {@code terminating} (its pod got SIGTERM) leaves the list: the balancer drains it, letting
 *       calls in flight finish and sending nothing new. One that is not {@code serving} leaves the
 *       list too.
 *   <li><b>When the pool empties.</b> The informer's initial list is the first list. A list or a
 *       watch event after which the Service has no slice, or no endpoint that takes calls on the
 *       chosen port, is an authoritative answer: the empty list is delivered. Note that a
 *       Service that does not exist looks the same (no slice), so a misspelt service name gives
 *       an empty pool, with one warning in the log.
 *   <li><b>Stale.</b> The last list is kept, and the source is {@linkplain #status() stale}, while
 *       the API server cannot be listed or watched: when a list or watch fails (the reason is the
 *       error) and when the informer has had no watch for {@linkplain Builder#staleAfter
 *       staleAfter} (fabric8 reconnects a dropped watch until then). The source then stops the
 *       informer (it tells fabric8's informer not to retry) and starts a new one, with a new list,
 *       after its {@linkplain Builder#backoff backoff} (exponential, with jitter), for every
 *       failure, forbidden and not-found answers included; a complete list resets the backoff. Each
 *       list is still one request with the client's own request retries. The next complete list
 *       makes the source current and applies the list.
 * </ul>
 */
public final class KubernetesEndpointSource extends RegistrySource {
  /** The label that ties an EndpointSlice to its Service, {@value}. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  /** The metadata key of the pod behind an endpoint (its {@code targetRef}), {@value}. */
  public static final String METADATA_POD = "kubernetes.pod";
  /** The metadata key of the node an endpoint runs on, {@value}. */
  public static final String METADATA_NODE = "kubernetes.node";
  /** The metadata key of the zones an endpoint is hinted for, comma-separated, {@value}. */
  public static final String METADATA_FOR_ZONES = "kubernetes.forZones";
  /** The default time without a watch before the source goes stale: 10 seconds. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(10);
  /** The default resync period: zero, no resync. */
  public static final Duration DEFAULT_RESYNC_PERIOD = Duration.ZERO;
  /** The shortest resync period fabric8 accepts: 1 second. */
  public static final Duration MIN_RESYNC_PERIOD = Duration.ofSeconds(1);
  /**
   * The default backoff before a new informer after a failure: from 1 second, doubling, to 30
   * seconds, with {@value Backoff#DEFAULT_JITTER} jitter.
   */
  public static final Backoff DEFAULT_BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private static final Logger logger = LoggerFactory.getLogger(KubernetesEndpointSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final SliceEndpoints mapper;
  private final long resyncMillis;
  private final Duration staleAfter;
  private final Backoff backoff;
  private final @Nullable RandomGenerator random;
  private final LongConsumer retryScheduled;
  // Guarded by its own lock, never held while calling the runs.
  private final Object lock = new Object();
  private @Nullable InformerRuns runs;

  private KubernetesEndpointSource(Builder builder, SliceEndpoints mapper) {
    super("kubernetes:" + builder.namespace + "/" + builder.service + ":" + mapper);
    this.client = builder.client;
    this.namespace = builder.namespace;
    this.service = builder.service;
    this.mapper = mapper;
    this.resyncMillis = builder.resyncPeriod.toMillis();
    this.staleAfter = builder.staleAfter;
    this.backoff = builder.backoff;
    this.random = builder.random;
    this.retryScheduled = builder.retryScheduled;
  }

  /**
   * Returns a builder for a source that follows the Service {@code service} in {@code namespace}
   * through {@code client}, which the application owns and closes (after the balancers).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code namespace} is no DNS-1123 label or {@code service}
   *     no DNS-1035 label (1-63 lower-case letters, digits and inner hyphens; a Service's name
   *     starts with a letter)
   */
  public static Builder builder(KubernetesClient client, String namespace, String service) {
    return new Builder(client, namespace, service);
  }

  /** The namespace of the Service. */
  public String namespace() {
    return namespace;
  }

  /** The name of the Service. */
  public String service() {
    return service;
  }

  @Override
  protected void start() {
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread named = new Thread(runnable, "roundabout-kubernetes-" + namespace + "/" + service);
      named.setDaemon(true);
      return named;
    });
    InformerRuns created = new InformerRuns(description(), thread, backoff, random, retryScheduled,
        runs -> follower(thread, runs));
    synchronized (lock) {
      if (isStopped()) {
        thread.shutdownNow();
        return;
      }
      runs = created;
    }
    created.start(); // a stop() meanwhile has stopped the runs: they start nothing
  }

  /** A run's follower with a new informer, or null (the source stale) if the client cannot make one. */
  private @Nullable SliceFollower follower(ScheduledExecutorService thread, InformerRuns runs) {
    SharedIndexInformer<EndpointSlice> informer;
    try {
      informer = client.discovery().v1().endpointSlices()
          .inNamespace(namespace)
          .withLabel(SERVICE_NAME_LABEL, service)
          .runnableInformer(resyncMillis);
    } catch (RuntimeException e) {
      logger.error("Endpoint source {}: the informer could not be created", description(), e);
      failed("the informer could not be created: " + SliceFollower.describe(e));
      return null;
    }
    return new SliceFollower(description(), informer, thread, mapper, staleAfter.toNanos(),
        String.valueOf(client.getMasterUrl()), new Reports(this), runs);
  }

  @Override
  protected void stop() {
    InformerRuns stopping;
    synchronized (lock) {
      stopping = runs;
      runs = null;
    }
    if (stopping != null) {
      stopping.stop();
    }
  }

  /** Whether an informer runs (a started source, not yet stopped); for tests. */
  boolean informerRunning() {
    InformerRuns current;
    synchronized (lock) {
      current = runs;
    }
    return current != null && current.informerRunning();
  }

  /** Whether the informer has a watch open on the API server; for tests. */
  boolean watching() {
    InformerRuns current;
    synchronized (lock) {
      current = runs;
    }
    return current != null && current.watching();
  }

  /**
   * The source's side of a {@link SliceFollower}: its deliveries and failures, which only the source
   * itself may call (they are protected in {@link RegistrySource}).
   */
  static final class Reports {
    private final KubernetesEndpointSource source;

    private Reports(KubernetesEndpointSource source) {
      this.source = source;
    }

    void deliver(List<Endpoint> endpoints) {
      source.deliver(endpoints);
    }

    void failed(String reason) {
      source.failed(reason);
    }
  }

  /**
   * Builds a {@link KubernetesEndpointSource}. Not thread-safe; each setter checks its argument at
   * once.
   */
  public static final class Builder {
    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private @Nullable SliceEndpoints port;
    private Duration resyncPeriod = DEFAULT_RESYNC_PERIOD;
    private Duration staleAfter = DEFAULT_STALE_AFTER;
    private Backoff backoff = DEFAULT_BACKOFF;
    private @Nullable RandomGenerator random;
    private LongConsumer retryScheduled = delayNanos -> {};

    private Builder(KubernetesClient client, String namespace, String service) {
      this.client = Objects.requireNonNull(client, "client");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(service, "service");
      check(KubernetesNames.isDns1123Label(namespace), "namespace", quote(namespace), "a Kubernetes name");
      check(KubernetesNames.isDns1035Label(service), "service", quote(service), "a DNS-1035 label");
      this.namespace = namespace;
      this.service = service;
    }

    /**
     * Chooses the port by its name in the Service (and so in its EndpointSlices), such as
     * {@code "http"}. Either this or {@link #port(int)} is required, once.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is no DNS-1123 label
     * @throws IllegalStateException if a port was chosen already
     */
    public Builder port(String name) {
      Objects.requireNonNull(name, "port");
      check(KubernetesNames.isDns1123Label(name), "port", quote(name), "a port name, a DNS-1123 label");
      return choose(SliceEndpoints.portNamed(name));
    }

    /**
     * Chooses the port by its number as the EndpointSlices list it: the pods' port (the Service's
     * {@code targetPort}), not the Service's own. Either this or {@link #port(String)} is required,
     * once.
     *
     * @param number 1-65535
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if a port was chosen already
     */
    public Builder port(int number) {
      check(number >= 1 && number <= 65_535, "port", number, "1-65535");
      return choose(SliceEndpoints.portNumbered(number));
    }

    private Builder choose(SliceEndpoints chosen) {
      if (port != null) {
        throw new IllegalStateException("port: chosen already as " + port + " (expected: one port, by name or by number)");
      }
      port = chosen;
      return this;
    }

    /**
     * Sets how often the informer replays its cache (fabric8's resync); default
     * {@link #DEFAULT_RESYNC_PERIOD} (none). The list is rebuilt from the whole cache at every
     * change, so a resync only re-checks it.
     *
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is neither zero nor at least
     *     {@link #MIN_RESYNC_PERIOD}
     */
    public Builder resyncPeriod(Duration period) {
      Objects.requireNonNull(period, "resyncPeriod");
      check(period.isZero() || period.compareTo(MIN_RESYNC_PERIOD) >= 0, "resyncPeriod", period,
          "zero (no resync) or at least " + MIN_RESYNC_PERIOD);
      this.resyncPeriod = period;
      return this;
    }

    /**
     * Sets how long the informer may be without a watch on the API server (reconnecting) before
     * the source goes stale; default {@link #DEFAULT_STALE_AFTER}. fabric8 ends and restarts every
     * watch every 5-10 minutes, which takes about its reconnect interval (1 s by default): keep this
     * well above that.
     *
     * @throws NullPointerException if {@code staleAfter} is null
     * @throws IllegalArgumentException if {@code staleAfter} is not positive
     */
    public Builder staleAfter(Duration staleAfter) {
      Objects.requireNonNull(staleAfter, "staleAfter");
      check(!staleAfter.isNegative() && !staleAfter.isZero(), "staleAfter", staleAfter, "a positive duration");
      this.staleAfter = staleAfter;
      return this;
    }

    /**
     * Sets the backoff before a new informer, and a new list, after a failed list or watch or a
     * watch missing for {@link #staleAfter}; default {@link #DEFAULT_BACKOFF} (1 s doubling to 30
     * s, {@value Backoff#DEFAULT_JITTER} jitter). The failure count resets after a complete list.
     *
     * @throws NullPointerException if {@code backoff} is null
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets the random numbers of the backoff's jitter; default {@link
     * java.util.concurrent.ThreadLocalRandom}. The source draws from it one number at a time, under
     * its lock, so a generator that is not thread-safe (a seeded {@link java.util.SplittableRandom}
     * in a test) will do.
     *
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Hears each backoff delay the source schedules, in nanoseconds, under its lock; for tests. */
    Builder retryScheduled(LongConsumer listener) {
      this.retryScheduled = Objects.requireNonNull(listener, "retryScheduled");
      return this;
    }

    /**
     * Returns the source; nothing is asked of the API server until a balancer subscribes.
     *
     * @throws IllegalStateException if no port was chosen
     */
    public KubernetesEndpointSource build() {
      SliceEndpoints chosen = port;
      if (chosen == null) {
        throw new IllegalStateException("port: none (expected: port(name) or port(number))");
      }
      return new KubernetesEndpointSource(this, chosen);
    }

    private static void check(boolean ok, String name, Object value, String expectation) {
      if (!ok) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: " + expectation + ")");
      }
    }

    private static String quote(String value) {
      return '"' + value + '"';
    }
  }
}
