package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.health.HealthProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;

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

  private final ProbeTarget target;

  private HttpHealthProbe(ProbeTarget target) {
    this.target = target;
  }

  /** A probe of {@code http://<endpoint>/healthz} with a client of its own. */
  public static HttpHealthProbe create() {
    return new HttpHealthProbe(ProbeTarget.ownClient("roundabout-http-probe", DEFAULT_PATH));
  }

  /**
   * A probe of {@code http://<endpoint>/healthz} with {@code client}, which stays yours to close.
   *
   * @throws IllegalArgumentException if {@code client} has a {@link LoadBalancingInterceptor}
   */
  public static HttpHealthProbe create(OkHttpClient client) {
    return new HttpHealthProbe(ProbeTarget.givenClient(client, DEFAULT_PATH));
  }

  /**
   * The probe naming the logical host {@code host} (as in the service's URLs, such as
   * {@code "orders"}) while it connects to each endpoint: see the class description.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public HttpHealthProbe host(String host) {
    return new HttpHealthProbe(target.host(host));
  }

  /**
   * The probe with another path, such as {@code "/ready"}.
   *
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public HttpHealthProbe path(String path) {
    return new HttpHealthProbe(target.path(path));
  }

  /** The probe over HTTPS (the client's TLS settings apply). */
  public HttpHealthProbe https() {
    return new HttpHealthProbe(target.https());
  }

  @Override
  public CompletionStage<Boolean> check(Endpoint endpoint, Duration timeout) {
    Call call = target.newCall(endpoint, timeout);
    CompletableFuture<Boolean> result = ProbeTarget.cancelling(call);
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
    target.close();
  }

  @Override
  public String toString() {
    return "HttpHealthProbe{" + target + '}';
  }
}
