package dev.microstore.cli;

import dev.microstore.internal.Json;
import dev.microstore.testing.NatsServer;
import dev.microstore.testing.NatsServerBinary;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: measures each scenario side by side with its baseline (raw jnats, or the store
 * without the feature), alternating the two, and reports medians, 99th percentiles and the ratio.
 */
@Command(
    name = "bench",
    header = "Measure the store against raw jnats, side by side.",
    description = {
      "Starts its own nats-server (data under ./.microstore/bench, wiped first) unless",
      "--server is given, prepares data in databases named bench-*, and runs each",
      "scenario alternating the store and its baseline: exact-write and exact-read (vs",
      "KeyValue.put/get), near-cache-read (vs a read without near cache),",
      "watch-latency (a write's acknowledgement to the watch listener, vs",
      "KeyValue.watch), prefix-read (vs the Go plugin's keys() + one get per key),",
      "bulk-write (vs sequential writes), list-table (vs keys() of the bucket),",
      "list-heap, near-cache-prefix-read and near-cache-list-table (vs the same",
      "without near cache), scan-heap (scanKeys vs list), async-write (vs",
      "publishAsync, same window) and cold-start (Stores.open + a read, vs connect +",
      "KeyValue.get). Ratio = microstore / baseline of the medians; lower is better.",
      "The bench databases are deleted at the end.",
      "",
      "With --scale, measures instead how a prefix read (1 %% of the keys) and the",
      "list of a table grow with the bucket (10,000, 100,000 and 1,000,000 keys by",
      "default), for the store, the store with a near cache and the Go plugin's",
      "algorithm (keys() of the bucket, filtered; a get per key), and draws the",
      "medians as a log-log PNG chart. It takes minutes: not for CI."
    })
final class BenchCommand extends BaseCommand {
  static final String DATA_DIR = ".microstore/bench";

  @Option(
      names = "--quick",
      description = "Tiny sizes and few rounds: runs in seconds (a smoke test, not a measurement).")
  boolean quick;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the results as JSON to FILE.")
  @Nullable Path json;

  @Option(
      names = "--only",
      paramLabel = "SCENARIO",
      split = ",",
      description = "Run only these scenarios (comma-separated names).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--scale",
      description =
          "Measure prefix read and table list against bucket size instead of the scenarios,"
              + " and draw a chart (see --scale-sizes, --chart).")
  boolean scale;

  @Option(
      names = "--scale-sizes",
      paramLabel = "KEYS",
      split = ",",
      description =
          "Bucket sizes of --scale, multiples of 100 (default: 10000,100000,1000000;"
              + " with --quick: 200,2000).")
  List<Integer> scaleSizes = new ArrayList<>();

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description = "Where --scale writes its PNG chart (default: ${DEFAULT-VALUE}).")
  Path chart = Path.of("bench-scale.png");

  @Override
  int execute() throws Exception {
    StoreOptions options = storeOptions();
    if (options.storeUri != null) {
      throw ExitException.invalidInput("bench measures the NATS store: use --server, not --store");
    }
    if (!scale && !scaleSizes.isEmpty()) {
      throw ExitException.invalidInput("--scale-sizes is an option of --scale: add --scale");
    }
    if (scale && !only.isEmpty()) {
      throw ExitException.invalidInput("--only chooses scenarios, --scale measures none: use one");
    }
    if (scale) {
      BenchScale.sizes(scaleSizes.isEmpty() ? BenchScale.DEFAULT_SIZES : scaleSizes);
    }
    if (!options.servers.isEmpty()) {
      return run(options.servers);
    }
    NatsServerBinary binary = NatsServerInstaller.ensureBinary(environment(), err());
    Path data = environment().resolve(DATA_DIR).normalize();
    DemoCommand.deleteRecursively(data);
    NatsServer.Builder serverBuilder = NatsServer.builder().binary(binary).storeDir(data);
    if (scale) {
      // keys() of a million keys on a loaded machine: with the default 64 MB the server cut the
      // client as a slow consumer, and keys() then returned part of the keys
      serverBuilder.extraConfig("max_pending: " + BenchScale.SERVER_MAX_PENDING);
    }
    try (NatsServer server = serverBuilder.start()) {
      out().println("started nats-server " + binary.version() + " at " + server.url());
      return run(List.of(server.url()));
    } finally {
      DemoCommand.deleteRecursively(data);
    }
  }

  private int run(List<String> servers) throws Exception {
    java.util.function.Supplier<Options> rawOptions =
        () -> {
          Options.Builder ob = new Options.Builder().servers(servers.toArray(new String[0]));
          root().connection.customizer(environment(), verbose(), err()).accept(ob);
          return ob.build();
        };
    Connection raw = Nats.connect(rawOptions.get());
    try {
      if (scale) {
        return runScale(raw, servers);
      }
      BenchScenarios scenarios =
          new BenchScenarios(
              quick ? BenchScenarios.Sizes.QUICK : BenchScenarios.Sizes.FULL,
              raw,
              () -> root().natsStore(servers),
              storeUri(servers),
              rawOptions,
              out());
      String version = raw.getServerInfo().getVersion();
      out()
          .println(
              "microstore bench"
                  + (quick ? " --quick" : "")
                  + ": nats-server "
                  + version
                  + ", "
                  + Runtime.getRuntime().availableProcessors()
                  + " cores, Java "
                  + System.getProperty("java.version"));
      List<BenchScenarios.Result> results = scenarios.runAll(only);
      out().println();
      printTable(results);
      if (json != null) {
        writeJson(environment().resolve(json.toString()), version, results);
      }
      return ExitCodes.OK;
    } finally {
      raw.close();
    }
  }

  private int runScale(Connection raw, List<String> servers) throws Exception {
    List<Integer> sizes =
        BenchScale.sizes(
            !scaleSizes.isEmpty()
                ? scaleSizes
                : quick ? BenchScale.QUICK_SIZES : BenchScale.DEFAULT_SIZES);
    String version = raw.getServerInfo().getVersion();
    String machine =
        Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.version");
    out()
        .println(
            "microstore bench --scale"
                + (quick ? " --quick" : "")
                + ": nats-server "
                + version
                + ", "
                + machine);
    BenchScale bench =
        new BenchScale(
            sizes,
            quick ? 1 : 2,
            quick ? 2 : 5,
            raw,
            // a pass over a million keys, or deleting them, may keep the server busy for longer
            // than the default 5 s
            () -> root().natsStore(servers).timeout(BenchScale.TIMEOUT),
            out());
    BenchScale.Report report = bench.run();
    out().println();
    BenchScale.printTable(report, out());
    Path png = environment().resolve(chart.toString());
    BenchScaleChart.write(
        report,
        "nats-server " + version + ", " + machine + "; median of " + report.runs() + " runs",
        png);
    out().println("wrote " + png);
    if (json != null) {
      writeJson(environment().resolve(json.toString()), BenchScale.json(report, version));
    }
    return ExitCodes.OK;
  }

  /** The servers as one store URI: {@code nats://a:4222,b:4222}. */
  static String storeUri(List<String> servers) {
    StringBuilder sb = new StringBuilder();
    for (String server : servers) {
      String s = server.trim();
      int scheme = s.indexOf("://");
      if (sb.length() == 0) {
        sb.append(scheme < 0 ? "nats://" + s : s);
      } else {
        sb.append(',').append(scheme < 0 ? s : s.substring(scheme + 3));
      }
    }
    return sb.toString();
  }

  private void printTable(List<BenchScenarios.Result> results) {
    String format = "%-22s %22s %22s %5s %8s %7s %s%n";
    out()
        .printf(
            Locale.ROOT,
            format,
            "scenario",
            "microstore (p99)",
            "baseline (p99)",
            "unit",
            "ratio",
            "target",
            "");
    for (BenchScenarios.Result r : results) {
      out()
          .printf(
              Locale.ROOT,
              format,
              r.name(),
              number(r.microstore()) + " (" + number(r.microstoreP99()) + ")",
              number(r.baseline()) + " (" + number(r.baselineP99()) + ")",
              r.unit(),
              Double.isFinite(r.ratio()) ? String.format(Locale.ROOT, "%.3f", r.ratio()) : "-",
              r.target() == null ? "-" : String.format(Locale.ROOT, "≤%.2f", r.target()),
              r.target() == null ? "" : r.ratio() <= r.target() ? "met" : "MISSED");
    }
    for (BenchScenarios.Result r : results) {
      if (!r.note().isEmpty()) {
        out().println(r.name() + ": " + r.note());
      }
    }
  }

  private static String number(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private void writeJson(Path file, String version, List<BenchScenarios.Result> results)
      throws IOException {
    List<Object> scenarios = new ArrayList<>();
    for (BenchScenarios.Result r : results) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("microstore", round(r.microstore()));
      m.put("baseline", round(r.baseline()));
      m.put("unit", r.unit());
      m.put("ratio", round(r.ratio()));
      m.put("target", r.target());
      m.put("microstoreP99", round(r.microstoreP99()));
      m.put("baselineP99", round(r.baselineP99()));
      m.put("samples", (long) r.samples());
      if (!r.note().isEmpty()) {
        m.put("note", r.note());
      }
      scenarios.add(m);
    }
    Map<String, @Nullable Object> doc = new LinkedHashMap<>();
    doc.put("server", version);
    doc.put("quick", quick);
    doc.put("cores", (long) Runtime.getRuntime().availableProcessors());
    doc.put("java", System.getProperty("java.version"));
    doc.put("scenarios", scenarios);
    writeJson(file, doc);
  }

  private void writeJson(Path file, Map<String, @Nullable Object> doc) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, Json.write(doc) + "\n", StandardCharsets.UTF_8);
    out().println("wrote " + file);
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10000.0) / 10000.0 : 0;
  }
}
