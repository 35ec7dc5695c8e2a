package dev.roundabout.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of the demo's backends: a small HTTP server on a loopback port chosen at start, serving
 * {@code /work} (a few milliseconds of "work") and {@code /healthz} (503 while the backend is
 * unwell). The demo's script switches it between healthy, slow, failing and down, and drains it.
 */
final class DemoBackend {
  enum Mode { HEALTHY, SLOW, FAILING }

  static final int BASE_LATENCY_MILLIS = 2;

  static {
    // The JDK server writes a response's head and body apart: without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed acknowledgements add about 40 ms to every call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  final String name;
  private final AtomicInteger served = new AtomicInteger();
  private volatile Mode mode = Mode.HEALTHY;
  private volatile HttpServer server;
  private volatile ExecutorService workers;
  private int port;

  DemoBackend(String name) throws IOException {
    this.name = name;
    start(0);
  }

  private synchronized void start(int requestedPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 128);
    s.createContext("/work", this::work);
    s.createContext("/healthz", this::health);
    workers = Executors.newFixedThreadPool(16, runnable -> {
      Thread thread = new Thread(runnable, "demo-" + name);
      thread.setDaemon(true);
      return thread;
    });
    s.setExecutor(workers);
    s.start();
    server = s;
    port = s.getAddress().getPort();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", port);
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  Mode mode() {
    return mode;
  }

  /** Requests of {@code /work} this backend answered. */
  int served() {
    return served.get();
  }

  /** Stops listening at once: new connections are refused (the backend died). */
  synchronized void kill() {
    server.stop(0);
    workers.shutdownNow();
  }

  /** Listens again on the same port, healthy. */
  synchronized void revive() throws IOException {
    mode = Mode.HEALTHY;
    start(port);
  }

  /**
   * Shuts down gracefully, as a well-behaved server does when drained: stop accepting, let the
   * requests in flight finish (up to {@code graceSeconds}), then exit.
   */
  synchronized void shutDownGracefully(int graceSeconds) {
    server.stop(graceSeconds);
    workers.shutdown();
  }

  private void work(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      Mode m = mode;
      if (m == Mode.FAILING) {
        respond(exchange, 503, "unwell\n");
        return;
      }
      pause(m == Mode.SLOW ? BASE_LATENCY_MILLIS * 10 : BASE_LATENCY_MILLIS); // the "work" of a request
      served.incrementAndGet();
      respond(exchange, 200, name + "\n");
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange, mode == Mode.FAILING ? 503 : 200, mode == Mode.FAILING ? "unwell\n" : "ok\n");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // simulated service time of a backend, not a wait for an event
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
