package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.sim.SimulationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's simulation block is the body of {@link SimulateMyPool}, and it runs. */
class SimulateMyPoolTest {
  private static String block() throws IOException {
    String source = Files.readString(Path.of("src/main/java/dev/roundabout/examples/SimulateMyPool.java"), StandardCharsets.UTF_8);
    String begin = "// simulate:begin\n";
    int from = source.indexOf(begin);
    int to = source.indexOf("// simulate:end", from);
    assertThat(from).as(begin).isNotNegative();
    StringBuilder code = new StringBuilder();
    for (String line : source.substring(from + begin.length(), to).split("\n", -1)) {
      code.append(line.startsWith("    ") ? line.substring(4) : line.strip()).append('\n');
    }
    return code.toString().replaceAll("\n+$", "\n");
  }

  @Test
  void theReadmeShowsTheSimulation_asItIsInTheExample() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("```java\n" + block() + "```\n");
  }

  @Test
  void theSimulation_runsTheMinuteOfCalls_andTheSlowServerLosesItsShare() {
    SimulationResult r = SimulateMyPool.run();

    assertThat(r.calls()).isBetween(55_000, 65_000); // 1,000 calls a second for 60 s
    assertThat(r.successRate()).isGreaterThan(0.99);
    long[] attempts = r.attemptsPerServer();
    assertThat(attempts[0]).as("the server that slowed down").isLessThan(attempts[1]);
  }
}
