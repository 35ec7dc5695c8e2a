package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo's script, short: not one failed request, and each event did what it should. */
class DemoTest {

  @Test
  void aShortRun_failsNoRequest_ejectsAndRestoresTheFailingBackend_andDrainsTheLast() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    DemoOptions options = DemoOptions.parse("--duration", "4s", "--clients", "4", "--seed", "7");

    DemoResult result = Demo.runOnce(options, options.picker, out);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(result.failed).as(printed).isZero();
    assertThat(result.requests).as(printed).isGreaterThan(100);
    DemoRecorder.PerBackend failing = result.backends.get("b3");
    assertThat(failing.ejections.get()).as("b3 ejected or failed its checks\n%s", printed).isPositive();
    assertThat(failing.restorations.get()).as("b3 restored\n%s", printed).isPositive();
    assertThat(failing.servedAfterComeback.get()).as("b3 served again after it came back\n%s", printed).isPositive();
    assertThat(result.backends.get("b4").afterDrain.get()).as("attempts to b4 after its removal\n%s", printed).isZero();
    assertThat(printed).contains("not one request failed", "b4 removed from the endpoint source", "b3 is back");
    assertThat(printed).contains("From the Prometheus scrape (b1 127.0.0.1:",
        "  roundabout_lb_endpoint_calls_seconds_count{balancer=\"demo\",endpoint=\"",
        "  roundabout_lb_ejections_total{balancer=\"demo\",reason=\"ejected\"}",
        "  roundabout_okhttp_retries_total{kind=\"retry\",service=\"demo\"}");
  }

  @Test
  void badOptions_printTheUsage_andExitWith2() {
    for (String[] args : new String[][] {
        {"--picker", "fastest"}, {"--duration", "0s"}, {"--duration", "soon"}, {"--clients", "0"},
        {"--clients", "many"}, {"--seed", "x"}, {"--verbose"}, {"--picker"},
        {"--duration", "999999999999999999m"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Demo.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: demo");
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Demo.run(new String[] {"--picker", "fastest"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("picker: \"fastest\" (expected: one of roundRobin, weightedRoundRobin, random, weightedRandom,"
            + " leastConnections, powerOfTwoChoices, ringHash, maglev, rendezvous, peakEwma, adaptive, reportedLoad)");
  }

  @Test
  void options_parse() {
    DemoOptions options = DemoOptions.parse("--picker", "leastConnections", "--duration", "1500ms", "--clients", "3", "--seed", "9", "--compare");
    assertThat(options.picker).isEqualTo("leastConnections");
    assertThat(options.duration).isEqualTo(Duration.ofMillis(1500));
    assertThat(options.clients).isEqualTo(3);
    assertThat(options.seed).isEqualTo(9);
    assertThat(options.compare).isTrue();
    assertThat(DemoOptions.duration("1m")).isEqualTo(Duration.ofMinutes(1));
  }
}
