package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionLogTest {
  private static final Pattern PICKED = Pattern.compile("^DEBUG '(\\w+)' picked (\\S+) with ");
  private static final long SEED = 20_240_601L;

  private final FakeTicker ticker = new FakeTicker();
  private final List<Lease> held = new ArrayList<>();

  @BeforeEach
  void capture() {
    CapturedLogs.capture();
  }

  @AfterEach
  void stop() {
    held.forEach(Lease::close);
    CapturedLogs.stop();
  }

  static java.util.stream.Stream<Arguments> pickers() {
    return PickerContractTest.behaviours();
  }

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.builder("10.0.0." + (i + 1), 8080).weight(1 + i % 3).build());
    }
    return endpoints;
  }

  private static String pickedIn(String line) {
    Matcher m = PICKED.matcher(line);
    assertThat(m.find()).as("a decision line: %s", line).isTrue();
    return m.group(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void everyLoggedChoice_isTheEndpointThePickReturned(String name, PickerFactory factory) {
    MutableEndpointSource source = EndpointSource.mutable(endpoints(6));
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).ticker(ticker)
        .random(new SplittableRandom(SEED)).picker(factory).slowStart(Duration.ofSeconds(10)).decisionLog(1).build()) {
      for (int i = 0; i < 12; i++) { // load and latencies, so that load-aware pickers compare something
        Lease lease = lb.acquire(PickContext.ofKey("warm-" + i));
        ticker.advance(Duration.ofMillis(3 + i % 5));
        lease.success();
        if (i % 3 == 0) {
          held.add(lease);
        } else {
          lease.close();
        }
      }
      List<Endpoint> more = new ArrayList<>(endpoints(8)); // two join late: they ramp up in slow start
      source.update(more);
      ticker.advance(Duration.ofSeconds(2));
      CapturedLogs.capture();
      List<String> returned = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        PickContext context = switch (i % 3) {
          case 0 -> PickContext.empty();
          case 1 -> PickContext.ofKey("user-" + i % 40);
          default -> PickContext.ofKey("user-" + i % 40).avoiding(more.get(i % 8));
        };
        returned.add(lb.pick(context).address());
      }

      List<String> lines = CapturedLogs.lines();
      assertThat(lines).as("one line per pick, seed %d", SEED).hasSize(returned.size());
      for (int i = 0; i < lines.size(); i++) {
        assertThat(pickedIn(lines.get(i))).as("pick %d of %s, seed %d: %s", i, name, SEED, lines.get(i))
            .isEqualTo(returned.get(i));
        assertThat(lines.get(i)).as("pick %d of %s names the candidates it looked at", i, name)
            .contains("with " + factory + ": ")
            .containsPattern("; candidates: 10\\.0\\.0\\.\\d:8080 \\(inFlight=\\d+, weight=\\d");
      }
    }
  }

  @Test
  void loggedLine_saysWhatThePickerComparedAndWhy() throws IOException {
    List<Endpoint> endpoints = endpoints(3);
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints).ticker(ticker)
        .random(new SplittableRandom(SEED)).picker(Pickers.leastConnections()).decisionLog(1).build()) {
      held.add(lb.acquireIfReady("10.0.0.1:8080"));
      held.add(lb.acquireIfReady("10.0.0.1:8080"));
      held.add(lb.acquireIfReady("10.0.0.3:8080"));
      try (Lease lease = lb.acquireIfReady("10.0.0.2:8080")) {
        ticker.advance(Duration.ofMillis(12));
        lease.success();
      }
      CapturedLogs.capture();

      Endpoint picked = lb.pick();

      assertThat(picked.address()).isEqualTo("10.0.0.2:8080");
      assertThat(CapturedLogs.lines()).containsExactly(
          "DEBUG 'orders' picked 10.0.0.2:8080 with leastConnections: an idle endpoint drawn in proportion to weight;"
              + " candidates: "
              + "10.0.0.1:8080 (inFlight=2, weight=1, latency=none, load=3.000), "
              + "10.0.0.2:8080 (inFlight=0, weight=2, latency=12ms, load=0.500), "
              + "10.0.0.3:8080 (inFlight=1, weight=3, latency=none, load=0.667)");
      assertThat(Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8))
          .as("the README shows this line")
          .contains("```\n" + CapturedLogs.lines().get(0).substring("DEBUG ".length()) + "\n```\n");
    }
  }

  @Test
  void oneInN_samplesThePicksWhoseDrawFromTheBalancersGeneratorIsZero() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(3))
        .random(new SplittableRandom(SEED)).picker(Pickers.roundRobin()).decisionLog(4).build()) {
      SplittableRandom twin = new SplittableRandom(SEED);
      twin.nextLong(); // round robin drew its starting point when the balancer was built
      List<Integer> expected = new ArrayList<>();
      List<String> picked = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        if (twin.nextInt(4) == 0) {
          expected.add(i);
        }
        picked.add(lb.pick().address());
      }

      List<String> lines = CapturedLogs.lines();
      assertThat(lines).as("seed %d", SEED).hasSize(expected.size());
      assertThat(expected.size()).as("about one pick in 4, seed %d", SEED).isBetween(70, 130);
      for (int k = 0; k < lines.size(); k++) {
        assertThat(pickedIn(lines.get(k))).isEqualTo(picked.get(expected.get(k)));
      }
    }
  }

  @Test
  void nothingIsLogged_whenTheLoggerIsNotAtDebug_orTheLogIsOff() {
    CapturedLogs.stop();
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(3))
        .decisionLog(1).build()) {
      lb.pick();
    }
    CapturedLogs.capture();
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(3)).build()) {
      lb.pick();
    }
    assertThat(CapturedLogs.lines()).isEmpty();
  }

  @Test
  void aPickerOfYourOwn_isLoggedWithoutCandidates() {
    try (LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(endpoints(3))
        .picker(ready -> context -> 1).decisionLog(1).build()) {
      Endpoint picked = lb.pick(PickContext.empty().avoiding(Endpoint.of("10.0.0.2", 8080)));

      assertThat(CapturedLogs.lines()).singleElement().asString()
          .startsWith("DEBUG 'orders' picked " + picked.address() + " with ")
          .contains(": a picker that does not explain itself; the call avoids 10.0.0.2:8080, which it left; candidates:")
          .doesNotContain("inFlight=");
    }
  }

  @Test
  void decisionLog_belowOne_isRejected() {
    LoadBalancer.Builder builder = LoadBalancer.builder("orders");
    assertThatThrownBy(() -> builder.decisionLog(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decisionLog: 0 (expected: 1-2147483647)");
    assertThatThrownBy(() -> builder.decisionLog(-10_000))
        .hasMessage("decisionLog: -10000 (expected: 1-2147483647)");
  }
}
