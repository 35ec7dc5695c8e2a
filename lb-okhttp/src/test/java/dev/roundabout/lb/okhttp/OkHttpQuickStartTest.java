package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Holds the README's OkHttp quick start as compiled code, runs it against two local backends. */
class OkHttpQuickStartTest {

  @Test
  void quickStart_runs() throws IOException {
    try (Backend first = new Backend("first"); Backend second = new Backend("second")) {
      Endpoint a = first.endpoint();
      Endpoint b = second.endpoint();
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
          .addInterceptor(lbi)
          .hostnameVerifier(lbi.hostnameVerifier())      // TLS checks the name "orders"
          .build();

      Request request = new Request.Builder().url("http://orders/items/7").build();
      try (Response response = client.newCall(request).execute()) {
        body = response.body().string();                 // from a or b; failures retried
      }
      // okhttp-quick-start:end
      assertThat(body).isIn("first", "second");
      orders.close();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void readme_showsExactlyTheQuickStartOfThisClass() throws IOException {
    String source = Files.readString(
        Path.of("src/test/java/dev/roundabout/lb/okhttp/OkHttpQuickStartTest.java"), StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int from = source.indexOf("// okhttp-quick-start:begin\n") + "// okhttp-quick-start:begin\n".length();
    int to = source.indexOf("      // okhttp-quick-start:end");
    StringBuilder code = new StringBuilder();
    for (String line : source.substring(from, to).split("\n")) {
      code.append(line.startsWith("      ") ? line.substring(6) : line.strip()).append('\n');
    }
    assertThat(readme).contains("```java\n" + code + "```\n");
  }
}
