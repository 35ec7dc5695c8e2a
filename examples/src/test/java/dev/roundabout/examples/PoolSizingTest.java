package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's pool sizing block is the body of {@link PoolSizing}, and the program runs. */
class PoolSizingTest {

  /**
   * The lines between {@code // pool-sizing:begin} and {@code // pool-sizing:end}, indentation
   * removed, as {@code ExamplesReadmeTest} reads the quick starts.
   */
  private static String block() throws IOException {
    String source = Files.readString(Path.of("src/main/java/dev/roundabout/examples/PoolSizing.java"), StandardCharsets.UTF_8);
    String begin = "// pool-sizing:begin\n";
    int from = source.indexOf(begin);
    int to = source.indexOf("// pool-sizing:end", from);
    assertThat(from).as(begin).isNotNegative();
    StringBuilder code = new StringBuilder();
    for (String line : source.substring(from + begin.length(), to).split("\n", -1)) {
      code.append(line.startsWith("    ") ? line.substring(4) : line.strip()).append('\n');
    }
    return code.toString().replaceAll("\n+$", "\n");
  }

  @Test
  void theReadmeShowsThePoolSizing_asItIsInTheExample() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("```java\n" + block() + "```\n");
  }

  @Test
  void poolSizing_callsTheThreeServersInTurn() throws IOException {
    List<HttpServer> servers = List.of(
        OkHttpQuickStart.server("first"), OkHttpQuickStart.server("second"), OkHttpQuickStart.server("third"));
    try {
      List<String> answers = PoolSizing.call(
          OkHttpQuickStart.endpointOf(servers.get(0)),
          OkHttpQuickStart.endpointOf(servers.get(1)),
          OkHttpQuickStart.endpointOf(servers.get(2)));
      assertThat(answers).hasSize(6).containsOnly("first", "second", "third");
      assertThat(answers.subList(0, 3)).containsExactlyInAnyOrder("first", "second", "third");
    } finally {
      servers.forEach(server -> server.stop(0));
    }
  }
}
