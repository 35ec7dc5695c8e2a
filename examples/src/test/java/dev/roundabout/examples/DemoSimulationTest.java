package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's --compare ends with lb-sim's figures for the same pickers. */
class DemoSimulationTest {
  @Test
  void printsTheComparedPickers_onTheOneSlowServerScenario() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSimulation.print(DemoOptions.COMPARED, 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("lb-sim's one-slow-server scenario");
    for (String picker : DemoOptions.COMPARED) {
      assertThat(out).containsPattern("(?m)^" + picker + " +[0-9.]+ +[0-9.]+ +[0-9.]+% +[0-9.]+%$");
    }
    // Round robin overloads the slow server (calls time out); least connections does not.
    assertThat(out).containsPattern("(?m)^roundRobin .* (8|9)[0-9]\\.[0-9]{2}% ");
    assertThat(out).containsPattern("(?m)^leastConnections .* 100\\.00% ");
  }
}
