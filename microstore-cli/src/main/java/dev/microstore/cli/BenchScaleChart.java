package dev.microstore.cli;

import dev.microstore.cli.BenchScale.Measurement;
import dev.microstore.cli.BenchScale.Method;
import dev.microstore.cli.BenchScale.Operation;
import dev.microstore.cli.BenchScale.Report;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The chart of {@code bench --scale}: median time against bucket size, both axes logarithmic, one
 * line per operation and method. The colour is the method, the stroke the operation (solid for the
 * prefix read, dashed for the list). Drawn with JFreeChart on a headless AWT and written as PNG.
 */
final class BenchScaleChart {
  static final int WIDTH = 1100;
  static final int HEIGHT = 700;

  private BenchScaleChart() {}

  /**
   * Draws the report and writes it as a PNG file, creating its folder if needed.
   *
   * @param subtitle what the run was measured on (server, machine)
   */
  static void write(Report report, String subtitle, Path file) throws IOException {
    // No display is needed, nor wanted: set before the first AWT class is loaded.
    System.setProperty("java.awt.headless", "true");
    JFreeChart chart = draw(report, subtitle);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  static JFreeChart draw(Report report, String subtitle) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int series = 0;
    for (Operation operation : Operation.values()) {
      for (Method method : Method.values()) {
        XYSeries line = new XYSeries(operation.label + ": " + method.label(operation), true, false);
        for (int size : report.sizes()) {
          Measurement m = report.point(operation, method, size);
          if (m != null && m.medianMs() > 0) {
            line.add(size, m.medianMs());
          }
        }
        data.addSeries(line);
        renderer.setSeriesPaint(series, colour(method));
        renderer.setSeriesStroke(series, stroke(operation));
        renderer.setSeriesShape(series, shape(operation));
        series++;
      }
    }
    LogAxis x = new LogAxis("keys in the bucket (" + BenchScale.TABLES + " tables; 1 % read)");
    x.setBase(10);
    x.setTickUnit(new NumberTickUnit(1)); // one tick a decade
    x.setNumberFormatOverride(
        new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    x.setLowerMargin(0.05);
    x.setUpperMargin(0.05);
    LogAxis y = new LogAxis("median time (ms)");
    y.setBase(10);
    y.setTickUnit(new NumberTickUnit(1));
    y.setNumberFormatOverride(
        new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart =
        new JFreeChart(
            "Prefix read and table list against bucket size",
            new Font(Font.SANS_SERIF, Font.BOLD, 18),
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }
    return chart;
  }

  private static Color colour(Method method) {
    switch (method) {
      case STORE:
        return new Color(0x1f, 0x77, 0xb4); // blue
      case NEAR_CACHE:
        return new Color(0x2c, 0xa0, 0x2c); // green
      case GO_PLUGIN:
        return new Color(0xd6, 0x27, 0x28); // red
      default:
        throw new IllegalArgumentException(method.name());
    }
  }

  private static BasicStroke stroke(Operation operation) {
    return operation == Operation.PREFIX_READ
        ? new BasicStroke(2.5f)
        : new BasicStroke(
            2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {9f, 6f}, 0f);
  }

  private static Shape shape(Operation operation) {
    return operation == Operation.PREFIX_READ
        ? new Ellipse2D.Double(-4, -4, 8, 8)
        : new Rectangle2D.Double(-4, -4, 8, 8);
  }
}
