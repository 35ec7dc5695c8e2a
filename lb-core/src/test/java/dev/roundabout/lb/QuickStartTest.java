package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.health.ActiveHealthChecker;
import dev.roundabout.lb.health.HealthTrackers;
import dev.roundabout.lb.health.OutlierDetector;
import dev.roundabout.lb.health.TcpConnectProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Holds the README's code examples as compiled code, and checks that the two stay the same. */
class QuickStartTest {
  private static final String BEGIN = "// quick-start:begin";
  private static final String END = "// quick-start:end";

  private final List<Endpoint> called = new ArrayList<>();

  @Test
  void quickStart_runs() {
    // quick-start:begin
    LoadBalancer lb = LoadBalancer.builder("orders")
        .endpoints(List.of(
            Endpoint.of("10.0.0.1", 8080),
            Endpoint.builder("10.0.0.2", 8080).weight(3).build()))
        .picker(Pickers.powerOfTwoChoices())
        .build();

    try (Lease lease = lb.acquire(PickContext.empty())) {
      try {
        call(lease.endpoint());     // your client, any transport
        lease.success();
      } catch (IOException e) {
        lease.failure(e);           // the outcome feeds the balancer
      }
    }
    lb.close();
    // quick-start:end

    assertThat(called).hasSize(1);
    assertThat(lb.isClosed()).isTrue();
  }

  @Test
  void healthExample_builds() {
    // Loopback endpoints: the checker may probe them before the balancer closes.
    List<Endpoint> endpoints = List.of(Endpoint.of("127.0.0.1", 1), Endpoint.of("127.0.0.2", 1));
    // health-example:begin
    LoadBalancer lb = LoadBalancer.builder("orders")
        .endpoints(endpoints)
        .healthTracker(HealthTrackers.allOf(
            OutlierDetector.builder()                       // passive: the outcomes of real calls
                .consecutiveFailures(5)
                .failureRate(50, 20, Duration.ofSeconds(30))
                .baseEjectionTime(Duration.ofSeconds(30))
                .maxEjectionPercent(50)
                .build(),
            ActiveHealthChecker.builder(TcpConnectProbe.create())   // active: a probe on a schedule
                .interval(Duration.ofSeconds(5))
                .timeout(Duration.ofSeconds(1))
                .build()))
        .panicThreshold(50)                                  // the default
        .slowStart(Duration.ofSeconds(30))                   // off unless asked
        .build();
    // health-example:end

    assertThat(lb.endpoints()).isEqualTo(endpoints);
    lb.close();
  }

  @Test
  void readme_showsExactlyTheExamplesOfThisClass() throws IOException {
    String source = Files.readString(Path.of("src/test/java/dev/roundabout/lb/QuickStartTest.java"), StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String quickStart = dedent(between(source, BEGIN + "\n", "    " + END));
    String health = dedent(between(source, "// health-example:begin\n", "    // health-example:end"));
    assertThat(readme).contains("```java\n" + quickStart + "```\n");
    assertThat(readme).contains("```java\n" + health + "```\n");
  }

  private void call(Endpoint endpoint) throws IOException {
    called.add(endpoint);
  }

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from);
    assertThat(from).as("marker %s", begin).isNotNegative();
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + begin.length(), to);
  }

  private static String dedent(String block) {
    StringBuilder sb = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      sb.append(line.startsWith("    ") ? line.substring(4) : line.strip()).append('\n');
    }
    return sb.toString().replaceAll("\n+$", "\n");
  }
}
