package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in {@link Lease}'s Javadoc compiles as written. */
class LeaseExampleTest {

  /** The first {@code <pre>{@code ...}</pre>} block of {@code file}, without the comment's stars. */
  private static String example(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int from = lines.indexOf(" * <pre>{@code");
    int to = lines.indexOf(" * }</pre>");
    assertThat(from).as("the example in %s", file).isNotNegative().isLessThan(to);
    StringBuilder code = new StringBuilder();
    for (String line : lines.subList(from + 1, to)) {
      code.append(line.startsWith(" * ") ? line.substring(3) : line.replaceFirst("^ \\*", "")).append('\n');
    }
    return code.toString();
  }

  @Test
  void theClassExample_compiles_reportingAFailureWhereTheLeaseIsInScope(@TempDir Path dir) throws Exception {
    String example = example(Path.of("src/main/java/dev/roundabout/lb/Lease.java"));
    Path source = dir.resolve("LeaseExample.java");
    Files.writeString(
        source,
        "import dev.roundabout.lb.*;\n"
            + "import java.io.IOException;\n"
            + "class LeaseExample {\n"
            + "  void run(LoadBalancer lb) throws IOException {\n"
            + example
            + "  }\n"
            + "  void call(Endpoint endpoint) throws IOException {}\n"
            + "}\n",
        StandardCharsets.UTF_8);
    Path javac = Path.of(System.getProperty("java.home"), "bin", File.separatorChar == '\\' ? "javac.exe" : "javac");
    Process process =
        new ProcessBuilder(
                javac.toString(), "-proc:none", "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
                source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as("javac on\n%s\n%s", example, output).isZero();
    assertThat(example).contains("lease.failure(e)");
  }
}
