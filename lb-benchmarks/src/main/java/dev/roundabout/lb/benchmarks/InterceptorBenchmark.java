package dev.roundabout.lb.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A GET over loopback to a local server: through the {@code LoadBalancingInterceptor} (the request
 * rewritten, a lease held and released, the outcome judged) and by the same client without it.
 * The difference is the interceptor's cost per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterceptorBenchmark {
  HttpServer server;
  OkHttpClient plain;
  OkHttpClient balanced;
  LoadBalancer lb;
  Request direct;
  Request logical;

  @Setup
  public void setUp() throws IOException {
    // The JDK server writes a response's head and body apart: without TCP_NODELAY, Nagle's algorithm
    // and the client's delayed acknowledgements would add about 40 ms to every call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    int port = server.getAddress().getPort();
    lb = LoadBalancer.builder("bench").endpoints(List.of(Endpoint.of("127.0.0.1", port))).build();
    plain = new OkHttpClient();
    balanced = plain.newBuilder().addInterceptor(LoadBalancingInterceptor.builder().service("bench", lb).build()).build();
    direct = new Request.Builder().url("http://127.0.0.1:" + port + "/x").build();
    logical = new Request.Builder().url("http://bench/x").build();
  }

  @TearDown
  public void tearDown() {
    lb.close();
    plain.connectionPool().evictAll();
    plain.dispatcher().executorService().shutdown();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  @Benchmark
  public int withoutInterceptor() throws IOException {
    try (Response response = plain.newCall(direct).execute()) {
      return response.body().bytes().length;
    }
  }

  @Benchmark
  public int throughInterceptor() throws IOException {
    try (Response response = balanced.newCall(logical).execute()) {
      return response.body().bytes().length;
    }
  }
}
