package dev.roundabout.lb.sim;

import static dev.roundabout.lb.sim.ReportTestSupport.SEED;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportChartsTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir
  Path dir;

  @AfterEach
  void noReportThreadOutlivesTheRun() {
    assertThat(ReportTestSupport.reportThreads()).isEmpty();
  }

  private static Report tinyReport() {
    return Report.builder()
        .scenarios(List.of(ReportTestSupport.tiny()))
        .pickers(ReportTestSupport.twoPickers())
        .validationScale(0)
        .seed(SEED)
        .run();
  }

  private static BufferedImage png(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, PNG_SIGNATURE.length)).as("%s starts as a PNG", file).isEqualTo(PNG_SIGNATURE);
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as("%s decodes", file).isNotNull();
    return image;
  }

  @Test
  void write_putsThePage_andTwoChartsPerScenario_besideIt() throws IOException {
    Report report = tinyReport();

    report.write(dir);

    assertThat(Files.readString(dir.resolve("QUALITY.md"), StandardCharsets.UTF_8)).isEqualTo(report.markdown());
    try (var files = Files.list(dir.resolve("quality"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("tiny-latency.png", "tiny-shares.png");
    }
  }

  @Test
  void theLatencyChart_isAPngOfItsFixedSize() throws IOException {
    Path file = dir.resolve("latency.png");
    ReportCharts.latency(ReportTestSupport.tiny(), tinyReport().figures(ReportTestSupport.tiny()), file);

    BufferedImage image = png(file);
    assertThat(image.getWidth()).isEqualTo(ReportCharts.LATENCY_WIDTH);
    assertThat(image.getHeight()).isEqualTo(ReportCharts.LATENCY_HEIGHT);
  }

  @Test
  void theSharesChart_isAGridOfOneCellPerPolicy_withALegendRow() throws IOException {
    Path file = dir.resolve("shares.png");
    ReportCharts.shares(ReportTestSupport.tiny(), tinyReport().figures(ReportTestSupport.tiny()), file);

    BufferedImage image = png(file);
    // Two pickers and two oracles: one row of four cells, and one legend row for four servers.
    assertThat(image.getWidth()).isEqualTo(ReportCharts.COLUMNS * ReportCharts.CELL_WIDTH);
    assertThat(image.getHeight()).isEqualTo(36 + ReportCharts.CELL_HEIGHT + 22 + 12);
  }

  @Test
  void theSameFigures_drawTheSameBytes() throws IOException {
    Report report = tinyReport();
    Scenario tiny = ReportTestSupport.tiny();
    ReportCharts.shares(tiny, report.figures(tiny), dir.resolve("a.png"));
    ReportCharts.shares(tiny, tinyReport().figures(tiny), dir.resolve("b.png"));
    ReportCharts.latency(tiny, report.figures(tiny), dir.resolve("c.png"));
    ReportCharts.latency(tiny, tinyReport().figures(tiny), dir.resolve("d.png"));

    assertThat(Files.readAllBytes(dir.resolve("b.png"))).isEqualTo(Files.readAllBytes(dir.resolve("a.png")));
    assertThat(Files.readAllBytes(dir.resolve("d.png"))).isEqualTo(Files.readAllBytes(dir.resolve("c.png")));
  }

  @Test
  void theTestsRunHeadless() {
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }
}
