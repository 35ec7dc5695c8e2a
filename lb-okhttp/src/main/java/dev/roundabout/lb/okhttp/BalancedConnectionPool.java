package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import org.jspecify.annotations.Nullable;

/**
 * Sizes OkHttp's {@link ConnectionPool} for a client whose calls a {@link LoadBalancingInterceptor}
 * spreads over many endpoints. What it builds is a plain {@code okhttp3.ConnectionPool} (a final
 * class): this class only works out its size. No instances; the {@link Builder} is not thread-safe,
 * the pool it builds is OkHttp's and is thread-safe.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(lbi)
 *     .connectionPool(BalancedConnectionPool.builder().balancers(orders, payments).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Why.</b> OkHttp keeps connections per address, and the interceptor makes each endpoint an
 * address of its own. OkHttp's default pool keeps at most 5 idle connections for the whole client,
 * whatever the number of addresses. Once more than 5 calls are in flight over all the endpoints
 * together, the pool closes the connections that calls give back beyond those 5, and the next calls
 * to those endpoints open new ones: a TCP (and TLS) handshake where a pooled connection would have
 * done, and closed sockets piling up in {@code TIME_WAIT}. The pool built here keeps
 *
 * <pre>
 * maxIdleConnections = ceil(endpoints × (100 + headroomPercent) / 100) × idleConnectionsPerEndpoint
 *                      + unbalancedIdleConnections
 * </pre>
 *
 * <p>idle connections, each for at most {@code keepAlive}. With the defaults, three endpoints give
 * {@code ceil(3 × 1.5) × 5 + 5 = 30}. Set {@code idleConnectionsPerEndpoint} to the most calls you
 * expect in flight to one endpoint at once: the client's peak concurrent calls to the service,
 * divided by its endpoints, with a margin for the picker's unevenness.
 *
 * <p><b>Endpoints change; the size does not.</b> OkHttp fixes a pool's size when it is created, and
 * the balancers' endpoint lists change afterwards. {@link Builder#balancers} counts the endpoints the
 * balancers have when {@link Builder#build()} runs, and {@link Builder#headroomPercent} adds room for
 * the pool to grow (50% by default); {@link Builder#endpoints(int)} takes the count yourself, and
 * should be the largest you expect. If the endpoints outgrow the size, nothing breaks: the client
 * opens connections more often than it needs to, as with OkHttp's default pool; build a new client
 * with a larger pool, or size for the largest deployment from the start. Connections to endpoints
 * that were removed stay in the pool, idle, until {@code keepAlive} ends or the limit is exceeded;
 * the pool then closes the longest idle first, which are theirs, not those of live endpoints.
 *
 * <p><b>What it costs.</b> The limit is on idle connections only: a call always gets a connection.
 * A pool sized too large keeps no more than the calls once needed: an endpoint has as many pooled
 * connections as calls were in flight to it at the busiest moment, and each one closes after
 * {@code keepAlive} without use. A pool sized too small is the defect this class exists for.
 *
 * <p><b>Shared by the whole client.</b> The limit covers every host the client calls, balanced or
 * not; {@link Builder#unbalancedIdleConnections} keeps room for the others (OkHttp's own 5 by
 * default). A balancer serving two logical hosts keeps two sets of connections (the logical host is
 * part of the address): list it once per host. OkHttp 5 offers no public per-address pool policy,
 * so one limit for the client is all there is. Clients made with {@code client.newBuilder()} share
 * the pool and its limit.
 *
 * <p><b>{@code enqueue()} calls</b> are also capped by OkHttp's {@code Dispatcher}: at most
 * {@code maxRequestsPerHost} (default 5) in flight per host of the request's URL, and that is the
 * logical host, shared by all its endpoints. A client that makes asynchronous calls to a balanced
 * service should raise it (and {@code maxRequests}, default 64) to the concurrency the pool is sized
 * for.
 */
public final class BalancedConnectionPool {
  /**
   * The default idle connections kept per endpoint: 5, what OkHttp keeps by default for a whole
   * client, and its dispatcher's default of asynchronous calls in flight per host. A balanced client
   * thus keeps for each endpoint what a plain client keeps for its one server.
   */
  public static final int DEFAULT_IDLE_CONNECTIONS_PER_ENDPOINT = 5;

  /** The default room for more endpoints than counted: 50 (percent). */
  public static final int DEFAULT_HEADROOM_PERCENT = 50;

  /** The default idle connections kept for hosts that are not balanced: 5, OkHttp's default. */
  public static final int DEFAULT_UNBALANCED_IDLE_CONNECTIONS = 5;

  /** The default time an unused connection is kept: 5 minutes, OkHttp's default. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

  /** The largest keep-alive accepted: 24 hours. */
  public static final Duration MAX_KEEP_ALIVE = Duration.ofHours(24);

  private BalancedConnectionPool() {}

  /** A builder with the defaults and no endpoints yet: call {@code balancers} or {@code endpoints}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link ConnectionPool} sized for balanced endpoints. Set the endpoints with either
   * {@link #balancers} or {@link #endpoints(int)}, not both. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable List<LoadBalancer> balancers;
    private int endpoints;
    private int idleConnectionsPerEndpoint = DEFAULT_IDLE_CONNECTIONS_PER_ENDPOINT;
    private int headroomPercent = DEFAULT_HEADROOM_PERCENT;
    private int unbalancedIdleConnections = DEFAULT_UNBALANCED_IDLE_CONNECTIONS;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;

    private Builder() {}

    /**
     * Sizes the pool for the endpoints these balancers have when {@link #build()} runs (read once
     * then; later changes do not resize the pool). A balancer without endpoints yet, such as one
     * whose source has not delivered its first list, counts as one endpoint; for such sources prefer
     * {@link #endpoints(int)}. A balancer listed twice counts twice, as it should when it serves two
     * logical hosts. Replaces balancers set before.
     *
     * @throws NullPointerException if {@code balancers} or one of them is null
     * @throws IllegalArgumentException if there is no balancer
     * @throws IllegalStateException if {@link #endpoints(int)} was set
     */
    public Builder balancers(LoadBalancer... balancers) {
      requireNonNull(balancers, "balancers");
      return balancers(Arrays.asList(balancers));
    }

    /**
     * Sizes the pool for the endpoints these balancers have when {@link #build()} runs; see
     * {@link #balancers(LoadBalancer...)}.
     *
     * @throws NullPointerException if {@code balancers} or one of them is null
     * @throws IllegalArgumentException if there is no balancer
     * @throws IllegalStateException if {@link #endpoints(int)} was set
     */
    public Builder balancers(Collection<LoadBalancer> balancers) {
      requireNonNull(balancers, "balancers");
      List<LoadBalancer> copy = new ArrayList<>(balancers.size());
      for (LoadBalancer lb : balancers) {
        copy.add(requireNonNull(lb, "balancers[" + copy.size() + "]"));
      }
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("balancers: [] (expected: at least one)");
      }
      if (endpoints != 0) {
        throw new IllegalStateException(
            "endpoints(" + endpoints + ") was already set (expected: balancers(...) or endpoints(n), not both)");
      }
      this.balancers = copy;
      return this;
    }

    /**
     * Sizes the pool for {@code endpoints} endpoints over all the balanced services of the client:
     * the largest count you expect (the headroom is added to it). Replaces a count set before.
     *
     * @throws IllegalArgumentException if {@code endpoints} is outside 1-100000
     * @throws IllegalStateException if {@link #balancers} were set
     */
    public Builder endpoints(int endpoints) {
      if (endpoints < 1 || endpoints > 100_000) {
        throw new IllegalArgumentException("endpoints: " + endpoints + " (expected: 1-100000)");
      }
      if (balancers != null) {
        throw new IllegalStateException(
            "balancers(...) were already set (expected: balancers(...) or endpoints(n), not both)");
      }
      this.endpoints = endpoints;
      return this;
    }

    /**
     * Sets the idle connections kept per endpoint; default
     * {@value BalancedConnectionPool#DEFAULT_IDLE_CONNECTIONS_PER_ENDPOINT}. The most calls in flight
     * to one endpoint at once is the right value.
     *
     * @throws IllegalArgumentException if {@code connections} is outside 1-1000
     */
    public Builder idleConnectionsPerEndpoint(int connections) {
      if (connections < 1 || connections > 1000) {
        throw new IllegalArgumentException("idleConnectionsPerEndpoint: " + connections + " (expected: 1-1000)");
      }
      this.idleConnectionsPerEndpoint = connections;
      return this;
    }

    /**
     * Sets the room for more endpoints than counted, in percent of the count; default
     * {@value BalancedConnectionPool#DEFAULT_HEADROOM_PERCENT}. 0 sizes for exactly the count; 100
     * for twice as many endpoints.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0-1000
     */
    public Builder headroomPercent(int percent) {
      if (percent < 0 || percent > 1000) {
        throw new IllegalArgumentException("headroomPercent: " + percent + " (expected: 0-1000)");
      }
      this.headroomPercent = percent;
      return this;
    }

    /**
     * Sets the idle connections kept for the hosts the client calls that are not balanced; default
     * {@value BalancedConnectionPool#DEFAULT_UNBALANCED_IDLE_CONNECTIONS}. 0 for a client that only
     * calls balanced services.
     *
     * @throws IllegalArgumentException if {@code connections} is outside 0-1000
     */
    public Builder unbalancedIdleConnections(int connections) {
      if (connections < 0 || connections > 1000) {
        throw new IllegalArgumentException("unbalancedIdleConnections: " + connections + " (expected: 0-1000)");
      }
      this.unbalancedIdleConnections = connections;
      return this;
    }

    /**
     * Sets how long an unused connection is kept before it is closed; default 5 minutes
     * ({@link BalancedConnectionPool#DEFAULT_KEEP_ALIVE}). Keep it below the servers' own idle
     * timeout, so that the client rarely picks a connection the server is closing.
     *
     * @throws IllegalArgumentException if {@code keepAlive} is not positive or is over 24 hours
     */
    public Builder keepAlive(Duration keepAlive) {
      requireNonNull(keepAlive, "keepAlive");
      if (keepAlive.isNegative() || keepAlive.isZero() || keepAlive.compareTo(MAX_KEEP_ALIVE) > 0) {
        throw new IllegalArgumentException("keepAlive: " + keepAlive + " (expected: more than PT0S, at most PT24H)");
      }
      this.keepAlive = keepAlive;
      return this;
    }

    /**
     * The most idle connections the pool will keep, worked out now (reading the balancers' current
     * endpoints): the figure {@link #build()} would use, for logs and tests.
     *
     * @throws IllegalStateException if neither {@link #balancers} nor {@link #endpoints(int)} was set
     */
    public int maxIdleConnections() {
      long counted = countEndpoints();
      long withHeadroom = (counted * (100 + headroomPercent) + 99) / 100;
      long total = withHeadroom * idleConnectionsPerEndpoint + unbalancedIdleConnections;
      return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * Builds the pool, reading the balancers' endpoints now. The pool keeps
     * {@link #maxIdleConnections()} idle connections for {@code keepAlive} each, and never resizes.
     *
     * @throws IllegalStateException if neither {@link #balancers} nor {@link #endpoints(int)} was set
     */
    public ConnectionPool build() {
      return new ConnectionPool(maxIdleConnections(), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
    }

    private long countEndpoints() {
      List<LoadBalancer> lbs = balancers;
      if (lbs == null) {
        if (endpoints == 0) {
          throw new IllegalStateException("no endpoints to size the pool for (expected: balancers(...) or endpoints(n))");
        }
        return endpoints;
      }
      long count = 0;
      for (LoadBalancer lb : lbs) {
        count += Math.max(1, lb.endpoints().size());
      }
      return count;
    }
  }
}
