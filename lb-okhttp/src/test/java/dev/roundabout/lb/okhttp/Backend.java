package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.EndpointHealth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A MockWebServer on loopback whose behaviour a test can switch, and that counts what it served. */
final class Backend implements AutoCloseable {
  static final MockResponse OK = new MockResponse.Builder().code(200).body("ok").build();

  final MockWebServer server = new MockWebServer();
  final String name;
  final AtomicInteger requests = new AtomicInteger();
  final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
  private volatile Function<RecordedRequest, MockResponse> behaviour;

  Backend(String name) throws IOException {
    this(name, null);
  }

  /** A backend serving HTTPS with {@code tls} when it is not null. */
  Backend(String name, javax.net.ssl.@org.jspecify.annotations.Nullable SSLSocketFactory tls) throws IOException {
    this(name, tls, InetAddress.getLoopbackAddress(), 0);
  }

  /** A backend listening on {@code address}:{@code port} (0: any free port), over HTTPS when {@code tls} is set. */
  Backend(String name, javax.net.ssl.@org.jspecify.annotations.Nullable SSLSocketFactory tls, InetAddress address, int port)
      throws IOException {
    this.name = name;
    if (tls != null) {
      server.useHttps(tls);
    }
    this.behaviour = r -> new MockResponse.Builder().code(200).body(name).build();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.incrementAndGet();
            recorded.add(request);
            return behaviour.apply(request);
          }
        });
    server.setServerSocketFactory(NoDelayServerSockets.INSTANCE);
    server.start(address, port);
  }

  /**
   * Server sockets whose connections send at once (TCP_NODELAY): the mock server writes a
   * response's head and body separately, and with Nagle's algorithm against the client's delayed
   * acknowledgements each call would wait about 40 ms on loopback.
   */
  static final class NoDelayServerSockets extends ServerSocketFactory {
    static final NoDelayServerSockets INSTANCE = new NoDelayServerSockets();

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
      throw new UnsupportedOperationException();
    }
  }

  /** Answers every request with {@code response} from now on. */
  Backend answer(MockResponse response) {
    behaviour = r -> response;
    return this;
  }

  /** Answers with {@code function} from now on. */
  Backend answer(Function<RecordedRequest, MockResponse> function) {
    behaviour = function;
    return this;
  }

  /** Answers 200 with this backend's name as the body. */
  Backend healthy() {
    behaviour = r -> new MockResponse.Builder().code(200).body(name).build();
    return this;
  }

  /** The health {@code lb}'s last snapshot gave this backend. */
  EndpointHealth healthIn(LoadBalancer lb) {
    return lb.stats().stream().filter(s -> s.endpoint().equals(endpoint())).findFirst().orElseThrow().health();
  }

  Endpoint endpoint() {
    return Endpoint.of(server.getSocketAddress().getAddress().getHostAddress(), server.getPort());
  }

  @Override
  public void close() {
    server.close();
  }

  /** Checks that {@code lb} holds no lease, then closes it. */
  static void closeChecked(LoadBalancer lb) {
    org.assertj.core.api.Assertions.assertThat(lb.stats()).as("leases left open on %s", lb.name())
        .allSatisfy(s -> org.assertj.core.api.Assertions.assertThat(s.inFlight()).isZero());
    lb.close();
  }

  /** Checks that {@code client} has no connection in use, then stops its threads and connections. */
  static void closeChecked(okhttp3.OkHttpClient client) {
    org.assertj.core.api.Assertions.assertThat(client.connectionPool().connectionCount())
        .as("connections in use after the test")
        .isEqualTo(client.connectionPool().idleConnectionCount());
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return name;
  }
}
