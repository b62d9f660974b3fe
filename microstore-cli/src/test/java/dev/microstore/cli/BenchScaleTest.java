package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.internal.Json;
import dev.microstore.testing.NatsServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --scale} with tiny sizes on a real server: the table, the JSON and the PNG chart are
 * produced and every method found the expected results; no timing is asserted.
 */
class BenchScaleTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void benchScale_tinySizes_reportsEveryMethodAtEverySize_andDrawsAPng() throws Exception {
    try (NatsServer server = NatsServer.builder().start()) {
      Cli cli = Cli.with("--server", server.url()).workingDirectory(dir);

      Cli.Result r =
          cli.run(
              "bench",
              "--scale",
              "--quick",
              "--scale-sizes",
              "2000,200",
              "--json",
              "scale.json",
              "--chart",
              "charts/scale.png");

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("microstore bench --scale")
          .contains("2,000")
          .contains("store (server scan of the bucket)")
          .contains("store with near cache (replica in memory)")
          .contains("Go plugin's algorithm")
          .contains("prefix-read")
          .contains("list-table")
          .contains("wrote " + dir.resolve("charts/scale.png"));

      Map<String, Object> json =
          Json.parseObject(Files.readString(dir.resolve("scale.json")), "scale.json");
      assertThat(json).containsEntry("mode", "scale").containsKey("server");
      assertThat((List<Object>) json.get("sizes")).containsExactly(200L, 2000L);
      List<Object> points = (List<Object>) json.get("measurements");
      assertThat(points).hasSize(2 * 2 * 3);
      for (Object o : points) {
        Map<String, Object> p = (Map<String, Object>) o;
        assertThat(p).containsKeys("operation", "method", "label", "medianMs", "minMs", "maxMs");
        assertThat(p.get("results")).isEqualTo((Long) p.get("size") / BenchScale.TABLES);
        assertThat(((Number) p.get("medianMs")).doubleValue()).isPositive();
        assertThat(p.get("runs")).isEqualTo(2L);
      }
      assertThat(points)
          .extracting(o -> ((Map<String, Object>) o).get("method"))
          .containsOnly("store", "near-cache", "go-plugin");

      Path png = dir.resolve("charts/scale.png");
      byte[] bytes = Files.readAllBytes(png);
      assertThat(Arrays.copyOf(bytes, PNG_SIGNATURE.length)).isEqualTo(PNG_SIGNATURE);
      assertThat(bytes.length).isGreaterThan(10_000);
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(BenchScaleChart.WIDTH);
      assertThat(image.getHeight()).isEqualTo(BenchScaleChart.HEIGHT);

      assertThat(cli.run("databases").out()).doesNotContain(BenchScale.DB);
    }
  }

  @Test
  void benchHelp_describesTheScaleMode_withoutFormatWarnings() {
    // picocli reports a description it cannot format on System.err, not on the command's stream
    PrintStream systemErr = System.err;
    ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
    Cli.Result r;
    System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
    try {
      r = Cli.with().run("bench", "--help");
    } finally {
      System.setErr(systemErr);
    }

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("a prefix read (1 % of the keys)").contains("--scale-sizes");
    assertThat(picocliWarnings.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void benchScale_sizeNotAMultipleOfTheTables_isInvalidInput() {
    try (NatsServer server = NatsServer.builder().start()) {
      Cli.Result r =
          Cli.with("--server", server.url()).run("bench", "--scale", "--scale-sizes", "150");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err())
          .contains("scale size 150 is invalid: a size must be a positive multiple of 100");
    }
  }

  @Test
  void benchScaleSizes_withoutScale_isInvalidInput() {
    Cli.Result r = Cli.with().run("bench", "--scale-sizes", "1000");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).contains("--scale-sizes is an option of --scale");
  }

  @Test
  void benchScale_withOnly_isInvalidInput() {
    Cli.Result r = Cli.with().run("bench", "--scale", "--only", "exact-read");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).contains("--only chooses scenarios, --scale measures none");
  }
}
