package dev.microstore.cli;

import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import dev.microstore.nats.NatsStore;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The scenarios of {@code microstore bench}. Each one runs the store and its baseline alternately
 * (per operation for single operations, per round for the large ones, flipping which goes first),
 * so that noise from other processes hits both sides alike.
 *
 * <p>This class holds the run, the single-operation scenarios (exact reads and writes, the near
 * cache's exact read, cold start) and the timing helpers; the other scenarios are in {@link
 * BenchWatchLatency}, {@link BenchScanScenarios} and {@link BenchAsyncWrite}, the heap sampling in
 * {@link BenchHeap}. {@code bench --scale} is {@link BenchScale}.
 */
final class BenchScenarios {
  /** Sizes of one bench run. */
  record Sizes(
      int exactWarmup,
      int exactOps,
      int prefixTableKeys,
      int prefixTables,
      int prefixRounds,
      int bulkRecords,
      int bulkRounds,
      int listTableKeys,
      int listTables,
      int listRounds,
      int nearCacheRounds,
      int scanKeys,
      int asyncWrites,
      int asyncRounds,
      int coldRounds) {
    static final Sizes FULL =
        new Sizes(3000, 20000, 10000, 5, 5, 50000, 3, 1000, 100, 7, 9, 200000, 50000, 5, 30);
    static final Sizes QUICK = new Sizes(20, 100, 100, 5, 2, 300, 2, 20, 10, 2, 2, 500, 300, 2, 2);
  }

  /** The measurements of one scenario; times in {@link #unit}. */
  record Result(
      String name,
      double microstore,
      double baseline,
      double microstoreP99,
      double baselineP99,
      String unit,
      @Nullable Double target,
      int samples,
      String note) {
    double ratio() {
      return microstore / baseline;
    }
  }

  static final List<String> NAMES =
      List.of(
          "exact-write",
          "exact-read",
          "near-cache-read",
          "watch-latency",
          "prefix-read",
          "bulk-write",
          "list-table",
          "list-heap",
          "near-cache-prefix-read",
          "near-cache-list-table",
          "scan-heap",
          "async-write",
          "cold-start");

  static final int VALUE_SIZE = 100;
  static final int EXACT_KEYS = 1000;

  /** Threads and in-flight window of async-write, the same for both sides. */
  static final int ASYNC_THREADS = 16;

  static final int ASYNC_WINDOW = 256;

  final Sizes sizes;
  final Connection raw;
  final Supplier<NatsStore> builder;
  private final String storeUri;
  private final Supplier<Options> rawOptions;
  private final PrintWriter out;
  final byte[] value = new byte[VALUE_SIZE];

  /**
   * Scenarios on a server.
   *
   * @param storeUri the servers as a store URI without parameters, for {@code Stores.open}
   * @param rawOptions options of a new raw jnats connection to the same servers
   */
  BenchScenarios(
      Sizes sizes,
      Connection raw,
      Supplier<NatsStore> builder,
      String storeUri,
      Supplier<Options> rawOptions,
      PrintWriter out) {
    this.sizes = sizes;
    this.raw = raw;
    this.builder = builder;
    this.storeUri = storeUri;
    this.rawOptions = rawOptions;
    this.out = out;
    new Random(42).nextBytes(value);
  }

  List<Result> runAll(List<String> only) throws Exception {
    for (String name : only) {
      if (!NAMES.contains(name)) {
        throw ExitException.invalidInput(
            "unknown scenario \"" + name + "\": known are " + String.join(", ", NAMES));
      }
    }
    List<Result> results = new ArrayList<>();
    try (Store store = builder.get().build()) {
      try {
        for (String name : NAMES) {
          if (!only.isEmpty() && !only.contains(name)) {
            continue;
          }
          out.println("running " + name + " ...");
          out.flush();
          Result r = run(name, store);
          results.add(r);
        }
      } finally {
        for (String db : store.databases()) {
          if (db.startsWith("bench-")) {
            store.deleteDatabase(db);
          }
        }
      }
    }
    return results;
  }

  private Result run(String name, Store store) throws Exception {
    switch (name) {
      case "exact-write":
        return exactWrite(store);
      case "exact-read":
        return exactRead(store);
      case "near-cache-read":
        return nearCacheRead(store);
      case "watch-latency":
        return new BenchWatchLatency(this).watchLatency(store);
      case "prefix-read":
        return new BenchScanScenarios(this).prefixRead(store);
      case "bulk-write":
        return new BenchScanScenarios(this).bulkWrite(store);
      case "list-table":
        return new BenchScanScenarios(this).listTable(store);
      case "list-heap":
        return new BenchScanScenarios(this).listHeap(store);
      case "near-cache-prefix-read":
        return new BenchScanScenarios(this).nearCachePrefixRead(store);
      case "near-cache-list-table":
        return new BenchScanScenarios(this).nearCacheListTable(store);
      case "scan-heap":
        return new BenchScanScenarios(this).scanHeap(store);
      case "async-write":
        return new BenchAsyncWrite(this).asyncWrite(store);
      case "cold-start":
        return coldStart(store);
      default:
        throw new IllegalArgumentException(name);
    }
  }

  // ---------------------------------------------------------------- single operations

  private static final String EXACT_DB = "bench-exact";

  private Result exactWrite(Store store) throws Exception {
    WriteOptions to = WriteOptions.builder().database(EXACT_DB).build();
    store.write(Record.of("s0", value), to);
    KeyValue kv = raw.keyValue(EXACT_DB);
    String[] storeKeys = keys("s", EXACT_KEYS);
    String[] rawKeys = keys("r", EXACT_KEYS);
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    alternate(
        i -> store.write(Record.of(storeKeys[i % EXACT_KEYS], value), to),
        i -> kv.put(rawKeys[i % EXACT_KEYS], value),
        a,
        b);
    return micros("exact-write", a, b, 1.10, "store.write of a 100-byte value vs KeyValue.put");
  }

  private Result exactRead(Store store) throws Exception {
    prepareExact(store);
    KeyValue kv = raw.keyValue(EXACT_DB);
    ReadOptions from = ReadOptions.builder().database(EXACT_DB).build();
    String[] storeKeys = keys("s", EXACT_KEYS);
    String[] rawKeys = keys("r", EXACT_KEYS);
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    alternate(
        i -> store.read(storeKeys[i % EXACT_KEYS], from),
        i -> {
          KeyValueEntry e = kv.get(rawKeys[i % EXACT_KEYS]);
          if (e == null) {
            throw new IllegalStateException("raw get found nothing");
          }
        },
        a,
        b);
    return micros("exact-read", a, b, 1.10, "exact store.read vs KeyValue.get");
  }

  private Result nearCacheRead(Store store) throws Exception {
    prepareExact(store);
    ReadOptions from = ReadOptions.builder().database(EXACT_DB).build();
    String[] storeKeys = keys("s", EXACT_KEYS);
    try (Store cached = builder.get().nearCache(EXACT_DB).build()) {
      BenchSamples a = new BenchSamples();
      BenchSamples b = new BenchSamples();
      alternate(
          i -> cached.read(storeKeys[i % EXACT_KEYS], from),
          i -> store.read(storeKeys[i % EXACT_KEYS], from),
          a,
          b);
      return micros(
          "near-cache-read", a, b, 0.02, "exact read from the near cache vs from the server");
    }
  }

  private void prepareExact(Store store) throws Exception {
    List<Record> records = new ArrayList<>();
    for (String k : keys("s", EXACT_KEYS)) {
      records.add(Record.of(k, value));
    }
    store.writeAll(records, WriteOptions.builder().database(EXACT_DB).build()).throwIfFailed();
    KeyValue kv = raw.keyValue(EXACT_DB);
    for (String k : keys("r", EXACT_KEYS)) {
      kv.put(k, value);
    }
  }

  /** One operation of a side, given its index. */
  interface Op {
    void run(int i) throws Exception;
  }

  /** One operation of a side, given its index, that measures itself: nanoseconds. */
  interface Sample {
    long take(int i) throws Exception;
  }

  /** Warms up, then runs both sides once per index, flipping which goes first each time. */
  private void alternate(Op store, Op baseline, BenchSamples a, BenchSamples b) throws Exception {
    alternateSamples(i -> time(store, i), i -> time(baseline, i), a, b);
  }

  /** {@link #alternate} with operations that measure themselves. */
  void alternateSamples(Sample store, Sample baseline, BenchSamples a, BenchSamples b)
      throws Exception {
    for (int i = 0; i < sizes.exactWarmup(); i++) {
      store.take(i);
      baseline.take(i);
    }
    for (int i = 0; i < sizes.exactOps(); i++) {
      if ((i & 1) == 0) {
        a.add(store.take(i));
        b.add(baseline.take(i));
      } else {
        b.add(baseline.take(i));
        a.add(store.take(i));
      }
    }
  }

  static long time(Op op, int i) throws Exception {
    long t0 = System.nanoTime();
    op.run(i);
    return System.nanoTime() - t0;
  }

  static Result micros(String name, BenchSamples a, BenchSamples b, double target, String note) {
    return new Result(
        name,
        a.median() / 1e3,
        b.median() / 1e3,
        a.p99() / 1e3,
        b.p99() / 1e3,
        "µs",
        target,
        a.size(),
        note);
  }

  // ---------------------------------------------------------------- cold start

  private Result coldStart(Store store) throws Exception {
    prepareExact(store);
    String uri = storeUri + "?database=" + EXACT_DB;
    Sample ours =
        i -> {
          long t0 = System.nanoTime();
          Store fresh = Stores.open(uri);
          try {
            check(fresh.read("s000001").size(), 1, "exact read");
            return System.nanoTime() - t0;
          } finally {
            fresh.close();
          }
        };
    Sample theirs =
        i -> {
          long t0 = System.nanoTime();
          Connection c = Nats.connect(rawOptions.get());
          try {
            if (c.keyValue(EXACT_DB).get("r000001") == null) {
              throw new IllegalStateException("raw get found nothing");
            }
            return System.nanoTime() - t0;
          } finally {
            c.close();
          }
        };
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    for (int i = 0; i < 3; i++) {
      ours.take(i);
      theirs.take(i);
    }
    for (int i = 0; i < sizes.coldRounds(); i++) {
      if ((i & 1) == 0) {
        a.add(ours.take(i));
        b.add(theirs.take(i));
      } else {
        b.add(theirs.take(i));
        a.add(ours.take(i));
      }
    }
    return new Result(
        "cold-start",
        a.median() / 1e6,
        b.median() / 1e6,
        a.p99() / 1e6,
        b.p99() / 1e6,
        "ms",
        1.50,
        a.size(),
        "Stores.open(uri) to the result of the first exact read of a new store vs Nats.connect +"
            + " keyValue + get; closing not counted; the JVM warmed by 3 rounds of each");
  }

  /** One run of a large operation. */
  interface Round {
    void run() throws Exception;
  }

  static Result rounds(
      String name, Round store, Round baseline, int rounds, double target, String note)
      throws Exception {
    store.run();
    baseline.run();
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    for (int i = 0; i < rounds; i++) {
      if ((i & 1) == 0) {
        a.add(time(store));
        b.add(time(baseline));
      } else {
        b.add(time(baseline));
        a.add(time(store));
      }
    }
    return new Result(
        name,
        a.median() / 1e6,
        b.median() / 1e6,
        a.p99() / 1e6,
        b.p99() / 1e6,
        "ms",
        target,
        a.size(),
        note);
  }

  static long time(Round r) throws Exception {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  static void check(int got, int expected, String what) {
    if (got != expected) {
      throw new IllegalStateException(what + " returned " + got + " results, expected " + expected);
    }
  }

  static String[] keys(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + String.format("%06d", i);
    }
    return out;
  }
}
