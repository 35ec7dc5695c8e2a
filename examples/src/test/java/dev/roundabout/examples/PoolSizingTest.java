package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's pool sizing block is the body of {@link PoolSizing}, and the program runs. */
class PoolSizingTest {

  @Test
  void theReadmeShowsThePoolSizing_asItIsInTheExample() throws IOException {
    assertThat(ExamplesReadmeTest.readme())
        .contains("```java\n" + ExamplesReadmeTest.block("PoolSizing.java", "pool-sizing") + "```\n");
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
