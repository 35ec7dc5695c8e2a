package dev.roundabout.lb.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.RegistrySource;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the instances of one service registered with Apache Curator's service discovery
 * ({@code curator-x-discovery}): each instance becomes an endpoint, and every change in ZooKeeper
 * reaches the load balancers that use the source as a new complete list. Thread-safe; its work runs
 * on one thread of its own, started with the first balancer and ended with the last.
 *
 * <pre>{@code
 * CuratorFramework curator = ...;                              // started; stays yours to close
 * ZooKeeperEndpointSource source = ZooKeeperEndpointSource.builder(curator, "orders")
 *     .basePath("/services")                                   // as given to ServiceDiscoveryBuilder
 *     .build();
 * LoadBalancer lb = LoadBalancer.builder("orders").source(source).build();
 * }</pre>
 *
 * <p>What it reads: the children of {@code <basePath>/<service>} (under the client's namespace, if
 * it has one), which {@code ServiceDiscovery.registerService} creates as ephemeral nodes holding
 * {@code JsonInstanceSerializer}'s JSON. An enabled instance becomes an endpoint of its address
 * and its port (its {@code sslPort} with {@link Builder#useSslPort}), with the weight and zone of
 * its {@link InstanceDetails} payload, or weight 1 and no zone without one. See
 * {@link InstanceDetails} for the JSON, and for the instances that are left out (and logged).
 * The source only reads: read permission on the path is enough.
 *
 * <p>The rules of {@link RegistrySource}, for ZooKeeper:
 *
 * <ul>
 *   <li>Complete lists: every list is every usable instance the service has, sorted by address,
 *       and those that left it less than the {@linkplain Builder#removalDelay removal delay} ago
 *       (1 s by default: Curator's service discovery deletes and re-creates its instances' nodes
 *       whenever its client reconnects). An instance that is unregistered, or whose registrant's
 *       session ends (its ephemeral node goes with it), leaves the list once that delay is over and
 *       is drained. Of two instances with one address (a process that restarted before its earlier
 *       session expired), the later registration counts.
 *   <li>The pool empties only when ZooKeeper says the service has no instance, and has said so for
 *       the removal delay: its path has no child, or does not exist (nobody has registered yet, or
 *       the path was removed), or every instance is disabled. An empty first list, too, comes only
 *       after the service has had no instance for the removal delay. Instances that cannot be used are left out;
 *       when a service has instances and none can be used, the source is stale and keeps its last
 *       list.
 *   <li>ZooKeeper unreachable: when the client's connection is {@code SUSPENDED} or {@code LOST},
 *       or a read fails, the source is stale and keeps its last list. When the client is connected
 *       again ({@code RECONNECTED}, or a new session after {@code LOST}), Curator's cache reads the
 *       service again and the source lists its children; the first list on which the two agree is
 *       delivered, and the source is current. Failed operations are retried by the client's own
 *       {@code RetryPolicy} (the one its {@code CuratorFramework} was built with) and its connection
 *       by the ZooKeeper client; a listing that failed or disagreed with the cache is tried again
 *       after a backoff (200 ms, doubling to 30 s, with jitter) or at the cache's next change.
 *   <li>Threads: the first balancer starts one daemon thread, {@code roundabout-zookeeper-<service>},
 *       on which the cache's events, the connection's changes and every delivery run. Closing the
 *       last balancer closes the cache (and its ZooKeeper watch) and ends the thread; the close
 *       waits for it (up to 10 seconds) unless it runs on it. The client is never closed.
 * </ul>
 *
 * <p>It follows the service with a {@code CuratorCache} on the instances' path rather than
 * Curator's {@code ServiceCache}: a {@code ServiceCache} creates the service's path when it starts
 * (a write, and a call that blocks while ZooKeeper is away), drops an instance it cannot read by
 * throwing from its listener, and has no point at which its view after a reconnection is known to
 * be complete. Both read the same nodes; the servers must be ZooKeeper 3.6 or later (the cache
 * uses a persistent recursive watch).
 */
public final class ZooKeeperEndpointSource extends RegistrySource {
  /** The default base path, {@value}. */
  public static final String DEFAULT_BASE_PATH = "/services";
  /** The default {@linkplain Builder#removalDelay removal delay}: 1 second. */
  public static final Duration DEFAULT_REMOVAL_DELAY = Duration.ofSeconds(1);
  /** The longest {@linkplain Builder#removalDelay removal delay}: 1 hour. */
  public static final Duration MAX_REMOVAL_DELAY = Duration.ofHours(1);

  private static final Logger logger = LoggerFactory.getLogger(ZooKeeperEndpointSource.class);
  private static final Backoff RELIST_BACKOFF = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(30));
  private static final long STOP_WAIT_SECONDS = 10;

  private final CuratorFramework curator;
  private final String service;
  /** The instances' parent, {@code <basePath>/<service>}, relative to the client's namespace. */
  private final String path;
  private final InstanceReader reader;
  private final RecentInstances recent;
  private final long removalDelayNanos;
  private final Executor onThread = this::runOnThread;
  private final ConnectionStateListener connectionListener = (client, state) -> onConnectionState(state);
  private final CuratorCacheListener cacheListener = new CuratorCacheListener() {
    @Override
    public void event(Type type, ChildData oldData, ChildData data) {
      if (type != Type.NODE_CREATED && isInstance(oldData.getPath())) { // changed or deleted
        Endpoint before = reader.endpointOf(oldData);
        if (before != null) {
          recent.seen(before, System.nanoTime()); // it was there until now
        }
      }
      onCacheChanged();
    }

    @Override
    public void initialized() {
      onCacheChanged();
    }
  };

  // Written by start(), read by stop(); RegistrySource calls each once, start first.
  private volatile @Nullable ScheduledThreadPoolExecutor executor;
  private volatile @Nullable Thread thread;
  private volatile @Nullable CuratorCache cache;

  // Confined to the source's thread.
  /** The cache held what ZooKeeper listed last, and nothing failed since: changes deliver at once. */
  private boolean inSync;
  private boolean listing;
  private boolean listAgain;
  private boolean flushQueued;
  private int relistFailures;
  private @Nullable ScheduledFuture<?> relist;
  /** The next delivery that a removal delay ending calls for. */
  private @Nullable ScheduledFuture<?> removal;
  /** Whether a list was delivered yet. */
  private boolean delivered;
  /** Since when (System.nanoTime) the service has looked empty before any list, or -1. */
  private long emptyBeforeFirstSince = -1;

  private ZooKeeperEndpointSource(Builder builder, String path, String description) {
    super(description);
    this.curator = builder.curator;
    this.service = builder.service;
    this.path = path;
    this.reader = new InstanceReader(description, builder.useSslPort);
    this.recent = new RecentInstances(builder.removalDelay.toNanos());
    this.removalDelayNanos = builder.removalDelay.toNanos();
  }

  /**
   * Returns a builder for a source that follows {@code service}'s instances through
   * {@code curator}, a started client that the source uses and never closes.
   *
   * @param service the name the instances are registered under, a ZooKeeper node name
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is blank or not a ZooKeeper node name
   */
  public static Builder builder(CuratorFramework curator, String service) {
    requireNonNull(curator, "curator");
    return new Builder(curator, ZooKeeperNames.checkService(service));
  }

  @Override
  protected void start() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, "roundabout-zookeeper-" + service);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    e.setRemoveOnCancelPolicy(true);
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor = e;
    CuratorCache c = CuratorCache.builder(curator, path)
        .withExceptionHandler(error -> runOnThread(() -> onCacheError(error)))
        .build();
    c.listenable().addListener(cacheListener, onThread);
    cache = c;
    curator.getConnectionStateListenable().addListener(connectionListener, onThread);
    runOnThread(() -> {
      logger.debug("Endpoint source {} starts following {}", description(), path);
      c.start();
      list();
    });
  }

  @Override
  protected void stop() {
    curator.getConnectionStateListenable().removeListener(connectionListener);
    ScheduledThreadPoolExecutor e = executor;
    CuratorCache c = cache;
    if (e == null || c == null) {
      return;
    }
    if (Thread.currentThread() == thread) { // a close from a listener that the source called
      c.close();
      e.shutdown();
      return;
    }
    try {
      e.execute(c::close); // after the task that started it
    } catch (RejectedExecutionException alreadyShutDown) {
      c.close();
    }
    e.shutdown();
    try {
      if (!e.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        logger.warn("Endpoint source {}: its thread did not end within {} s; interrupting it", description(), STOP_WAIT_SECONDS);
        e.shutdownNow();
      }
    } catch (InterruptedException interrupted) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code task} on the source's thread; nothing once the source has stopped. */
  private void runOnThread(Runnable task) {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      return;
    }
    try {
      e.execute(() -> runGuarded(task));
    } catch (RejectedExecutionException stopped) {
      // stop() has run: nothing is left to do
    }
  }

  private void runGuarded(Runnable task) {
    if (isStopped()) {
      return;
    }
    try {
      task.run();
    } catch (RuntimeException e) {
      logger.warn("Endpoint source {} failed to handle a ZooKeeper event", description(), e);
    }
  }

  private void onCacheChanged() {
    if (!inSync) {
      list();
    } else if (!flushQueued) {
      flushQueued = true; // a burst of changes makes one list
      runOnThread(this::flush);
    }
  }

  private void flush() {
    flushQueued = false;
    if (inSync) {
      deliverCached();
    }
  }

  private void onConnectionState(ConnectionState state) {
    switch (state) {
      case SUSPENDED -> {
        inSync = false;
        failed("connection to ZooKeeper " + connectString() + " suspended");
      }
      case LOST -> {
        inSync = false;
        failed("ZooKeeper session lost (" + connectString() + ")");
      }
      case CONNECTED, RECONNECTED, READ_ONLY -> {
        inSync = false;
        list();
      }
    }
  }

  private void onCacheError(Exception error) {
    logger.debug("Endpoint source {}: reading {} failed", description(), path, error);
    inSync = false;
    failed("reading " + path + " failed: " + error);
    scheduleRelist();
  }

  /** Asks ZooKeeper for the instances' names, to learn whether the cache holds them all. */
  private void list() {
    if (listing) {
      listAgain = true;
      return;
    }
    cancelRelist();
    listing = true;
    listAgain = false;
    try {
      curator.getChildren()
          .inBackground((client, event) -> onListed(event.getResultCode(), event.getChildren()), onThread)
          .forPath(path);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      listing = false;
      failed("listing " + path + " failed: " + e);
      scheduleRelist();
    }
  }

  private void onListed(int resultCode, @Nullable List<String> children) {
    listing = false;
    Set<String> listed;
    if (resultCode == KeeperException.Code.OK.intValue()) {
      listed = children == null ? Set.of() : new HashSet<>(children);
    } else if (resultCode == KeeperException.Code.NONODE.intValue()) {
      listed = Set.of(); // the service's path does not exist: no instance, authoritatively
    } else {
      failed("listing " + path + " failed: " + KeeperException.Code.get(resultCode));
      scheduleRelist();
      return;
    }
    CuratorCache c = cache;
    if (c != null && listed.equals(cachedNames(c))) {
      inSync = true;
      relistFailures = 0;
      cancelRelist();
      deliverCached();
    } else if (listAgain) {
      list(); // the cache moved meanwhile
    } else {
      scheduleRelist(); // the cache is still reading; its next change lists again too
    }
  }

  private void deliverCached() {
    CuratorCache c = cache;
    if (c == null) {
      return;
    }
    InstanceReader.Reading reading = reader.read(instanceNodes(c));
    if (reading.endpoints().isEmpty() && reading.unusable() > 0) {
      failed("none of the " + reading.unusable() + " instances under " + path + " can be used ("
          + reading.firstProblem() + ")");
      return;
    }
    long now = System.nanoTime();
    RecentInstances.Merged merged = recent.merge(reading.endpoints(), now);
    if (!delivered && merged.endpoints().isEmpty() && removalDelayNanos > 0) {
      // An empty first list waits for the removal delay too: a registrant re-creating its node (as
      // Curator's discovery does on each connection) must not make the first list empty.
      if (emptyBeforeFirstSince < 0) {
        emptyBeforeFirstSince = now;
      }
      long left = removalDelayNanos - (now - emptyBeforeFirstSince);
      if (left > 0) {
        scheduleRemoval(left);
        return;
      }
    }
    emptyBeforeFirstSince = -1;
    delivered = true;
    deliver(merged.endpoints());
    scheduleRemoval(merged.nanosToNextRemoval());
  }

  /** Delivers again when the first kept instance's removal delay ends. */
  private void scheduleRemoval(long nanos) {
    ScheduledFuture<?> r = removal;
    if (r != null) {
      r.cancel(false);
      removal = null;
    }
    ScheduledThreadPoolExecutor e = executor;
    if (nanos == Long.MAX_VALUE || e == null) {
      return;
    }
    try {
      removal = e.schedule(() -> runGuarded(() -> {
        removal = null;
        if (inSync) {
          deliverCached();
        }
      }), nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      // stop() has run
    }
  }

  private void scheduleRelist() {
    ScheduledThreadPoolExecutor e = executor;
    if (relist != null || e == null) {
      return;
    }
    relistFailures = Math.min(relistFailures + 1, 64);
    long delay = RELIST_BACKOFF.delayNanos(relistFailures, ThreadLocalRandom.current());
    try {
      relist = e.schedule(() -> runGuarded(() -> {
        relist = null;
        if (!inSync) {
          list();
        }
      }), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      // stop() has run
    }
  }

  private void cancelRelist() {
    ScheduledFuture<?> r = relist;
    if (r != null) {
      r.cancel(false);
      relist = null;
    }
  }

  private List<ChildData> instanceNodes(CuratorCache c) {
    return c.stream().filter(node -> isInstance(node.getPath())).collect(Collectors.toList());
  }

  private Set<String> cachedNames(CuratorCache c) {
    return c.stream()
        .map(ChildData::getPath)
        .filter(this::isInstance)
        .map(ZKPaths::getNodeFromPath)
        .collect(Collectors.toSet());
  }

  private boolean isInstance(String nodePath) {
    return nodePath.length() > path.length() + 1
        && nodePath.startsWith(path)
        && nodePath.charAt(path.length()) == '/'
        && nodePath.indexOf('/', path.length() + 1) < 0;
  }

  private String connectString() {
    return curator.getZookeeperClient().getCurrentConnectionString();
  }

  /**
   * Builds a {@link ZooKeeperEndpointSource}. Not thread-safe; each setter checks its argument at
   * once.
   */
  public static final class Builder {
    private final CuratorFramework curator;
    private final String service;
    private String basePath = DEFAULT_BASE_PATH;
    private boolean useSslPort;
    private Duration removalDelay = DEFAULT_REMOVAL_DELAY;

    private Builder(CuratorFramework curator, String service) {
      this.curator = curator;
      this.service = service;
    }

    /**
     * Sets the path under which services register, as given to Curator's
     * {@code ServiceDiscoveryBuilder.basePath}; default {@value #DEFAULT_BASE_PATH}. Relative to the
     * client's namespace, if it has one.
     *
     * @param basePath a ZooKeeper path: {@code /} or {@code /}-separated node names, such as
     *     {@code /services} or {@code /discovery/prod}
     * @throws NullPointerException if {@code basePath} is null
     * @throws IllegalArgumentException if {@code basePath} is not such a path
     */
    public Builder basePath(String basePath) {
      this.basePath = ZooKeeperNames.checkBasePath(basePath);
      return this;
    }

    /**
     * Whether endpoints take each instance's {@code sslPort} instead of its {@code port}; default
     * false. Instances without a port of the kind asked for are left out (and logged).
     */
    public Builder useSslPort(boolean useSslPort) {
      this.useSslPort = useSslPort;
      return this;
    }

    /**
     * Sets how long an instance that leaves the service stays in the lists, so that it is drained
     * only once it has been gone that long; default {@link #DEFAULT_REMOVAL_DELAY 1 second}, zero
     * for none. Curator's service discovery deletes and re-creates the node of every instance it
     * registered each time its client reconnects; without a delay, a balancer would drain those
     * backends and add them again, and a service of one instance would have none for a moment.
     *
     * @param removalDelay 0 to {@link #MAX_REMOVAL_DELAY 1 hour}
     * @throws NullPointerException if {@code removalDelay} is null
     * @throws IllegalArgumentException if it is negative or longer than an hour
     */
    public Builder removalDelay(Duration removalDelay) {
      requireNonNull(removalDelay, "removalDelay");
      if (removalDelay.isNegative() || removalDelay.compareTo(MAX_REMOVAL_DELAY) > 0) {
        throw new IllegalArgumentException("removalDelay: " + removalDelay + " (expected: 0-" + MAX_REMOVAL_DELAY + ")");
      }
      this.removalDelay = removalDelay;
      return this;
    }

    /**
     * Returns the source. Starts nothing: the first balancer that subscribes starts it.
     *
     * @throws IllegalArgumentException if the client is not started (or is closed)
     */
    public ZooKeeperEndpointSource build() {
      CuratorFrameworkState state = curator.getState();
      if (state != CuratorFrameworkState.STARTED) {
        throw new IllegalArgumentException("curator: " + state + " (expected: a started CuratorFramework)");
      }
      String path = ZKPaths.makePath(basePath, service);
      String namespace = curator.getNamespace();
      String inZooKeeper = namespace == null || namespace.isEmpty() ? path : ZKPaths.makePath(namespace, path);
      return new ZooKeeperEndpointSource(this, path, "zookeeper:" + inZooKeeper);
    }
  }
}
