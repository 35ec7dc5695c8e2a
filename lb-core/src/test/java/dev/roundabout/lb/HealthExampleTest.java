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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Holds the README's health example as compiled code, and checks that the two stay the same (the
 * quick starts live in the examples module, with their own check).
 */
class HealthExampleTest {
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
  void readme_showsExactlyTheHealthExampleOfThisClass() throws IOException {
    String source = Files.readString(Path.of("src/test/java/dev/roundabout/lb/HealthExampleTest.java"), StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String health = dedent(between(source, "// health-example:begin\n", "    // health-example:end"));
    assertThat(readme).contains("```java\n" + health + "```\n");
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
