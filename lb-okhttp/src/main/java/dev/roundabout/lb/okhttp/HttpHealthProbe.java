package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.health.HealthProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP health check for {@code ActiveHealthChecker}: a GET of a path (default
 * {@code /healthz}) on each endpoint, healthy only on a 2xx status within the timeout. The
 * response is always closed. Uses its own client, which must not carry the
 * {@link LoadBalancingInterceptor} (the probe goes to one endpoint, not to the service); the
 * default is a plain client, and {@link #create(OkHttpClient)} takes yours (its connection pool
 * and TLS settings, say).
 *
 * <p>With {@link #host(String)}, a probe names the service's logical host, exactly as balanced
 * calls do: it connects to the endpoint, and sends the logical host as the {@code Host} header and,
 * over {@linkplain #https() HTTPS}, as SNI and as the name the certificate must match. Without it,
 * the request names the endpoint's address, so over HTTPS the certificate must name that address.
 *
 * <pre>{@code
 * ActiveHealthChecker.builder(HttpHealthProbe.create().https().host("orders").path("/ready")).build();
 * }</pre>
 *
 * <p>Asynchronous (OkHttp's {@code enqueue}); cancelling the returned stage cancels the call.
 * Immutable and thread-safe. The client that {@link #create()} makes runs its calls on daemon
 * threads named {@code roundabout-http-probe} that end within a second once checks stop, so a
 * probe never keeps a JVM from exiting; {@link #close()} ends them at once.
 */
public final class HttpHealthProbe implements HealthProbe, AutoCloseable {
  /** The default path: {@code /healthz}. */
  public static final String DEFAULT_PATH = "/healthz";

  private final OkHttpClient client;
  private final boolean ownClient;
  private final String path;
  private final String scheme;
  private final @Nullable String host;

  private HttpHealthProbe(OkHttpClient client, boolean ownClient, String path, String scheme, @Nullable String host) {
    this.client = client;
    this.ownClient = ownClient;
    this.path = path;
    this.scheme = scheme;
    this.host = host;
  }

  /** A probe of {@code http://<endpoint>/healthz} with a client of its own. */
  public static HttpHealthProbe create() {
    ThreadFactory threads = runnable -> {
      Thread thread = new Thread(runnable, "roundabout-http-probe");
      thread.setDaemon(true);
      return thread;
    };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
    OkHttpClient client = new OkHttpClient.Builder().dispatcher(new Dispatcher(executor)).build();
    return new HttpHealthProbe(client, true, DEFAULT_PATH, "http", null);
  }

  /**
   * A probe of {@code http://<endpoint>/healthz} with {@code client}, which stays yours to close.
   *
   * @throws IllegalArgumentException if {@code client} has a {@link LoadBalancingInterceptor}
   */
  public static HttpHealthProbe create(OkHttpClient client) {
    requireNonNull(client, "client");
    for (var interceptor : client.interceptors()) {
      if (interceptor instanceof LoadBalancingInterceptor) {
        throw new IllegalArgumentException(
            "client: " + client + " (expected: a client without the LoadBalancingInterceptor)");
      }
    }
    return new HttpHealthProbe(client, false, DEFAULT_PATH, "http", null);
  }

  /**
   * The probe naming the logical host {@code host} (as in the service's URLs, such as
   * {@code "orders"}) while it connects to each endpoint: see the class description.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public HttpHealthProbe host(String host) {
    requireNonNull(host, "host");
    HttpUrl url = HttpUrl.parse("http://" + host + "/");
    if (host.isBlank() || url == null || !url.host().equals(host.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name, without scheme or port)");
    }
    return new HttpHealthProbe(client, ownClient, path, scheme, url.host());
  }

  /**
   * The probe with another path, such as {@code "/ready"}.
   *
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public HttpHealthProbe path(String path) {
    requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: \"" + path + "\" (expected: a path starting with /)");
    }
    return new HttpHealthProbe(client, ownClient, path, scheme, host);
  }

  /** The probe over HTTPS (the client's TLS settings apply). */
  public HttpHealthProbe https() {
    return new HttpHealthProbe(client, ownClient, path, "https", host);
  }

  @Override
  public CompletionStage<Boolean> check(Endpoint endpoint, Duration timeout) {
    OkHttpClient.Builder checking = client.newBuilder().callTimeout(timeout);
    HttpUrl url;
    if (host == null) {
      url = HttpUrl.get(scheme + "://placeholder" + path).newBuilder().host(endpoint.host()).port(endpoint.port()).build();
    } else {
      EndpointRoute route = new EndpointRoute(host, endpoint, Map.of(), client.dns(), client.socketFactory());
      checking.dns(route.dns).socketFactory(route.sockets);
      url = HttpUrl.get(scheme + "://" + host + path);
    }
    Call call = checking.build().newCall(new Request.Builder().url(url).build());
    CompletableFuture<Boolean> result =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            call.cancel();
            return super.cancel(mayInterruptIfRunning);
          }
        };
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            boolean healthy;
            try (response) {
              healthy = response.isSuccessful();
            }
            result.complete(healthy); // after the close: the connection is back in the pool first
          }

          @Override
          public void onFailure(Call c, IOException e) {
            result.complete(false);
          }
        });
    return result;
  }

  /**
   * Ends the threads and connections of the client that {@link #create()} made (shared with the
   * probes made from this one by {@link #path}, {@link #https} and {@link #host}); a client given to
   * {@link #create(OkHttpClient)} stays open. Checks after this fail. Idempotent.
   */
  @Override
  public void close() {
    if (ownClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "HttpHealthProbe{" + scheme + (host == null ? "" : "://" + host) + " " + path + '}';
  }
}
