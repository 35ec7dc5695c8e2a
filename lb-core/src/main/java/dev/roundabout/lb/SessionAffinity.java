package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Sticky sessions over a {@link LoadBalancer}: the first call of a session goes where the
 * balancer's picker sends it, and later calls of the same session go back to that endpoint for as
 * long as it is ready. When it is not (removed, draining, or ejected by health), the call goes
 * where the picker sends it now and the session is pinned there: it fails over, and stays on its
 * new endpoint when the old one returns.
 *
 * <pre>{@code
 * SessionAffinity sticky = SessionAffinity.builder(lb).idleTimeout(Duration.ofMinutes(30)).build();
 * try (Lease lease = sticky.acquire(sessionId)) {
 *   call(lease.endpoint());
 *   lease.success();
 * }
 * }</pre>
 *
 * <p><b>Prefer something else when you can.</b> Sticky sessions pin load where it first landed
 * (a busy session cannot be spread, a new endpoint gets no old sessions), tie a user's state to
 * one process that may die with it, and make deploys wait for sessions to drain. When the point is
 * cache locality (the same key on the same backend), a hash picker such as
 * {@link Pickers#ringHash()} or {@link Pickers#rendezvous()} gives it without any table: every
 * client computes the same placement, and it survives restarts of the client. When the point is
 * session state, keep it in a shared store (a database, a distributed cache) and let any backend
 * serve any call. Use this class when neither is possible: a backend that keeps state in memory
 * that cannot move.
 *
 * <p>The table of sessions is bounded ({@link Builder#maximumSessions}) and forgets a session
 * after a time without calls ({@link Builder#idleTimeout}), measured with the balancer's
 * {@link Ticker}. A session's first call is placed with {@code PickContext.ofKey(sessionKey)}, so
 * a hash picker places a session where it places that key. Unlike a plain pick, a call through
 * this class allocates (the table's bookkeeping).
 *
 * <p>Thread-safe. Two first calls of one session racing each other may go to different endpoints;
 * the session is then pinned to one of them, and every later call goes there. Table maintenance
 * runs on the calling threads: no thread is started.
 */
public final class SessionAffinity {
  /** The default {@link Builder#maximumSessions}: 100,000. */
  public static final long DEFAULT_MAXIMUM_SESSIONS = 100_000;

  /** The default {@link Builder#idleTimeout}: 30 minutes. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

  private final LoadBalancer lb;
  private final Cache<String, String> sessions; // session key -> host:port

  private SessionAffinity(Builder builder) {
    this.lb = builder.lb;
    Ticker ticker = lb.ticker();
    this.sessions =
        Caffeine.newBuilder()
            .maximumSize(builder.maximumSessions)
            .expireAfterAccess(builder.idleTimeout)
            .ticker(ticker::read)
            .executor(Runnable::run)
            .build();
  }

  /**
   * Returns a builder of sticky sessions over {@code lb}.
   *
   * @throws NullPointerException if {@code lb} is null
   */
  public static Builder builder(LoadBalancer lb) {
    return new Builder(checkNotNull(lb, "lb"));
  }

  /** The balancer this places sessions on. */
  public LoadBalancer loadBalancer() {
    return lb;
  }

  /**
   * The endpoint for a call of session {@code sessionKey}: its pinned endpoint while that is ready,
   * else the picker's choice, which becomes the session's endpoint.
   *
   * @throws NullPointerException if {@code sessionKey} is null
   * @throws NoAvailableEndpointException if no endpoint is available
   * @throws IllegalStateException if the balancer is closed
   */
  public Endpoint pick(String sessionKey) {
    checkNotNull(sessionKey, "sessionKey");
    String pinned = sessions.getIfPresent(sessionKey);
    @Nullable Endpoint endpoint = pinned == null ? null : lb.readyEndpoint(pinned);
    if (endpoint != null) {
      return endpoint;
    }
    Endpoint picked = lb.pick(PickContext.ofKey(sessionKey));
    pin(sessionKey, pinned, picked.address());
    return picked;
  }

  /**
   * Opens a {@link Lease} for a call of session {@code sessionKey} on the endpoint
   * {@link #pick(String)} would choose.
   *
   * @throws NullPointerException if {@code sessionKey} is null
   * @throws NoAvailableEndpointException if no endpoint is available
   * @throws IllegalStateException if the balancer is closed
   */
  public Lease acquire(String sessionKey) {
    checkNotNull(sessionKey, "sessionKey");
    String pinned = sessions.getIfPresent(sessionKey);
    @Nullable Lease lease = pinned == null ? null : lb.acquireIfReady(pinned);
    if (lease != null) {
      return lease;
    }
    Lease picked = lb.acquire(PickContext.ofKey(sessionKey));
    pin(sessionKey, pinned, picked.endpoint().address());
    return picked;
  }

  /**
   * The {@code host:port} session {@code sessionKey} is pinned to, ready or not, or null if the
   * session is unknown (never seen, forgotten or expired). Does not count as a call of the session.
   */
  public @Nullable String pinnedAddress(String sessionKey) {
    checkNotNull(sessionKey, "sessionKey");
    return sessions.policy().getIfPresentQuietly(sessionKey);
  }

  /** Forgets session {@code sessionKey}: its next call is placed like a first call. */
  public void forget(String sessionKey) {
    sessions.invalidate(checkNotNull(sessionKey, "sessionKey"));
  }

  /** The number of sessions in the table, after removing those expired or beyond the maximum. */
  public long sessions() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  @Override
  public String toString() {
    return "SessionAffinity{" + lb.name() + ", sessions=" + sessions.estimatedSize() + '}';
  }

  /** Pins the session to {@code address}, unless another call re-pinned it since it read {@code seen}. */
  private void pin(String sessionKey, @Nullable String seen, String address) {
    sessions.asMap().compute(sessionKey, (key, current) -> current == null || current.equals(seen) ? address : current);
  }

  /** Builds a {@link SessionAffinity}. Not thread-safe; each setter checks its argument at once. */
  public static final class Builder {
    private final LoadBalancer lb;
    private long maximumSessions = DEFAULT_MAXIMUM_SESSIONS;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private Builder(LoadBalancer lb) {
      this.lb = lb;
    }

    /**
     * Sets the most sessions the table holds; beyond it, the sessions least likely to be used
     * again are forgotten. Default {@value #DEFAULT_MAXIMUM_SESSIONS}.
     *
     * @throws IllegalArgumentException if {@code maximumSessions} is below 1
     */
    public Builder maximumSessions(long maximumSessions) {
      checkArgument(maximumSessions >= 1, "maximumSessions", maximumSessions, "1 or more");
      this.maximumSessions = maximumSessions;
      return this;
    }

    /**
     * Sets how long a session is kept without a call; default 30 minutes.
     *
     * @throws NullPointerException if {@code idleTimeout} is null
     * @throws IllegalArgumentException if {@code idleTimeout} is zero or negative
     */
    public Builder idleTimeout(Duration idleTimeout) {
      checkNotNull(idleTimeout, "idleTimeout");
      checkArgument(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout", idleTimeout, "a positive duration");
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** Builds the table; sessions start empty. */
    public SessionAffinity build() {
      return new SessionAffinity(this);
    }
  }
}
