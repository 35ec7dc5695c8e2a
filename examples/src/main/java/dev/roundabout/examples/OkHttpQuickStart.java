package dev.roundabout.examples;

import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.OutlierDetector;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Wrapping an OkHttp client: the README's OkHttp quick start, as a program that runs it against
 * two local servers ({@code ExamplesReadmeTest} keeps the two the same).
 */
public final class OkHttpQuickStart {
  private OkHttpQuickStart() {}

  public static void main(String[] args) throws IOException {
    HttpServer first = server("first");
    HttpServer second = server("second");
    try {
      System.out.println(call(endpointOf(first), endpointOf(second)));
    } finally {
      first.stop(0);
      second.stop(0);
    }
  }

  /** The quick start: calls {@code http://orders/items/7} over endpoints {@code a} and {@code b}. */
  static String call(Endpoint a, Endpoint b) throws IOException {
    String body;
    // okhttp-quick-start:begin
    LoadBalancer orders = LoadBalancer.builder("orders")
        .endpoints(List.of(a, b))
        .healthTracker(OutlierDetector.ofDefaults())   // sick endpoints are ejected
        .build();
    LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder()
        .service("orders", orders)                     // http://orders/... is balanced
        .build();
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(lbi)                           // TLS still checks the name "orders"
        .build();

    Request request = new Request.Builder().url("http://orders/items/7").build();
    try (Response response = client.newCall(request).execute()) {
      body = response.body().string();                 // from a or b; failures retried
    }
    // okhttp-quick-start:end
    orders.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    return body;
  }

  static HttpServer server(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  static Endpoint endpointOf(HttpServer server) {
    return Endpoint.of("127.0.0.1", server.getAddress().getPort());
  }
}
