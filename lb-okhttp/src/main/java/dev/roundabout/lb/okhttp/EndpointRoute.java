package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.SocketFactory;
import okhttp3.Dns;
import org.jspecify.annotations.Nullable;

/**
 * How one attempt of a balanced call reaches its endpoint while the request keeps its logical URL
 * ({@code http://orders/...}): the attempt's {@link Dns} resolves the logical host to the
 * endpoint's addresses, and its sockets connect to the endpoint's port instead of the URL's. So
 * TLS, SNI, the {@code Host} header, cookies and pins all see the logical name, and a redirect to
 * another host resolves as the client would resolve it without the interceptor. A redirect to
 * another balanced service goes to an endpoint that service's balancer picks.
 *
 * <p>The addresses the DNS hands out carry a mark in their host name
 * ({@code "orders via 10.0.0.1:8080"}): it tells the sockets where to connect, and it is what
 * OkHttp prints when a connection fails. The sockets record, for the attempt, whether the
 * endpoint was reached and whether it answered: the interceptor decides from these facts, never
 * from the text of an exception.
 *
 * <p>Thread-safe: OkHttp may look up and connect from its own threads (fast fallback).
 */
final class EndpointRoute {
  private static final String MARK = " via ";

  /**
   * The attempt running on this thread, set by the interceptor around each attempt. OkHttp lets a
   * call keep the connection of its previous attempt when the next one has the same host and port,
   * which a retry to another endpoint of the same logical URL has: the sockets of that connection
   * read as closed to an attempt for another endpoint, so OkHttp lets the connection go (see
   * {@link #refuses}) instead of sending the retry back to the endpoint it left.
   */
  private static final ThreadLocal<@Nullable EndpointRoute> CURRENT = new ThreadLocal<>();

  final Dns dns;
  final SocketFactory sockets;
  private final String ownMark;
  private final String logicalPrefix;
  /** Facts of this attempt, written by its DNS and its sockets. */
  private volatile boolean lookupFailed;
  private volatile boolean connectStarted;
  private volatile boolean connected;
  private volatile boolean answered;
  private volatile @Nullable Place lastFailure;
  /** Set when a hedge answered first: the attempt is to stop, and its sockets with it. */
  private volatile boolean aborted;
  /** The socket this attempt's thread is waiting on (connecting or reading), if any. */
  private volatile @Nullable Socket waitingOn;

  /** Where a failure of the attempt happened. */
  enum Place {
    /** Connecting to the endpoint, or resolving its host. */
    ENDPOINT_CONNECT,
    /** On a connection to the endpoint that was made. */
    ENDPOINT_IO,
    /** Somewhere else: a redirect's target. */
    ELSEWHERE
  }

  EndpointRoute(String logicalHost, Endpoint endpoint, Map<String, Routes> services, Dns fallback, SocketFactory sockets) {
    this.dns = new EndpointDns(logicalHost, endpoint, services, fallback);
    this.ownMark = mark(logicalHost, endpoint);
    this.logicalPrefix = logicalHost + MARK;
    this.sockets = new RoutedSocketFactory(sockets, this);
  }

  /** Whether nothing of the request reached the endpoint: it could not be resolved or connected. */
  boolean neverConnected() {
    return (lookupFailed || connectStarted) && !connected && lastFailure == Place.ENDPOINT_CONNECT;
  }

  /**
   * Whether the endpoint was connected to (or tried) in this attempt and never answered a byte:
   * refused, unreachable, or a connection dropped before any answer.
   */
  boolean endpointSilent() {
    Place last = lastFailure;
    return (lookupFailed || connectStarted) && !answered && (last == Place.ENDPOINT_CONNECT || last == Place.ENDPOINT_IO);
  }

  /** Where the last failure that this attempt's DNS and sockets saw happened, or null. */
  @Nullable Place lastFailure() {
    return lastFailure;
  }

  /** Runs {@code attempt} with this route as the thread's current attempt. */
  <T> T run(Attempt<T> attempt) throws java.io.IOException {
    EndpointRoute previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return attempt.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * Stops this attempt because another attempt of its call answered first: the socket its thread
   * is waiting on is closed (its read or connect fails at once), and any socket it would wait on
   * next fails as it starts. Only sockets this attempt connects, or reads on its own thread, are
   * touched: an HTTP/1.1 exchange, which holds its connection alone; never a connection that other
   * calls share (HTTP/2 reads on a thread of its own).
   */
  void abort() {
    aborted = true;
    closeQuietly(waitingOn);
  }

  /** Whether {@link #abort()} was called. */
  boolean aborted() {
    return aborted;
  }

  /**
   * The thread running this attempt starts waiting on {@code socket}; fails at once, closing it,
   * if the attempt was aborted. (Set then checked, while abort sets then reads: one of the two
   * sees the other.)
   */
  void waiting(Socket socket) throws java.io.IOException {
    waitingOn = socket;
    if (aborted) {
      closeQuietly(socket);
      throw new java.net.SocketException("abandoned: another attempt of the call answered first");
    }
  }

  void doneWaiting() {
    waitingOn = null;
  }

  /** The attempt running on this thread, if any. */
  static @Nullable EndpointRoute current() {
    return CURRENT.get();
  }

  private static void closeQuietly(@Nullable Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (java.io.IOException ignored) {
        // closing to stop a read: nothing to do if it fails
      }
    }
  }

  /** One attempt's work. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws java.io.IOException;
  }

  /**
   * Whether a socket connected to the address marked {@code mark} must not serve the attempt
   * running on this thread: it leads to another endpoint of that attempt's logical host.
   */
  static boolean refuses(@Nullable String mark) {
    EndpointRoute current = CURRENT.get();
    return mark != null && current != null && !mark.equals(current.ownMark) && mark.startsWith(current.logicalPrefix);
  }

  static String mark(String host, Endpoint endpoint) {
    return host + MARK + endpoint.address();
  }

  /** The port a marked address stands for, or -1 if {@code address} is not marked. */
  static int markedPort(InetSocketAddress address) {
    InetAddress inet = address.getAddress();
    if (inet == null) {
      return -1;
    }
    String name = address.getHostString();
    int at = name.indexOf(MARK);
    if (at < 0) {
      return -1;
    }
    return Integer.parseInt(name.substring(name.lastIndexOf(':') + 1));
  }

  void onConnect(SocketAddress address) {
    if (isOwn(address)) {
      connectStarted = true;
    }
  }

  void onConnected(SocketAddress address) {
    if (isOwn(address)) {
      connected = true;
    }
  }

  void onConnectFailed(SocketAddress address) {
    lastFailure = isOwn(address) ? Place.ENDPOINT_CONNECT : Place.ELSEWHERE;
  }

  void onAnswer(boolean own) {
    if (own) {
      answered = true;
    }
  }

  void onIoFailure(boolean own) {
    lastFailure = own ? Place.ENDPOINT_IO : Place.ELSEWHERE;
  }

  boolean isOwn(@Nullable SocketAddress address) {
    return address instanceof InetSocketAddress inet && ownMark.equals(inet.getHostString());
  }

  /**
   * The attempt's DNS. Equal for equal logical host, endpoint and fallback, so that OkHttp's pool,
   * which keys connections by their DNS among other things, keeps reusing one endpoint's
   * connections across calls, and keeps different endpoints' connections apart. It holds nothing
   * per endpoint beyond the attempt.
   */
  private final class EndpointDns implements Dns {
    private final String logicalHost;
    private final Endpoint endpoint;
    private final Map<String, Routes> services;
    private final Dns fallback;

    EndpointDns(String logicalHost, Endpoint endpoint, Map<String, Routes> services, Dns fallback) {
      this.logicalHost = logicalHost;
      this.endpoint = endpoint;
      this.services = services;
      this.fallback = fallback;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
      String host = hostname.toLowerCase(Locale.ROOT);
      if (host.equals(logicalHost)) {
        try {
          return marked(host, endpoint);
        } catch (UnknownHostException e) {
          lookupFailed = true;
          lastFailure = Place.ENDPOINT_CONNECT;
          throw e;
        }
      }
      Routes other = services.get(host);
      if (other != null) { // a redirect to another balanced service
        try {
          return marked(host, pick(host, other));
        } catch (UnknownHostException e) {
          lastFailure = Place.ELSEWHERE;
          throw e;
        }
      }
      try {
        return fallback.lookup(hostname);
      } catch (UnknownHostException e) {
        lastFailure = Place.ELSEWHERE;
        throw e;
      }
    }

    private Endpoint pick(String host, Routes routes) throws UnknownHostException {
      try {
        var lb = routes.route(new okhttp3.Request.Builder().url("http://" + host + "/").build());
        if (lb != null) {
          return lb.pick();
        }
      } catch (RuntimeException e) {
        UnknownHostException unknown = new UnknownHostException(host + ": " + e.getMessage());
        unknown.initCause(e);
        throw unknown;
      }
      throw new UnknownHostException(host + ": no route for GET /");
    }

    private List<InetAddress> marked(String host, Endpoint target) throws UnknownHostException {
      List<InetAddress> resolved = fallback.lookup(target.host());
      List<InetAddress> marked = new ArrayList<>(resolved.size());
      String name = mark(host, target);
      for (InetAddress address : resolved) {
        marked.add(InetAddress.getByAddress(name, address.getAddress()));
      }
      return marked;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof EndpointDns that)) {
        return false;
      }
      return logicalHost.equals(that.logicalHost)
          && endpoint.host().equals(that.endpoint.host())
          && endpoint.port() == that.endpoint.port()
          && services == that.services
          && fallback.equals(that.fallback);
    }

    @Override
    public int hashCode() {
      return Objects.hash(logicalHost, endpoint.host(), endpoint.port(), fallback);
    }

    @Override
    public String toString() {
      return "Dns{" + logicalHost + MARK + endpoint.address() + '}';
    }
  }
}
