package dev.roundabout.examples;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.okhttp.HttpLoadProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serving with {@link LoadProbeHandler}, and balancing over such servers by their probe answers:
 * the README's wiring ({@code LoadProbeHandlerTest} keeps the two the same). Run it with
 * {@code -Dexec.mainClass=dev.roundabout.examples.LoadProbeServer} for a server on port 8080 whose
 * {@code /load} answers probes.
 */
public final class LoadProbeServer {
  private LoadProbeServer() {}

  /** A server on {@code address} whose {@code /} is {@code service}, counted, and {@code /load} the probe's. */
  static HttpServer serve(InetSocketAddress address, HttpHandler service, LoadProbeHandler load, ExecutorService threads)
      throws IOException {
    // load-probe-server:begin
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/", load.wrap(service));  // your service, counted
    server.createContext("/load", load);            // the probe's answer, not counted
    server.setExecutor(threads);  // several threads: the probe must not wait behind calls
    server.start();
    // load-probe-server:end
    return server;
  }

  /** A balancer that probes {@code endpoints} and picks by the answers. */
  static LoadBalancer balancer(List<Endpoint> endpoints) {
    // load-probe-balancer:begin
    LoadBalancer orders = LoadBalancer.builder("orders")
        .endpoints(endpoints)
        .picker(Pickers.prequal(HttpLoadProbe.create().path("/load")))
        .build();
    // load-probe-balancer:end
    return orders;
  }

  /** Runs a server on port 8080 (or the first argument) that answers probes; stops on Ctrl-C. */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    ExecutorService threads = Executors.newCachedThreadPool();
    serve(new InetSocketAddress(port), exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    }, new LoadProbeHandler(), threads);
  }
}
