package dev.roundabout.lb.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's two charts per scenario, drawn with XChart into PNG files of fixed size, with the
 * JDK's logical SansSerif font and fixed colours: the p99 latency over time, one line per policy;
 * and each server's share of calls over time, a grid of small stacked-area charts, one per policy.
 * Vertical grey lines mark the scenario's timeline. Draws on images only (no display); the caller
 * sets {@code java.awt.headless} where there is no display.
 */
final class ReportCharts {
  static final int LATENCY_WIDTH = 1100;
  static final int LATENCY_HEIGHT = 560;
  static final int CELL_WIDTH = 330;
  static final int CELL_HEIGHT = 210;
  static final int COLUMNS = 4;
  private static final int TITLE_HEIGHT = 36;
  private static final int LEGEND_ROW_HEIGHT = 22;
  private static final int LEGEND_PER_ROW = 12;

  private static final Color[] PICKER_COLORS = colors(0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b,
      0xe377c2, 0xbcbd22, 0x17becf, 0x393b79, 0xad494a, 0x637939);
  private static final Color[] ORACLE_COLORS = colors(0x000000, 0x8c8c8c);
  private static final Color[] SERVER_COLORS = colors(0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b,
      0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94);
  private static final Color GRID = new Color(0xe0e0e0);
  private static final Color TIMELINE = new Color(0x909090);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font CELL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

  private ReportCharts() {}

  static String latencyFile(Scenario scenario) {
    return scenario.name() + "-latency.png";
  }

  static String sharesFile(Scenario scenario) {
    return scenario.name() + "-shares.png";
  }

  /** Writes the p99 latency over time of every policy of {@code figures} to {@code file}. */
  static void latency(Scenario scenario, List<ReportFigures> figures, Path file) throws IOException {
    XYChart chart = new XYChart(LATENCY_WIDTH, LATENCY_HEIGHT);
    double seconds = scenario.duration().toNanos() / 1e9;
    chart.setTitle(scenario.name() + ": p99 latency of the calls arriving in each " + ReportFormat.number(
        seconds / ReportFigures.BUCKETS) + " s");
    chart.setXAxisTitle("time (s)");
    chart.setYAxisTitle("p99 latency (ms, log scale)");
    XYStyler styler = chart.getStyler();
    style(styler, TITLE, TEXT);
    styler.setLegendVisible(true);
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setLegendFont(TEXT);
    styler.setYAxisLogarithmic(true);
    styler.setXAxisMin(0.0);
    styler.setXAxisMax(seconds);
    double[] x = midpoints(seconds);
    int picker = 0;
    int oracle = 0;
    for (ReportFigures f : figures) {
      double[] y = f.p99OverTime();
      int n = 0;
      for (double v : y) {
        n += v > 0 ? 1 : 0;
      }
      if (n == 0) {
        continue; // no call arrived at all: nothing to draw on a log scale
      }
      double[] xs = new double[n];
      double[] ys = new double[n];
      for (int b = 0, k = 0; b < y.length; b++) {
        if (y[b] > 0) { // a slice without calls has no latency
          xs[k] = x[b];
          ys[k++] = y[b];
        }
      }
      XYSeries series = chart.addSeries(f.policy().name(), xs, ys);
      series.setMarker(SeriesMarkers.NONE);
      if (f.policy().isOracle()) {
        series.setLineColor(ORACLE_COLORS[oracle++ % ORACLE_COLORS.length]);
        series.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
      } else {
        series.setLineColor(PICKER_COLORS[picker++ % PICKER_COLORS.length]);
        series.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      }
    }
    timeline(scenario, chart);
    BufferedImage image = new BufferedImage(LATENCY_WIDTH, LATENCY_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      chart.paint(g, LATENCY_WIDTH, LATENCY_HEIGHT);
    } finally {
      g.dispose();
    }
    write(image, file);
  }

  /** Writes a grid of small charts, one per policy, of each server's share of calls over time. */
  static void shares(Scenario scenario, List<ReportFigures> figures, Path file) throws IOException {
    int servers = scenario.servers().size();
    int rows = (figures.size() + COLUMNS - 1) / COLUMNS;
    int legendRows = (servers + LEGEND_PER_ROW - 1) / LEGEND_PER_ROW;
    int width = COLUMNS * CELL_WIDTH;
    int height = TITLE_HEIGHT + rows * CELL_HEIGHT + legendRows * LEGEND_ROW_HEIGHT + 12;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(TITLE);
      g.drawString(scenario.name() + ": each server's share of the calls arriving in each "
          + ReportFormat.number(scenario.duration().toNanos() / 1e9 / ReportFigures.BUCKETS)
          + " s, over time in s (stacked, server 0 at the bottom)", 12, 24);
      for (int i = 0; i < figures.size(); i++) {
        XYChart cell = shareCell(scenario, figures.get(i));
        Graphics2D c = (Graphics2D) g.create(i % COLUMNS * CELL_WIDTH, TITLE_HEIGHT + i / COLUMNS * CELL_HEIGHT,
            CELL_WIDTH, CELL_HEIGHT);
        try {
          cell.paint(c, CELL_WIDTH, CELL_HEIGHT);
        } finally {
          c.dispose();
        }
      }
      g.setFont(TEXT);
      int top = TITLE_HEIGHT + rows * CELL_HEIGHT + 4;
      int step = width / LEGEND_PER_ROW;
      for (int s = 0; s < servers; s++) {
        int x = 12 + s % LEGEND_PER_ROW * step;
        int y = top + s / LEGEND_PER_ROW * LEGEND_ROW_HEIGHT;
        g.setColor(SERVER_COLORS[s % SERVER_COLORS.length]);
        g.fillRect(x, y + 4, 14, 12);
        g.setColor(Color.BLACK);
        g.drawString("server " + s, x + 19, y + 15);
      }
    } finally {
      g.dispose();
    }
    write(image, file);
  }

  private static XYChart shareCell(Scenario scenario, ReportFigures f) {
    XYChart chart = new XYChart(CELL_WIDTH, CELL_HEIGHT);
    chart.setTitle(f.policy().name());
    XYStyler styler = chart.getStyler();
    style(styler, CELL_TITLE, SMALL);
    styler.setLegendVisible(false);
    styler.setAxisTitlesVisible(false);
    styler.setChartTitlePadding(3);
    styler.setChartPadding(6);
    double seconds = scenario.duration().toNanos() / 1e9;
    styler.setXAxisMin(0.0);
    styler.setXAxisMax(seconds);
    styler.setYAxisMin(0.0);
    styler.setYAxisMax(1.0);
    chart.setCustomYAxisTickLabelsFormatter(v -> Math.round(v * 100) + "%");
    double[] x = midpoints(seconds);
    double[][] share = f.serverShareOverTime();
    int servers = f.servers();
    double[][] cumulative = new double[servers][x.length];
    for (int b = 0; b < x.length; b++) {
      double sum = 0;
      for (int s = 0; s < servers; s++) {
        sum += share[b][s];
        cumulative[s][b] = Math.min(1, sum);
      }
    }
    // Each area fills from its top down to 0: drawn from the top of the stack down, each server's
    // area covers the ones below it except for its own band.
    for (int s = servers - 1; s >= 0; s--) {
      XYSeries series = chart.addSeries("server " + s, x, cumulative[s]);
      series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      series.setMarker(SeriesMarkers.NONE);
      Color color = SERVER_COLORS[s % SERVER_COLORS.length];
      series.setFillColor(color);
      series.setLineColor(color);
      series.setLineWidth(0.5f);
    }
    timeline(scenario, chart);
    return chart;
  }

  private static void style(XYStyler styler, Font title, Font ticks) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderColor(Color.GRAY);
    styler.setPlotGridLinesColor(GRID);
    styler.setChartFontColor(Color.BLACK);
    styler.setChartTitleFont(title);
    styler.setChartTitleBoxVisible(false);
    styler.setAxisTitleFont(TEXT);
    styler.setAxisTickLabelsFont(ticks);
    styler.setAxisTickLabelsColor(Color.DARK_GRAY);
    styler.setBaseFont(TEXT);
    styler.setLegendBorderColor(Color.WHITE);
    styler.setAnnotationLineColor(TIMELINE);
    styler.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {3f, 3f}, 0f));
    styler.setLocale(Locale.ROOT);
    styler.setDecimalPattern("#,##0.##");
    styler.setAntiAlias(true);
    styler.setToolTipsEnabled(false);
  }

  /** A dotted vertical line at each point in time where the scenario changes something (after the start). */
  private static void timeline(Scenario scenario, XYChart chart) {
    List<Long> done = new ArrayList<>();
    for (Scenario.Action action : scenario.timeline()) {
      if (action.atNanos > 0 && action.atNanos < scenario.durationNanos() && !done.contains(action.atNanos)) {
        done.add(action.atNanos);
        chart.addAnnotation(new AnnotationLine(action.atNanos / 1e9, true, false));
      }
    }
  }

  private static double[] midpoints(double seconds) {
    double[] x = new double[ReportFigures.BUCKETS];
    for (int b = 0; b < x.length; b++) {
      x[b] = (b + 0.5) * seconds / ReportFigures.BUCKETS;
    }
    return x;
  }

  private static void write(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JDK (expected: javax.imageio's built-in one)");
    }
  }

  private static Color[] colors(int... rgb) {
    Color[] colors = new Color[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      colors[i] = new Color(rgb[i]);
    }
    return colors;
  }
}
