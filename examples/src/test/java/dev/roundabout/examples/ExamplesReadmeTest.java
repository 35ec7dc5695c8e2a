package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's quick starts are the bodies of the example programs, and the programs run. */
class ExamplesReadmeTest {

  static String readme() throws IOException {
    return Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
  }

  /** The lines between {@code // <marker>:begin} and {@code // <marker>:end}, indentation removed. */
  static String block(String file, String marker) throws IOException {
    String source = Files.readString(Path.of("src/main/java/dev/roundabout/examples/" + file), StandardCharsets.UTF_8);
    String begin = "// " + marker + ":begin\n";
    int from = source.indexOf(begin);
    int to = source.indexOf("// " + marker + ":end", from);
    assertThat(from).as("%s in %s", begin, file).isNotNegative();
    String[] lines = source.substring(from + begin.length(), to).split("\n", -1);
    StringBuilder code = new StringBuilder();
    for (String line : lines) {
      code.append(line.startsWith("    ") ? line.substring(4) : line.strip()).append('\n');
    }
    return code.toString().replaceAll("\n+$", "\n");
  }

  @Test
  void theReadmeShowsTheQuickStarts_asTheyAreInTheExamples() throws IOException {
    assertThat(readme()).contains("```java\n" + block("QuickStart.java", "quick-start") + "```\n");
    assertThat(readme()).contains("```java\n" + block("OkHttpQuickStart.java", "okhttp-quick-start") + "```\n");
    assertThat(readme()).contains("```java\n" + block("Demo.java", "metrics") + "```\n");
  }

  @Test
  void quickStart_runs() {
    QuickStart.main(new String[0]);
  }

  @Test
  void okHttpQuickStart_callsOneOfTheTwoServers() throws IOException {
    HttpServer first = OkHttpQuickStart.server("first");
    HttpServer second = OkHttpQuickStart.server("second");
    try {
      assertThat(OkHttpQuickStart.call(OkHttpQuickStart.endpointOf(first), OkHttpQuickStart.endpointOf(second)))
          .isIn("first", "second");
    } finally {
      first.stop(0);
      second.stop(0);
    }
  }
}
