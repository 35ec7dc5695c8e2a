package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.health.HealthProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP health check for {@code ActiveHealthChecker}: a GET of a path (default
 * {@code /healthz}) on each endpoint, healthy only on a 2xx status within the timeout. The
 * response is always closed. Uses its own client, which must not carry the
 * {@link LoadBalancingInterceptor} (the probe goes to one endpoint, not to the service); the
 * default is a plain client, and {@link #create(OkHttpClient)} takes yours (its connection pool
 * and TLS settings, say).
 *
 * <pre>{@code
 * ActiveHealthChecker.builder(HttpHealthProbe.create().path("/ready")).build();
 * }</pre>
 *
 * <p>Asynchronous (OkHttp's {@code enqueue}); cancelling the returned stage cancels the call.
 * Immutable and thread-safe.
 */
public final class HttpHealthProbe implements HealthProbe {
  /** The default path: {@code /healthz}. */
  public static final String DEFAULT_PATH = "/healthz";

  private final OkHttpClient client;
  private final String path;
  private final String scheme;

  private HttpHealthProbe(OkHttpClient client, String path, String scheme) {
    this.client = client;
    this.path = path;
    this.scheme = scheme;
  }

  /** A probe of {@code http://<endpoint>/healthz} with a plain client. */
  public static HttpHealthProbe create() {
    return create(new OkHttpClient());
  }

  /**
   * A probe of {@code http://<endpoint>/healthz} with {@code client}.
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
    return new HttpHealthProbe(client, DEFAULT_PATH, "http");
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
    return new HttpHealthProbe(client, path, scheme);
  }

  /** The probe over HTTPS (the client's TLS settings apply). */
  public HttpHealthProbe https() {
    return new HttpHealthProbe(client, path, "https");
  }

  @Override
  public CompletionStage<Boolean> check(Endpoint endpoint, Duration timeout) {
    HttpUrl url =
        HttpUrl.get(scheme + "://placeholder" + path).newBuilder().host(endpoint.host()).port(endpoint.port()).build();
    Call call = client.newBuilder().callTimeout(timeout).build().newCall(new Request.Builder().url(url).build());
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

  @Override
  public String toString() {
    return "HttpHealthProbe{" + scheme + " " + path + '}';
  }
}
