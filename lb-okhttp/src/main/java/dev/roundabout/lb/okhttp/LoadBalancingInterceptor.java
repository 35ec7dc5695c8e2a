package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Ticker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp application interceptor that balances calls to logical hosts: a request to
 * {@code http(s)://orders/...} goes to the endpoint the {@code orders} load balancer picks, with
 * the scheme, path, query, headers and body kept and the host and port replaced. Hosts that are
 * not registered pass through untouched.
 *
 * <pre>{@code
 * LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder()
 *     .service("orders", ordersLb)
 *     .build();
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(lbi)
 *     .hostnameVerifier(lbi.hostnameVerifier())   // HTTPS to endpoints given as IP addresses
 *     .build();
 * }</pre>
 *
 * <p>Every attempt holds a {@link Lease}: an {@code IOException} (refused, reset, timeout) or a
 * response the {@link ResponseClassifier} calls a failure counts against the endpoint, anything
 * else for it, with the latency to the response headers; the lease is released when the response
 * body is closed, or at once when the attempt fails. Only {@code IOException}s leave the
 * interceptor: no endpoint available is a {@link NoAvailableEndpointIOException}.
 *
 * <p><b>Retries</b> go to a different endpoint, up to {@link Builder#maxAttempts} attempts, when
 * it is safe: a connection that could not be made (nothing was sent) for any method; any other
 * failure (a failing response, a reset, a timeout) only for idempotent methods (GET, HEAD,
 * OPTIONS, PUT, DELETE) whose body can be sent again (never a one-shot or duplex body). Every
 * retry spends from the {@link RetryBudget}, so that in an outage retries cannot multiply the
 * load. Discarded responses are closed. When the attempts or the budget run out on a failing
 * response, that response is returned as it is; on an exception, it is thrown with the earlier
 * failures added as suppressed. A cancelled call is never retried.
 *
 * <p><b>TLS</b>: OkHttp verifies a server's certificate against the host of the URL, which the
 * interceptor has replaced with the endpoint's address. {@link #hostnameVerifier()} verifies it
 * against the logical service name instead (never against the IP, never skipped): install it on
 * the client when endpoints are IP addresses. No SNI is sent to an IP address.
 *
 * <p>Thread-safe; one interceptor may serve any number of clients and calls, including
 * {@code enqueue()} calls.
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
  private final HostnameVerifier hostnameVerifier = this::verify;

  private LoadBalancingInterceptor(Builder builder) {
    this.services = Map.copyOf(builder.services);
    this.classifier = builder.classifier;
    this.affinityKey = builder.affinityKey;
    this.maxAttempts = builder.maxAttempts;
    this.budget = builder.budget;
    this.hostHeader = builder.hostHeader;
    this.ticker = builder.ticker;
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
    LoadBalancer lb = routes.route(request);
    if (lb == null) {
      throw new NoAvailableEndpointIOException(
          service, new IllegalStateException("no route for " + request.method() + " " + request.url().encodedPath()));
    }
    PickContext context = contextOf(request);
    budget.onRequest(ticker.read());
    List<IOException> earlier = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      Lease lease = acquire(lb, context, service, earlier);
      Endpoint endpoint = lease.endpoint();
      Response response;
      try {
        response = chain.proceed(rewrite(request, endpoint));
      } catch (IOException e) {
        lease.failure(e);
        lease.close();
        if (attempt < maxAttempts && canRetry(request, e, chain) && budget.tryRetry(ticker.read())) {
          earlier.add(e);
          context = context.avoiding(endpoint);
          continue;
        }
        throw withSuppressed(e, earlier);
      } catch (RuntimeException | Error e) {
        lease.failure(e);
        lease.close();
        throw e;
      }
      if (!classifier.isFailure(response)) {
        lease.success();
        return leased(response, lease);
      }
      lease.failure();
      if (attempt < maxAttempts && replayable(request) && !chain.call().isCanceled()
          && budget.tryRetry(ticker.read())) {
        earlier.add(new IOException("HTTP " + response.code() + " from " + endpoint.address()));
        response.close();
        lease.close();
        context = context.avoiding(endpoint);
        continue;
      }
      return leased(response, lease);
    }
  }

  private Lease acquire(LoadBalancer lb, PickContext context, String service, List<IOException> earlier)
      throws IOException {
    try {
      return lb.acquire(context);
    } catch (RuntimeException e) { // no available endpoint, or a closed balancer
      throw withSuppressed(new NoAvailableEndpointIOException(service, e), earlier);
    }
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
    HttpUrl url = request.url();
    Request.Builder rewritten =
        request.newBuilder().url(url.newBuilder().host(endpoint.host()).port(endpoint.port()).build());
    if (hostHeader == HostHeader.LOGICAL && request.header("Host") == null) {
      rewritten.header("Host", url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port());
    }
    return rewritten.build();
  }

  private static Response leased(Response response, Lease lease) {
    return response.newBuilder().body(new LeasedBody(response.body(), lease)).build();
  }

  /** Whether a failed attempt of {@code request} may go again. */
  private static boolean canRetry(Request request, IOException e, Chain chain) {
    if (chain.call().isCanceled()) {
      return false;
    }
    return connectFailure(e) || replayable(request); // a call timeout cancels the call: no retry then
  }

  /** A failure to connect: nothing of the request was sent. */
  private static boolean connectFailure(IOException e) {
    return e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException;
  }

  /** An idempotent request whose body can be sent again. */
  private static boolean replayable(Request request) {
    RequestBody body = request.body();
    return IDEMPOTENT.contains(request.method()) && (body == null || !body.isOneShot() && !body.isDuplex());
  }

  private static IOException withSuppressed(IOException e, List<IOException> earlier) {
    for (IOException previous : earlier) {
      if (previous != e) {
        e.addSuppressed(previous);
      }
    }
    return e;
  }

  /**
   * Verifies a server certificate against the logical service name when the host connected to is
   * an endpoint of a registered service (a certificate valid for any one of the services that list
   * the endpoint is accepted), and against the host itself otherwise. Install it on the client
   * with {@code OkHttpClient.Builder.hostnameVerifier}.
   */
  public HostnameVerifier hostnameVerifier() {
    return hostnameVerifier;
  }

  private boolean verify(String host, SSLSession session) {
    List<String> logical = servicesServedBy(host, session.getPeerPort());
    if (logical.isEmpty()) {
      return OkHostnameVerifier.INSTANCE.verify(host, session);
    }
    for (String service : logical) {
      if (OkHostnameVerifier.INSTANCE.verify(service, session)) {
        return true;
      }
    }
    return false;
  }

  private List<String> servicesServedBy(String host, int port) {
    List<String> served = new ArrayList<>();
    for (Map.Entry<String, Routes> entry : services.entrySet()) {
      for (LoadBalancer lb : entry.getValue().pools()) {
        for (Endpoint endpoint : lb.endpoints()) {
          if (endpoint.port() == port && sameHost(endpoint.host(), host)) {
            served.add(entry.getKey());
          }
        }
      }
    }
    return served;
  }

  private static boolean sameHost(String endpointHost, String host) {
    String a = endpointHost.startsWith("[") ? endpointHost.substring(1, endpointHost.length() - 1) : endpointHost;
    String b = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (a.equalsIgnoreCase(b)) {
      return true;
    }
    HttpUrl ua = HttpUrl.parse("http://" + (a.contains(":") ? "[" + a + "]" : a) + "/");
    HttpUrl ub = HttpUrl.parse("http://" + (b.contains(":") ? "[" + b + "]" : b) + "/");
    return ua != null && ub != null && ua.host().equals(ub.host()); // canonical IPv6 forms
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

    /** Sets the clock of the retry budget; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
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
