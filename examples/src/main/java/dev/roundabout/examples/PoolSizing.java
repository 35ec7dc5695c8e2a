package dev.roundabout.examples;

import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.okhttp.BalancedConnectionPool;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A balanced OkHttp client with a connection pool sized for its endpoints: the README's "Sizing the
 * connection pool" block, as a program that runs it against three local servers
 * ({@code PoolSizingTest} keeps the two the same).
 */
public final class PoolSizing {
  private PoolSizing() {}

  public static void main(String[] args) throws IOException {
    List<HttpServer> servers = List.of(
        OkHttpQuickStart.server("first"), OkHttpQuickStart.server("second"), OkHttpQuickStart.server("third"));
    try {
      System.out.println(call(
          OkHttpQuickStart.endpointOf(servers.get(0)),
          OkHttpQuickStart.endpointOf(servers.get(1)),
          OkHttpQuickStart.endpointOf(servers.get(2))));
    } finally {
      servers.forEach(server -> server.stop(0));
    }
  }

  /** The block: a client over endpoints {@code a}, {@code b} and {@code c}; returns six answers. */
  static List<String> call(Endpoint a, Endpoint b, Endpoint c) throws IOException {
    // pool-sizing:begin
    LoadBalancer orders = LoadBalancer.builder("orders")
        .endpoints(List.of(a, b, c))
        .build();
    ConnectionPool pool = BalancedConnectionPool.builder()
        .balancers(orders)                 // counts its 3 endpoints, adds 50% room
        .idleConnectionsPerEndpoint(8)     // the most calls in flight to one endpoint
        .build();                          // ceil(3 x 1.5) x 8 + 5 = 45 idle connections
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder().service("orders", orders).build())
        .connectionPool(pool)              // instead of OkHttp's 5 for the whole client
        .build();
    // pool-sizing:end
    List<String> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        try (Response response = client.newCall(new Request.Builder().url("http://orders/items/" + i).build()).execute()) {
          answers.add(response.body().string());
        }
      }
    } finally {
      orders.close();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    return answers;
  }
}
