package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.HedgingPolicy;
import dev.roundabout.lb.HedgingStats;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.RetryRules;
import dev.roundabout.lb.RetryRules.Next;
import dev.roundabout.lb.RetryRules.Outcome;
import dev.roundabout.lb.Ticker;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp application interceptor that balances calls to logical hosts: a request to
 * {@code http(s)://orders/...} goes to the endpoint the {@code orders} load balancer picks. The
 * request keeps its URL as it is; the attempt's DNS resolves the logical host to the endpoint's
 * address, and the attempt's sockets connect to the endpoint's port. So TLS verifies the server's
 * certificate against the logical name and sends it as SNI, the {@code Host} header, certificate
 * pins and cookies apply to the logical name, and OkHttp's pool keeps each endpoint's connections
 * apart and reuses them. Hosts that are not registered pass through untouched. (HTTP proxies
 * resolve names themselves: do not route balanced hosts through one.)
 *
 * <pre>{@code
 * LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder()
 *     .service("orders", ordersLb)
 *     .build();
 * OkHttpClient client = new OkHttpClient.Builder().addInterceptor(lbi).build();
 * }</pre>
 *
 * <p><b>Redirects</b>, which OkHttp follows below this interceptor, go where their URL says: a
 * redirect within the logical host stays on the attempt's endpoint; one to another registered
 * service goes to an endpoint its balancer picks (its routes are asked for {@code GET /}; that
 * hop holds no lease); any other name resolves through the client's own DNS, with OkHttp's own
 * {@code Host} header. When a redirect's target fails, the endpoint that answered with the
 * redirect is not blamed and the call is not retried.
 *
 * <p>Every attempt holds a {@link Lease}: an {@code IOException} at the endpoint (refused, reset,
 * timeout) or a response the {@link ResponseClassifier} calls a failure counts against the
 * endpoint, anything else for it, with the latency to the response headers; the lease is released
 * when the response body is closed, or at once when the attempt fails. An endpoint that could not
 * be reached or dropped the connection before any byte of an answer is reported with
 * {@link Lease#unreachable}, which panic takes into account. A call the caller cancels or
 * interrupts counts neither way. An answer's {@link EndpointLoadMetrics} header (the server's own
 * load report) is attached to the lease. The attempt's request carries its {@link Endpoint} as a tag, for
 * interceptors after this one. What happened to an attempt is decided from what its DNS and
 * sockets saw and from exception types, never from the text of a message. Only
 * {@code IOException}s leave the interceptor: no endpoint available is a
 * {@link NoAvailableEndpointIOException}; an exception of a classifier, an affinity key or a route
 * is wrapped in an {@code IOException}.
 *
 * <p><b>Retries</b> go to a different endpoint, up to {@link Builder#maxAttempts} attempts, when
 * it is safe. When nothing of the request reached the endpoint (its address could not be resolved
 * or no connection to it could be made, before any of the body was written), the attempt is
 * <em>requeued</em> on another endpoint, for any method, and a requeue costs the
 * {@link RetryBudget} nothing: it added no load to any server. Any other failure (a failing
 * response, a reset, a timeout) is retried only for idempotent methods (GET, HEAD, OPTIONS, PUT,
 * DELETE) whose body can be sent again (never a one-shot or duplex body), and every such retry
 * spends from the budget, so that in an outage retries cannot multiply the load; with no other
 * endpoint to go to, there is no retry. Discarded responses are closed. When the attempts,
 * endpoints or budget run out on a failing response, that response is returned as it is; on an
 * exception, it is thrown with the earlier failures added as suppressed. A cancelled call is never
 * retried.
 *
 * <p><b>Hedging</b>, when {@link Builder#hedging} turns it on: a call that may be sent twice whose
 * first attempt has not answered after the policy's delay gets one more attempt on a different
 * endpoint, within the hedging budget and the retry budget; the first success wins and the other
 * attempt is abandoned with no outcome. {@link #hedgingStats()} counts hedges sent, won and refused.
 *
 * <p>Thread-safe; one interceptor may serve any number of clients and calls, including
 * {@code enqueue()} calls. It keeps nothing per endpoint: what an attempt needs lives as long as
 * the attempt and the connections it opened.
 */
public final class LoadBalancingInterceptor implements Interceptor {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");

  private final Map<String, Routes> services;
  private final ResponseClassifier classifier;
  private final @Nullable AffinityKey affinityKey;
  private final int maxAttempts;
  private final RetryBudget budget;
  private final HostHeader hostHeader;
  private final Ticker ticker;
  private final @Nullable Hedges hedges;
  private final LoadReportReader loadReports = new LoadReportReader();
  private final InterceptorListener listener;

  private LoadBalancingInterceptor(Builder builder) {
    this.services = Map.copyOf(builder.services);
    this.classifier = builder.classifier;
    this.affinityKey = builder.affinityKey;
    this.maxAttempts = builder.maxAttempts;
    this.budget = builder.budget;
    this.hostHeader = builder.hostHeader;
    this.ticker = builder.ticker;
    this.listener = GuardedListener.of(builder.listener);
    HedgingPolicy hedging = builder.hedging;
    this.hedges = hedging == null ? null : new Hedges(hedging, services.keySet(),
        builder.hedgeTimer != null ? builder.hedgeTimer : HedgeTimer.daemon(),
        builder.hedgeExecutor != null ? builder.hedgeExecutor : Hedges.daemonThreads(), budget, ticker, listener);
  }

  /** A builder with no service. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    String service = request.url().host();
    Routes routes = services.get(service);
    if (routes == null) {
      return chain.proceed(request);
    }
    try {
      HedgedCall hedge = hedges == null ? null : hedges.takeHedge(chain.call());
      return hedge == null ? balance(chain, request, service, routes) : hedgeAttempt(chain, request, hedge);
    } catch (RuntimeException e) {
      throw new IOException("balancing a call to '" + service + "' failed: " + e, e);
    }
  }

  private Response balance(Chain chain, Request request, String service, Routes routes) throws IOException {
    LoadBalancer lb = routes.route(request);
    if (lb == null) {
      listener.onNoEndpoint(service);
      throw new NoAvailableEndpointIOException(
          service, new IllegalStateException("no route for " + request.method() + " " + request.url().encodedPath()));
    }
    PickContext context = contextOf(request);
    RequestBody body = request.body();
    WatchedBody watched = body == null ? null : new WatchedBody(body);
    Request base = watched == null ? request : request.newBuilder().method(request.method(), watched).build();
    budget.onRequest(ticker.read());
    HedgedCall hedged = hedges == null ? null : hedges.arm(chain.call(), service, lb, context, idempotent(request));
    List<IOException> earlier = new ArrayList<>();
    Lease lease = firstLease(lb, context, service);
    for (int attempt = 1; ; attempt++) {
      Endpoint endpoint = lease.endpoint();
      listener.onAttempt(service, endpoint, attempt);
      if (watched != null) {
        watched.reset();
      }
      EndpointRoute route = new EndpointRoute(service, endpoint, services, chain.getDns(), chain.getSocketFactory());
      Response response = null;
      IOException failure = null;
      long started = hedges == null ? 0 : hedges.now();
      try {
        Chain routed = chain.withDns(route.dns).withSocketFactory(route.sockets);
        Request rewritten = rewrite(base, endpoint);
        EndpointRoute.Attempt<Response> proceed = () -> routed.proceed(rewritten);
        response = hedged != null && attempt == 1 ? hedged.runFirst(lease, route, proceed) : route.run(proceed);
      } catch (IOException e) {
        failure = e;
      } catch (Throwable t) { // a RuntimeException or Error, or an interruption OkHttp throws undeclared
        if (hedged != null && attempt == 1) {
          hedged.abandon();
        }
        lease.close();
        throw unchecked(t, earlier);
      }
      if (hedges != null && response != null) {
        hedges.answered(service, started);
      }
      if (hedged != null && attempt == 1 && hedged.firstEnded()) { // a hedge was sent: the first success wins
        Response first = response;
        IOException firstFailure = failure;
        WatchedBody firstBody = watched;
        return hedged.finish(lease, started, response, failure,
            () -> outcomeOf(chain, firstBody, route, first, firstFailure));
      }
      Outcome outcome = judged(chain, watched, route, lease, response, failure, service);
      Next next = RetryRules.next(outcome, idempotent(request) && !chain.call().isCanceled());
      if (next == Next.DONE) {
        return leased(requireNonNull(response), lease);
      }
      Lease another = next == Next.FINAL ? null : retryLease(lb, context.avoiding(endpoint), next, attempt, service);
      if (another == null) { // final: the failing response as it is (it holds its lease), or the exception
        if (response != null) {
          return leased(response, lease);
        }
        lease.close();
        throw withSuppressed(requireNonNull(failure), earlier);
      }
      if (response != null) {
        earlier.add(new IOException("HTTP " + response.code() + " from " + endpoint.address()));
        response.close();
      } else {
        earlier.add(requireNonNull(failure));
      }
      lease.close();
      context = context.avoiding(endpoint);
      lease = another;
    }
  }

  /**
   * The one attempt of a hedge, on the clone of its call that runs on a hedge thread: on the lease
   * taken for it, judged and reported as any attempt is, with no retry and no further hedge. Its
   * end is handed to the race through {@code hedge}.
   */
  private Response hedgeAttempt(Chain chain, Request request, HedgedCall hedge) throws IOException {
    Lease lease = hedge.hedgeLease();
    Endpoint endpoint = lease.endpoint();
    RequestBody body = request.body();
    WatchedBody watched = body == null ? null : new WatchedBody(body);
    Request base = watched == null ? request : request.newBuilder().method(request.method(), watched).build();
    EndpointRoute route = new EndpointRoute(hedge.service(), endpoint, services, chain.getDns(), chain.getSocketFactory());
    Response response = null;
    IOException failure = null;
    try {
      Chain routed = chain.withDns(route.dns).withSocketFactory(route.sockets);
      Request rewritten = rewrite(base, endpoint);
      response = route.run(() -> routed.proceed(rewritten));
    } catch (IOException e) {
      failure = e;
    } catch (Throwable t) {
      lease.close();
      throw unchecked(t, List.of());
    }
    Outcome outcome = judged(chain, watched, route, lease, response, failure, hedge.service());
    hedge.hedgeJudged(RetryRules.next(outcome, true));
    if (response != null) {
      return leased(response, lease);
    }
    lease.close();
    throw requireNonNull(failure);
  }

  /**
   * The outcome of an attempt ({@link #outcomeOf}), reported on its lease.
   *
   * @throws IOException if the response classifier throws (the response is closed, the lease too)
   */
  private Outcome judged(Chain chain, @Nullable WatchedBody watched, EndpointRoute route, Lease lease,
      @Nullable Response response, @Nullable IOException failure, String service) throws IOException {
    Outcome outcome;
    try {
      outcome = outcomeOf(chain, watched, route, response, failure);
    } catch (IOException classifierFailed) {
      lease.close();
      throw classifierFailed;
    }
    if (response != null) {
      loadReports.attach(lease, response, service); // the server's own load, for Pickers.reportedLoad()
    }
    RetryRules.report(lease, outcome, failure);
    return outcome;
  }

  /**
   * The one decision point of an attempt, as OkHttp separates {@code recover} from
   * {@code isRecoverable}: what happened, decided from the response's classification, from what
   * the attempt's DNS and sockets saw and from exception types, never from the text of a message.
   * {@link RetryRules} then says what the lease reports and what follows, for the interceptor and
   * for simulations alike.
   *
   * @throws IOException if the response classifier throws (the response is closed, the lease too)
   */
  private Outcome outcomeOf(Chain chain, @Nullable WatchedBody watched, EndpointRoute route,
      @Nullable Response response, @Nullable IOException failure) throws IOException {
    if (response != null) {
      boolean failed;
      try {
        failed = classifier.isFailure(response);
      } catch (RuntimeException e) {
        response.close();
        throw new ClassifierException("the response classifier failed on HTTP " + response.code() + ": " + e, e);
      }
      return failed ? Outcome.FAILED : Outcome.SUCCEEDED;
    }
    IOException e = requireNonNull(failure);
    if (chain.call().isCanceled() && !isCallTimeout(e)) {
      return Outcome.CANCELLED; // the caller gave up: says nothing of the endpoint
    }
    if (route.lastFailure() == EndpointRoute.Place.ELSEWHERE) {
      return Outcome.ELSEWHERE; // the endpoint answered (a redirect); its target failed
    }
    if (route.neverConnected() && (watched == null || !watched.started())) {
      return Outcome.NOTHING_SENT;
    }
    if (route.endpointSilent() && !(e instanceof InterruptedIOException)) {
      return Outcome.SILENT; // dropped before any answer; a timeout is a slow answer, not silence
    }
    return Outcome.FAILED;
  }

  /** A response classifier that threw: the call fails with it, and the lease is released. */
  private static final class ClassifierException extends IOException {
    private static final long serialVersionUID = 1L;

    ClassifierException(String message, RuntimeException cause) {
      super(message, cause);
    }
  }

  private Lease firstLease(LoadBalancer lb, PickContext context, String service) throws IOException {
    try {
      return lb.acquire(context);
    } catch (RuntimeException e) { // no available endpoint, or a closed balancer
      listener.onNoEndpoint(service);
      throw new NoAvailableEndpointIOException(service, e);
    }
  }

  /**
   * A lease for another attempt on another endpoint than those {@code context} avoids, if there is
   * one and {@link RetryRules#mayTryAgain} allows it (a retry spends from the budget, a requeue
   * does not); null otherwise.
   */
  private @Nullable Lease retryLease(LoadBalancer lb, PickContext context, Next next, int attempt, String service) {
    Lease lease;
    try {
      lease = lb.acquire(context);
    } catch (RuntimeException e) {
      return null;
    }
    boolean elsewhere = !context.avoids(lease.endpoint());
    if (!elsewhere || !RetryRules.mayTryAgain(next, attempt, maxAttempts, budget, ticker.read())) {
      lease.close(); // only endpoints already tried are left, or no attempt left: no outcome to report
      if (elsewhere && next == Next.RETRY && attempt < maxAttempts) {
        listener.onRetryRefused(service); // another endpoint and attempt were there: the budget said no
      }
      return null;
    }
    listener.onRetry(service, next == Next.REQUEUE);
    return lease;
  }

  private PickContext contextOf(Request request) {
    PickContext tagged = request.tag(PickContext.class);
    if (tagged != null) {
      return tagged;
    }
    String key = affinityKey == null ? null : affinityKey.keyOf(request);
    return key == null ? PickContext.empty() : PickContext.ofKey(key);
  }

  private Request rewrite(Request request, Endpoint endpoint) {
    Request.Builder rewritten = request.newBuilder().tag(Endpoint.class, endpoint);
    if (hostHeader == HostHeader.BACKEND && request.header("Host") == null) {
      rewritten.header("Host", endpoint.address());
    }
    return rewritten.build();
  }

  static Response leased(Response response, Lease lease) {
    return response.newBuilder().body(new LeasedBody(response.body(), lease)).build();
  }

  /** OkHttp's call timeout (the whole call took too long), which also cancels the call. */
  private static boolean isCallTimeout(IOException e) {
    return e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException);
  }

  /** An idempotent request whose body can be sent again. */
  private static boolean idempotent(Request request) {
    RequestBody body = request.body();
    return IDEMPOTENT.contains(request.method()) && (body == null || (!body.isOneShot() && !body.isDuplex()));
  }

  private static IOException unchecked(Throwable t, List<IOException> earlier) {
    if (t instanceof Error error) {
      throw error;
    }
    IOException e;
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      e = new InterruptedIOException("interrupted");
      e.initCause(t);
    } else {
      e = new IOException("the call failed: " + t, t);
    }
    return withSuppressed(e, earlier);
  }

  private static IOException withSuppressed(IOException e, List<IOException> earlier) {
    for (IOException previous : earlier) {
      if (previous != e) {
        e.addSuppressed(previous);
      }
    }
    return e;
  }

  /** A request body that tells whether its writing began: then the request has reached a server. */
  private static final class WatchedBody extends RequestBody {
    private final RequestBody delegate;
    private volatile boolean started;

    WatchedBody(RequestBody delegate) {
      this.delegate = delegate;
    }

    void reset() {
      started = false;
    }

    boolean started() {
      return started;
    }

    @Override
    public @Nullable MediaType contentType() {
      return delegate.contentType();
    }

    @Override
    public long contentLength() throws IOException {
      return delegate.contentLength();
    }

    @Override
    public boolean isOneShot() {
      return delegate.isOneShot();
    }

    @Override
    public boolean isDuplex() {
      return delegate.isDuplex();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      started = true;
      delegate.writeTo(sink);
    }
  }

  /**
   * What hedging did so far, over every service: hedges sent, hedges that won, hedges a budget
   * refused. {@link HedgingStats#NONE} when hedging is off.
   */
  public HedgingStats hedgingStats() {
    Hedges h = hedges;
    return h == null ? HedgingStats.NONE : h.stats();
  }

  @Override
  public String toString() {
    return "LoadBalancingInterceptor" + services.keySet();
  }

  /** Builds a {@link LoadBalancingInterceptor}. Not thread-safe. */
  public static final class Builder {
    /** The default most attempts of one call: 3 (the first and two retries). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final Map<String, Routes> services = new LinkedHashMap<>();
    private ResponseClassifier classifier = ResponseClassifier.defaults();
    private @Nullable AffinityKey affinityKey;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private RetryBudget budget = RetryBudget.ofDefaults();
    private HostHeader hostHeader = HostHeader.LOGICAL;
    private Ticker ticker = Ticker.system();
    private @Nullable HedgingPolicy hedging;
    private @Nullable HedgeTimer hedgeTimer;
    private @Nullable Executor hedgeExecutor;
    private @Nullable InterceptorListener listener;

    private Builder() {}

    /**
     * Balances requests to the logical host {@code service} (case-insensitive, as in URLs) over
     * {@code lb}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code service} is blank or already registered
     */
    public Builder service(String service, LoadBalancer lb) {
      requireNonNull(lb, "lb");
      return service(service, Routes.to(lb));
    }

    /**
     * Balances requests to the logical host {@code service} over the pool its {@code routes}
     * choose per request.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code service} is blank or already registered
     */
    public Builder service(String service, Routes routes) {
      requireNonNull(service, "service");
      requireNonNull(routes, "routes");
      String host = service.trim().toLowerCase(Locale.ROOT);
      if (host.isEmpty() || !host.equals(service.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "service: \"" + service + "\" (expected: a host name, not blank, without spaces)");
      }
      HttpUrl url = HttpUrl.parse("http://" + host + "/");
      if (url == null || !url.host().equals(host)) {
        throw new IllegalArgumentException("service: \"" + service + "\" (expected: a host name)");
      }
      if (services.containsKey(host)) {
        throw new IllegalArgumentException("service: \"" + service + "\" (expected: each service once; already registered)");
      }
      services.put(host, routes);
      return this;
    }

    /** Sets how responses are judged; default {@link ResponseClassifier#defaults()}. */
    public Builder responseClassifier(ResponseClassifier classifier) {
      this.classifier = requireNonNull(classifier, "classifier");
      return this;
    }

    /** Takes each request's affinity key from {@code key}, such as {@code AffinityKey.header("X-User")}. */
    public Builder affinityKey(AffinityKey key) {
      this.affinityKey = requireNonNull(key, "key");
      return this;
    }

    /**
     * Sets the most attempts of one call, the first included; default
     * {@value #DEFAULT_MAX_ATTEMPTS}. 1 turns retries off.
     *
     * @throws IllegalArgumentException if {@code attempts} is below 1
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: 1 or more)");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Sets the retry budget; default {@link RetryBudget#ofDefaults()}. A budget serves one interceptor. */
    public Builder retryBudget(RetryBudget budget) {
      this.budget = requireNonNull(budget, "budget");
      return this;
    }

    /** Sets which {@code Host} header balanced requests carry; default {@link HostHeader#LOGICAL}. */
    public Builder hostHeader(HostHeader hostHeader) {
      this.hostHeader = requireNonNull(hostHeader, "hostHeader");
      return this;
    }

    /**
     * Sets the clock of the retry budget and of hedging's recent latencies; default
     * {@link Ticker#system()}. (A hedge's delay itself runs on real time.)
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Hedges calls by {@code policy}: a call that may be sent twice (GET, HEAD, OPTIONS, PUT or
     * DELETE, with no body or one that can be written again: never a one-shot or duplex body) and
     * whose first attempt has not answered after the policy's delay gets one more attempt, on a
     * different endpoint, if the hedging budget and the retry budget both allow it (a hedge spends
     * from the retry budget as a retry does). The first success is the call's answer; the other
     * attempt is abandoned, its lease closed with no outcome. See {@link HedgingPolicy} and
     * {@link dev.roundabout.lb.Hedger} for the rules, and {@link LoadBalancingInterceptor#hedgingStats()}
     * for the counts. Default: no hedging.
     *
     * <p>The hedge is a clone of the call, run on a hedge thread through the whole chain (so the
     * application interceptors before this one see it too), and its body is written while the
     * first attempt's may still be. When the hedge wins, the first attempt is stopped at once if
     * its thread waits on its own HTTP/1.1 connection or connects (its connection is closed);
     * otherwise (an HTTP/2 connection, which other calls share, or a DNS lookup) it runs to its
     * end, and the call returns the hedge's answer then.
     */
    public Builder hedging(HedgingPolicy policy) {
      this.hedging = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the executor that runs hedges; each hedge holds one of its threads for its attempt.
     * Default: daemon threads named {@code roundabout-hedge-<n>}, made as hedges need them and
     * ending after a second unused. A hedge the executor rejects is not sent.
     */
    public Builder hedgingExecutor(Executor executor) {
      this.hedgeExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the timer that starts hedges (tests drive their own); default {@link HedgeTimer#daemon()}. */
    Builder hedgeTimer(HedgeTimer timer) {
      this.hedgeTimer = requireNonNull(timer, "timer");
      return this;
    }

    /**
     * Sets the listener of attempts, retries, budget refusals and calls with no endpoint, such as
     * lb-micrometer's {@code InterceptorMetrics}; default none. Called on the calls' threads: see
     * {@link InterceptorListener}.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(InterceptorListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the interceptor.
     *
     * @throws IllegalStateException if no service is registered
     */
    public LoadBalancingInterceptor build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("no service (expected: service(name, lb) at least once)");
      }
      return new LoadBalancingInterceptor(this);
    }
  }
}
