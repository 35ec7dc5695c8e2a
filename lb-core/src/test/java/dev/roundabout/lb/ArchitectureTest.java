package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The boundaries of lb-core, checked on its sources. */
class ArchitectureTest {
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);
  private static final List<String> ALLOWED =
      List.of(
          "java.", "javax.annotation.", "org.slf4j.", "org.jspecify.", "com.github.benmanes.caffeine.cache.",
          "io.github.resilience4j.circuitbreaker.", "io.github.resilience4j.core.",
          "dev.roundabout.lb.");

  @Test
  void core_importsOnlyTheJdkItsDeclaredLibrariesAndItself_neverATransport() throws IOException {
    List<String> offending = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          String imported = m.group(1);
          if (ALLOWED.stream().noneMatch(imported::startsWith)) {
            offending.add(file + ": " + imported);
          }
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void pickAndInternalPackages_exposeNoPublicTypeButTheirEntryPoints() throws IOException {
    List<String> publicTypes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/roundabout/lb/pick"))) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        if (Files.readString(file).contains("\npublic ")) {
          publicTypes.add(file.getFileName().toString());
        }
      }
    }
    assertThat(publicTypes).containsExactly("BuiltinPickers.java");
  }

  @Test
  void moduleInfo_exportsOnlyTheApiPackages() throws IOException {
    String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
    assertThat(Pattern.compile("^\\s*exports ([\\w.]+);", Pattern.MULTILINE).matcher(moduleInfo).results().map(r -> r.group(1)))
        .containsExactly("dev.roundabout.lb", "dev.roundabout.lb.health");
  }

  @Test
  void architectureMd_namesOnlyTypesAndMethodsThatExist() throws IOException {
    String doc = Files.readString(Path.of("ARCHITECTURE.md"));
    List<String> missing = new ArrayList<>();
    Matcher type = Pattern.compile("`([A-Z]\\w+)(?:\\.(\\w+))?`").matcher(doc);
    while (type.find()) {
      Path file;
      try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
        file = files.filter(p -> p.getFileName().toString().equals(type.group(1) + ".java")).findFirst().orElse(null);
      }
      if (file == null) {
        missing.add(type.group());
      } else if (type.group(2) != null && !Files.readString(file).contains(" " + type.group(2) + "(")) {
        missing.add(type.group());
      }
    }
    Matcher method = Pattern.compile("`(\\w+)\\(\\.*\\)`").matcher(doc);
    String sources;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      StringBuilder all = new StringBuilder();
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        all.append(Files.readString(file));
      }
      sources = all.toString();
    }
    while (method.find()) {
      if (!sources.contains(" " + method.group(1) + "(")) {
        missing.add(method.group());
      }
    }
    assertThat(missing).as("names in ARCHITECTURE.md without a match in the sources").isEmpty();
  }
}
