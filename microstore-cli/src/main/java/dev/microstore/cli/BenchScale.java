package dev.microstore.cli;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.nats.NatsStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code bench --scale}: how the cost of a prefix read and of a table list grows with the bucket.
 *
 * <p>One database, {@value #DB}, of {@value #TABLES} tables of equal size, grown by {@code
 * writeAll} from one bucket size to the next (small values, so that the number of keys is what
 * grows). At each size, one table (1 % of the keys) is read with a prefix read and listed, by each
 * {@link Method}: the store (one pass of the server over the bucket), the store with a near cache
 * (a walk of the table's range in the replica) and the Go plugin's algorithm ({@code keys()} of the
 * whole bucket, filtered by the client; a prefix read then gets each key). Each measurement is the
 * median of several runs after warm-up runs; the methods alternate within each round, the first one
 * changing from round to round, so that noise from other processes hits all of them alike.
 */
final class BenchScale {
  /** The database of the scale bench; deleted at the end. */
  static final String DB = "bench-scale";

  /** Tables of the database: one of them is 1 % of the keys. */
  static final int TABLES = 100;

  static final List<Integer> DEFAULT_SIZES = List.of(10_000, 100_000, 1_000_000);
  static final List<Integer> QUICK_SIZES = List.of(200, 2_000);

  /** How long the bench's stores wait for the server: passes over a million keys are long. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * The most a server the scale bench starts queues for a client before cutting it as a slow
   * consumer (nats-server's {@code max_pending}, default 64 MB).
   */
  static final String SERVER_MAX_PENDING = "512MB";

  private static final int VALUE_SIZE = 16;

  /** The two operations measured at each size. */
  enum Operation {
    PREFIX_READ("prefix-read", "prefix read"),
    LIST_TABLE("list-table", "list of a table");

    final String id;
    final String label;

    Operation(String id, String label) {
      this.id = id;
      this.label = label;
    }
  }

  /** The ways to answer an operation. */
  enum Method {
    STORE("store", "store (server scan of the bucket)"),
    NEAR_CACHE("near-cache", "store with near cache (replica in memory)"),
    GO_PLUGIN("go-plugin", "Go plugin's algorithm (keys() of the bucket, filtered; get each)");

    final String id;
    final String label;

    Method(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** The label of this method for one operation: a list gets no key, so it says so. */
    String label(Operation operation) {
      if (this == GO_PLUGIN && operation == Operation.LIST_TABLE) {
        return "Go plugin's algorithm (keys() of the bucket, filtered)";
      }
      return label;
    }
  }

  /** One measured point: the median time of {@code runs} runs of a method at one bucket size. */
  record Measurement(
      Operation operation,
      Method method,
      int size,
      int results,
      double medianMs,
      double minMs,
      double maxMs,
      int runs) {}

  /** How long filling the bucket up to a size took (the keys added since the previous size). */
  record Fill(int size, int added, double seconds) {}

  /** The whole run: fills and measurements in the order they were taken. */
  record Report(
      List<Integer> sizes, int warmups, int runs, List<Fill> fills, List<Measurement> points) {
    /** The measurement of a method at a size, if taken. */
    @Nullable Measurement point(Operation operation, Method method, int size) {
      for (Measurement m : points) {
        if (m.operation() == operation && m.method() == method && m.size() == size) {
          return m;
        }
      }
      return null;
    }
  }

  private final List<Integer> sizes;
  private final int warmups;
  private final int runs;
  private final Connection raw;
  private final Supplier<NatsStore> builder;
  private final PrintWriter out;
  private final byte[] value = new byte[VALUE_SIZE];

  /**
   * A scale bench on a server.
   *
   * @param sizes the bucket sizes, validated by {@link #sizes(List)}
   * @param warmups runs of each method before the measured ones, at each size
   * @param runs measured runs of each method at each size
   */
  BenchScale(
      List<Integer> sizes,
      int warmups,
      int runs,
      Connection raw,
      Supplier<NatsStore> builder,
      PrintWriter out) {
    this.sizes = List.copyOf(sizes);
    this.warmups = warmups;
    this.runs = runs;
    this.raw = raw;
    this.builder = builder;
    this.out = out;
    new Random(42).nextBytes(value);
  }

  /**
   * The sizes to measure, ascending and without repeats.
   *
   * @throws ExitException (invalid input) if a size is not a positive multiple of {@value #TABLES}
   */
  static List<Integer> sizes(List<Integer> given) {
    TreeSet<Integer> sorted = new TreeSet<>();
    for (int size : given) {
      if (size < TABLES || size % TABLES != 0) {
        throw ExitException.invalidInput(
            "scale size "
                + size
                + " is invalid: a size must be a positive multiple of "
                + TABLES
                + " (the bucket holds "
                + TABLES
                + " tables of equal size, one of them is read)");
      }
      sorted.add(size);
    }
    if (sorted.isEmpty()) {
      throw ExitException.invalidInput("--scale-sizes is empty: give at least one size");
    }
    return List.copyOf(sorted);
  }

  /** Grows the bucket through every size, measures at each, and deletes the database. */
  Report run() throws Exception {
    List<Fill> fills = new ArrayList<>();
    List<Measurement> points = new ArrayList<>();
    try (Store store = builder.get().build()) {
      deleteIfPresent(store);
      try {
        int filled = 0;
        for (int size : sizes) {
          out.printf(Locale.ROOT, "scale %,d keys: filling ...%n", size);
          out.flush();
          long t0 = System.nanoTime();
          grow(store, filled, size);
          fills.add(new Fill(size, size - filled, (System.nanoTime() - t0) / 1e9));
          filled = size;
          measure(store, size, points);
        }
      } catch (Exception e) {
        // the measurement's failure is the one to report, not a failure to clean up after it
        try {
          deleteIfPresent(store);
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      deleteIfPresent(store);
    }
    return new Report(sizes, warmups, runs, List.copyOf(fills), List.copyOf(points));
  }

  private static void deleteIfPresent(Store store) {
    if (store.databases().contains(DB)) {
      store.deleteDatabase(DB);
    }
  }

  /** The name of table {@code t}: {@code t00} to {@code t99}. */
  static String table(int t) {
    return String.format(Locale.ROOT, "t%02d", t);
  }

  /** Adds the keys of every table from size {@code from} to size {@code to}, by writeAll. */
  private void grow(Store store, int from, int to) {
    int first = from / TABLES;
    int last = to / TABLES;
    for (int t = 0; t < TABLES; t++) {
      List<Record> records = new ArrayList<>(last - first);
      for (int i = first; i < last; i++) {
        records.add(Record.of(String.format(Locale.ROOT, "k%07d", i), value));
      }
      store
          .writeAll(records, WriteOptions.builder().database(DB).table(table(t)).build())
          .throwIfFailed();
    }
  }

  /** One way of doing an operation; returns how many records or keys it found. */
  private interface Way {
    int run() throws Exception;
  }

  private void measure(Store store, int size, List<Measurement> points) throws Exception {
    String table = table(TABLES / 2);
    int expected = size / TABLES;
    ReadOptions prefix = ReadOptions.builder().database(DB).table(table).prefix().build();
    ListOptions list = ListOptions.builder().database(DB).table(table).build();
    // keys() starts with a consumer whose creation, on a bucket of a million keys, keeps the server
    // busy for longer than jnats' default request timeout
    KeyValue kv =
        raw.keyValue(
            DB,
            KeyValueOptions.builder()
                .jetStreamOptions(JetStreamOptions.builder().requestTimeout(TIMEOUT).build())
                .build());
    String rawPrefix = table + "_";
    try (Store cached = builder.get().nearCache(DB).build()) {
      Map<Method, Way> reads = new LinkedHashMap<>();
      reads.put(Method.STORE, () -> store.read("", prefix).size());
      reads.put(Method.NEAR_CACHE, () -> cached.read("", prefix).size());
      reads.put(
          Method.GO_PLUGIN,
          () -> {
            // the Go plugin: every key of the bucket, keep the table's, one get per key
            int got = 0;
            for (String k : kv.keys()) {
              if (k.startsWith(rawPrefix) && kv.get(k) != null) {
                got++;
              }
            }
            return got;
          });
      Map<Method, Way> lists = new LinkedHashMap<>();
      lists.put(Method.STORE, () -> store.list(list).size());
      lists.put(Method.NEAR_CACHE, () -> cached.list(list).size());
      lists.put(
          Method.GO_PLUGIN,
          () -> {
            // the Go plugin: every key of the bucket, keep the table's
            int got = 0;
            for (String k : kv.keys()) {
              if (k.startsWith(rawPrefix)) {
                got++;
              }
            }
            return got;
          });
      measure(Operation.PREFIX_READ, reads, size, expected, points);
      measure(Operation.LIST_TABLE, lists, size, expected, points);
    }
  }

  /**
   * Warm-up runs of each way (the near cache's first one starts its replica: one pass over the
   * bucket), then {@link #runs} rounds running every way once, the first way rotating.
   */
  private void measure(
      Operation operation, Map<Method, Way> ways, int size, int expected, List<Measurement> points)
      throws Exception {
    out.printf(Locale.ROOT, "scale %,d keys: %s ...%n", size, operation.id);
    out.flush();
    List<Method> methods = new ArrayList<>(ways.keySet());
    for (int i = 0; i < warmups; i++) {
      for (Method m : methods) {
        check(ways.get(m).run(), expected, operation, m);
      }
    }
    Map<Method, BenchSamples> samples = new LinkedHashMap<>();
    for (Method m : methods) {
      samples.put(m, new BenchSamples());
    }
    for (int round = 0; round < runs; round++) {
      for (int j = 0; j < methods.size(); j++) {
        Method m = methods.get((round + j) % methods.size());
        long t0 = System.nanoTime();
        int got = ways.get(m).run();
        samples.get(m).add(System.nanoTime() - t0);
        check(got, expected, operation, m);
      }
    }
    for (Method m : methods) {
      BenchSamples s = samples.get(m);
      points.add(
          new Measurement(
              operation,
              m,
              size,
              expected,
              s.median() / 1e6,
              s.percentile(0) / 1e6,
              s.percentile(100) / 1e6,
              s.size()));
    }
  }

  /**
   * Prints the report as a table: one row per operation and method, one column per size, the median
   * time in milliseconds; then the fill times.
   */
  static void printTable(Report report, PrintWriter out) {
    StringBuilder header =
        new StringBuilder(
            String.format(Locale.ROOT, "%-13s %-66s", "operation", "method (median ms)"));
    for (int size : report.sizes()) {
      header.append(String.format(Locale.ROOT, " %12s", String.format(Locale.ROOT, "%,d", size)));
    }
    out.println(header.toString().stripTrailing());
    for (Operation operation : Operation.values()) {
      for (Method method : Method.values()) {
        StringBuilder row =
            new StringBuilder(
                String.format(Locale.ROOT, "%-13s %-66s", operation.id, method.label(operation)));
        for (int size : report.sizes()) {
          Measurement m = report.point(operation, method, size);
          row.append(String.format(Locale.ROOT, " %12s", m == null ? "-" : number(m.medianMs())));
        }
        out.println(row.toString().stripTrailing());
      }
    }
    out.printf(
        Locale.ROOT,
        "keys in the bucket across %d tables; the table read and listed holds 1 %% of them;"
            + " median of %d runs after %d warm-up runs%n",
        TABLES,
        report.runs(),
        report.warmups());
    for (Fill f : report.fills()) {
      out.printf(
          Locale.ROOT,
          "filled to %,d keys: %,d added by writeAll in %.1f s%n",
          f.size(),
          f.added(),
          f.seconds());
    }
  }

  /** A time in milliseconds with three significant digits or more. */
  static String number(double ms) {
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    return String.format(Locale.ROOT, "%.3f", ms);
  }

  /**
   * The report as a JSON document: {@code {"mode": "scale", "server", ..., "sizes", "fills",
   * "measurements": [{"operation", "method", "label", "size", "results", "medianMs", "minMs",
   * "maxMs", "runs"}]}}.
   */
  static Map<String, @Nullable Object> json(Report report, String server) {
    List<Object> fills = new ArrayList<>();
    for (Fill f : report.fills()) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("size", (long) f.size());
      m.put("added", (long) f.added());
      m.put("seconds", round(f.seconds()));
      fills.add(m);
    }
    List<Object> points = new ArrayList<>();
    for (Measurement p : report.points()) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("operation", p.operation().id);
      m.put("method", p.method().id);
      m.put("label", p.method().label(p.operation()));
      m.put("size", (long) p.size());
      m.put("results", (long) p.results());
      m.put("medianMs", round(p.medianMs()));
      m.put("minMs", round(p.minMs()));
      m.put("maxMs", round(p.maxMs()));
      m.put("runs", (long) p.runs());
      points.add(m);
    }
    List<Object> sizes = new ArrayList<>();
    for (int size : report.sizes()) {
      sizes.add((long) size);
    }
    Map<String, @Nullable Object> doc = new LinkedHashMap<>();
    doc.put("mode", "scale");
    doc.put("server", server);
    doc.put("cores", (long) Runtime.getRuntime().availableProcessors());
    doc.put("java", System.getProperty("java.version"));
    doc.put("tables", (long) TABLES);
    doc.put("valueBytes", (long) VALUE_SIZE);
    doc.put("warmups", (long) report.warmups());
    doc.put("runs", (long) report.runs());
    doc.put("sizes", sizes);
    doc.put("fills", fills);
    doc.put("measurements", points);
    return doc;
  }

  private static double round(double v) {
    return Math.round(v * 10000.0) / 10000.0;
  }

  private static void check(int got, int expected, Operation operation, Method method) {
    if (got != expected) {
      throw new IllegalStateException(
          operation.id
              + " by "
              + method.id
              + " returned "
              + got
              + " results, expected "
              + expected);
    }
  }
}
