package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * What the HTTP probes ({@link HttpHealthProbe}, {@link HttpLoadProbe}) ask and how: the client,
 * the scheme, the path and the optional logical host, and the GET of one endpoint they make from
 * them. Immutable and thread-safe; each option returns a new target sharing the client.
 */
final class ProbeTarget {
  private final OkHttpClient client;
  private final boolean ownClient;
  private final String path;
  private final String scheme;
  private final @Nullable String host;

  private ProbeTarget(OkHttpClient client, boolean ownClient, String path, String scheme, @Nullable String host) {
    this.client = client;
    this.ownClient = ownClient;
    this.path = path;
    this.scheme = scheme;
    this.host = host;
  }

  /**
   * A target of {@code http://<endpoint><path>} with a client of its own, whose calls run on
   * daemon threads named {@code threadName} that end a second after the last call.
   */
  static ProbeTarget ownClient(String threadName, String path) {
    ThreadFactory threads = runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
    OkHttpClient client = new OkHttpClient.Builder().dispatcher(new Dispatcher(executor)).build();
    return new ProbeTarget(client, true, path, "http", null);
  }

  /**
   * A target of {@code http://<endpoint><path>} with {@code client}, which stays the caller's.
   *
   * @throws IllegalArgumentException if {@code client} has a {@link LoadBalancingInterceptor}
   */
  static ProbeTarget givenClient(OkHttpClient client, String path) {
    requireNonNull(client, "client");
    for (var interceptor : client.interceptors()) {
      if (interceptor instanceof LoadBalancingInterceptor) {
        throw new IllegalArgumentException(
            "client: " + client + " (expected: a client without the LoadBalancingInterceptor)");
      }
    }
    return new ProbeTarget(client, false, path, "http", null);
  }

  /**
   * The target naming the logical host {@code host}.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  ProbeTarget host(String host) {
    requireNonNull(host, "host");
    HttpUrl url = HttpUrl.parse("http://" + host + "/");
    if (host.isBlank() || url == null || !url.host().equals(host.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name, without scheme or port)");
    }
    return new ProbeTarget(client, ownClient, path, scheme, url.host());
  }

  /**
   * The target with the path {@code path}.
   *
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  ProbeTarget path(String path) {
    requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: \"" + path + "\" (expected: a path starting with /)");
    }
    return new ProbeTarget(client, ownClient, path, scheme, host);
  }

  /** The target over HTTPS. */
  ProbeTarget https() {
    return new ProbeTarget(client, ownClient, path, "https", host);
  }

  /**
   * A GET of this target on {@code endpoint} that must end within {@code timeout}, with its
   * response body read: the logical host, when set, is the URL's host, routed to the endpoint.
   */
  Call newCall(Endpoint endpoint, Duration timeout) {
    OkHttpClient.Builder calling = client.newBuilder().callTimeout(timeout);
    HttpUrl url;
    if (host == null) {
      url = HttpUrl.get(scheme + "://placeholder" + path).newBuilder().host(endpoint.host()).port(endpoint.port()).build();
    } else {
      EndpointRoute route = new EndpointRoute(host, endpoint, Map.of(), client.dns(), client.socketFactory());
      calling.dns(route.dns).socketFactory(route.sockets);
      url = HttpUrl.get(scheme + "://" + host + path);
    }
    return calling.build().newCall(new Request.Builder().url(url).build());
  }

  /**
   * A stage for the outcome of {@code call}, whose cancellation cancels the call. The stage is
   * cancelled before the call, so that the call's failure, which may come at once on another
   * thread, cannot complete it first.
   */
  static <T> CompletableFuture<T> cancelling(Call call) {
    return new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        call.cancel();
        return cancelled;
      }
    };
  }

  /** Ends the threads and connections of a client of its own; a given client stays open. Idempotent. */
  void close() {
    if (ownClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return scheme + (host == null ? "" : "://" + host) + " " + path;
  }
}
