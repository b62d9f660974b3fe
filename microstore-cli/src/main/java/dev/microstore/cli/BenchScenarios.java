package dev.microstore.cli;

import dev.microstore.BulkResult;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.Watch;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import dev.microstore.nats.NatsStore;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.NUID;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.impl.NatsMessage;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The scenarios of {@code microstore bench}. Each one runs the store and its baseline alternately
 * (per operation for single operations, per round for the large ones, flipping which goes first),
 * so that noise from other processes hits both sides alike.
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

  private static final int VALUE_SIZE = 100;
  private static final int EXACT_KEYS = 1000;

  /** Threads and in-flight window of async-write, the same for both sides. */
  static final int ASYNC_THREADS = 16;

  static final int ASYNC_WINDOW = 256;

  private final Sizes sizes;
  private final Connection raw;
  private final Supplier<NatsStore> builder;
  private final String storeUri;
  private final Supplier<Options> rawOptions;
  private final PrintWriter out;
  private final byte[] value = new byte[VALUE_SIZE];

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
        return watchLatency(store);
      case "prefix-read":
        return prefixRead(store);
      case "bulk-write":
        return bulkWrite(store);
      case "list-table":
        return listTable(store);
      case "list-heap":
        return listHeap(store);
      case "near-cache-prefix-read":
        return nearCachePrefixRead(store);
      case "near-cache-list-table":
        return nearCacheListTable(store);
      case "scan-heap":
        return scanHeap(store);
      case "async-write":
        return asyncWrite(store);
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

  /**
   * From a write to the call of a watch listener for it: {@code store.watch} vs {@code
   * KeyValue.watch} on the same bucket, each on its own connection (the store's, the raw one). Both
   * sides are written alike, by {@code store.write} of a second store with a connection of its own,
   * so that only the watch differs, and are timed from just before the write: on a local server the
   * listener is usually called before the write's acknowledgement has reached the writer, so the
   * time from the acknowledgement, also reported, is mostly negative.
   */
  private Result watchLatency(Store store) throws Exception {
    String db = "bench-watch";
    WriteOptions to = WriteOptions.builder().database(db).build();
    String[] storeKeys = keys("s.", EXACT_KEYS);
    String[] rawKeys = keys("r.", EXACT_KEYS);
    store.write(Record.of(storeKeys[0], value), to);
    KeyValue kv = raw.keyValue(db);
    Arrivals ours = new Arrivals();
    Arrivals theirs = new Arrivals();
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            theirs.arrived(entry.getRevision());
          }

          @Override
          public void endOfData() {}
        };
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    BenchSamples afterAckA = new BenchSamples();
    BenchSamples afterAckB = new BenchSamples();
    // One bucket, two disjoint key spaces: each watch's consumer is filtered to its own keys
    // (s.> and r.>), so a write wakes only the watch it is measured for.
    try (Store writer = builder.get().build()) {
      Watch watch =
          store.watch(
              WatchOptions.builder().database(db).prefix("s.").build(),
              event -> ours.arrived(event.revision()));
      try {
        NatsKeyValueWatchSubscription subscription =
            kv.watch("r.>", watcher, KeyValueWatchOption.UPDATES_ONLY);
        try {
          alternateSamples(
              i -> writeThenAwait(writer, storeKeys[i % EXACT_KEYS], to, ours, afterAckA),
              i -> writeThenAwait(writer, rawKeys[i % EXACT_KEYS], to, theirs, afterAckB),
              a,
              b);
        } finally {
          subscription.unsubscribe();
        }
      } finally {
        watch.close();
      }
    }
    return micros(
        "watch-latency",
        a,
        b,
        1.10,
        String.format(
            java.util.Locale.ROOT,
            "from the start of a write to the call of a store.watch listener vs of a"
                + " KeyValue.watch watcher, both written by store.write of another connection;"
                + " from the write's acknowledgement: %.1f µs vs %.1f µs (medians; negative:"
                + " called before the write returned)",
            afterAckA.median() / 1e3,
            afterAckB.median() / 1e3));
  }

  /**
   * Writes the key and waits for the watch to be called for it: the time from just before the
   * write; the time from just after it goes to {@code afterAck}.
   */
  private long writeThenAwait(
      Store writer, String key, WriteOptions to, Arrivals arrivals, BenchSamples afterAck)
      throws InterruptedException {
    long sent = System.nanoTime();
    long revision = writer.write(Record.of(key, value), to);
    long acknowledged = System.nanoTime();
    long called = arrivals.await(revision);
    afterAck.add(called - acknowledged);
    return called - sent;
  }

  /**
   * When a watch's listener was called for each revision: the listener records {@link
   * System#nanoTime()} first thing, the writing thread waits for its revision.
   */
  private static final class Arrivals {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BlockingQueue<long[]> arrivals = new LinkedBlockingQueue<>();

    void arrived(long revision) {
      long now = System.nanoTime();
      arrivals.add(new long[] {revision, now});
    }

    /** The time the listener was called for this revision. */
    long await(long revision) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      while (true) {
        long[] next = arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new IllegalStateException(
              "the watch did not deliver revision " + revision + " within 10 s");
        }
        if (next[0] == revision) {
          return next[1];
        }
        if (next[0] > revision) {
          throw new IllegalStateException(
              "the watch delivered revision " + next[0] + " before revision " + revision);
        }
      }
    }
  }

  /** One operation of a side, given its index. */
  private interface Op {
    void run(int i) throws Exception;
  }

  /** One operation of a side, given its index, that measures itself: nanoseconds. */
  private interface Sample {
    long take(int i) throws Exception;
  }

  /** Warms up, then runs both sides once per index, flipping which goes first each time. */
  private void alternate(Op store, Op baseline, BenchSamples a, BenchSamples b) throws Exception {
    alternateSamples(i -> time(store, i), i -> time(baseline, i), a, b);
  }

  /** {@link #alternate} with operations that measure themselves. */
  private void alternateSamples(Sample store, Sample baseline, BenchSamples a, BenchSamples b)
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

  private static long time(Op op, int i) throws Exception {
    long t0 = System.nanoTime();
    op.run(i);
    return System.nanoTime() - t0;
  }

  private static Result micros(
      String name, BenchSamples a, BenchSamples b, double target, String note) {
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

  // ---------------------------------------------------------------- large operations

  private static final String PREFIX_DB = "bench-prefix";

  private void preparePrefix(Store store) {
    if (store.databases().contains(PREFIX_DB)) {
      return;
    }
    for (int t = 0; t < sizes.prefixTables(); t++) {
      writeTable(store, PREFIX_DB, "t" + t, sizes.prefixTableKeys());
    }
  }

  private Result prefixRead(Store store) throws Exception {
    String db = PREFIX_DB;
    int n = sizes.prefixTableKeys();
    preparePrefix(store);
    String table = "t" + (sizes.prefixTables() / 2);
    ReadOptions prefix = ReadOptions.builder().database(db).table(table).prefix().build();
    KeyValue kv = raw.keyValue(db);
    String rawPrefix = table + "_";
    Round ours =
        () -> {
          int got = store.read("", prefix).size();
          check(got, n, "prefix read");
        };
    Round plugin =
        () -> {
          // the Go plugin: list every key of the bucket, keep the table's, get each one
          int got = 0;
          for (String k : kv.keys()) {
            if (k.startsWith(rawPrefix) && kv.get(k) != null) {
              got++;
            }
          }
          check(got, n, "keys() + get");
        };
    return rounds(
        "prefix-read",
        ours,
        plugin,
        sizes.prefixRounds(),
        0.10,
        "prefix read of a "
            + n
            + "-record table in a "
            + n * sizes.prefixTables()
            + "-record database vs keys() + one get per key");
  }

  private Result bulkWrite(Store store) throws Exception {
    String db = "bench-bulk";
    WriteOptions to = WriteOptions.builder().database(db).build();
    List<Record> records = new ArrayList<>();
    for (String k : keys("b", sizes.bulkRecords())) {
      records.add(Record.of(k, value));
    }
    store.write(records.get(0), to);
    Round bulk =
        () -> {
          BulkResult r = store.writeAll(records, to);
          check(r.successCount(), records.size(), "writeAll");
        };
    Round sequential =
        () -> {
          for (Record r : records) {
            store.write(r, to);
          }
        };
    return rounds(
        "bulk-write",
        bulk,
        sequential,
        sizes.bulkRounds(),
        0.20,
        "writeAll of " + records.size() + " records vs as many sequential writes");
  }

  private Result listTable(Store store) throws Exception {
    String db = "bench-list";
    prepareList(store, db);
    String table = "t" + (sizes.listTables() / 2);
    ListOptions list = ListOptions.builder().database(db).table(table).build();
    KeyValue kv = raw.keyValue(db);
    int total = sizes.listTableKeys() * sizes.listTables();
    Round ours = () -> check(store.list(list).size(), sizes.listTableKeys(), "list");
    Round keys = () -> check(kv.keys().size(), total, "keys()");
    return rounds(
        "list-table",
        ours,
        keys,
        sizes.listRounds(),
        1.20,
        "list of a "
            + sizes.listTableKeys()
            + "-key table in a "
            + total
            + "-key database vs keys() of the bucket");
  }

  private Result listHeap(Store store) throws Exception {
    String db = "bench-list";
    prepareList(store, db);
    int total = sizes.listTableKeys() * sizes.listTables();
    KeyValue kv = raw.keyValue(db);
    ListOptions all = ListOptions.builder().database(db).build();
    // warm both paths so that class loading and JIT are not counted
    check(store.list(all).size(), total, "list");
    check(kv.keys().size(), total, "keys()");
    double[] ours = heapMiB(() -> store.list(all));
    double[] theirs = heapMiB(kv::keys);
    return new Result(
        "list-heap",
        ours[0],
        theirs[0],
        ours[0],
        theirs[0],
        "MiB",
        null,
        1,
        String.format(
            java.util.Locale.ROOT,
            "peak heap above the idle heap while listing all %d keys (list vs keys()), sampled"
                + " every millisecond; mostly short-lived message objects of the client. Retained"
                + " after a GC while the result is held: %.1f MiB vs %.1f MiB",
            total,
            ours[1],
            theirs[1]));
  }

  // ---------------------------------------------------------------- the near cache at scale

  private Result nearCachePrefixRead(Store store) throws Exception {
    preparePrefix(store);
    int n = sizes.prefixTableKeys();
    String table = "t" + (sizes.prefixTables() / 2);
    ReadOptions prefix = ReadOptions.builder().database(PREFIX_DB).table(table).prefix().build();
    try (Store cached = builder.get().nearCache(PREFIX_DB).build()) {
      // the warm-up round of rounds() starts the replica (one pass over the bucket)
      return rounds(
          "near-cache-prefix-read",
          () -> check(cached.read("", prefix).size(), n, "near-cached prefix read"),
          () -> check(store.read("", prefix).size(), n, "prefix read"),
          sizes.nearCacheRounds(),
          0.02,
          "prefix read of a "
              + n
              + "-record table in a "
              + n * sizes.prefixTables()
              + "-record database from the near cache vs from the server");
    }
  }

  private Result nearCacheListTable(Store store) throws Exception {
    String db = "bench-list";
    prepareList(store, db);
    String table = "t" + (sizes.listTables() / 2);
    ListOptions list = ListOptions.builder().database(db).table(table).build();
    int n = sizes.listTableKeys();
    try (Store cached = builder.get().nearCache(db).build()) {
      return rounds(
          "near-cache-list-table",
          () -> check(cached.list(list).size(), n, "near-cached list"),
          () -> check(store.list(list).size(), n, "list"),
          sizes.nearCacheRounds(),
          0.02,
          "list of a "
              + n
              + "-key table in a "
              + n * sizes.listTables()
              + "-key database from the near cache vs from the server");
    }
  }

  // ---------------------------------------------------------------- streaming scan

  private Result scanHeap(Store store) throws Exception {
    String db = "bench-scan";
    int total = sizes.scanKeys();
    if (!store.databases().contains(db)) {
      WriteOptions to = WriteOptions.builder().database(db).build();
      int chunk = 50000;
      for (int from = 0; from < total; from += chunk) {
        List<Record> records = new ArrayList<>();
        for (int i = from; i < Math.min(total, from + chunk); i++) {
          records.add(Record.of(String.format("k%07d", i), value));
        }
        store.writeAll(records, to).throwIfFailed();
      }
    }
    ListOptions all = ListOptions.builder().database(db).build();
    Callable<Integer> scan =
        () -> {
          try (Stream<String> keys = store.scanKeys(all)) {
            return (int) keys.count();
          }
        };
    Callable<Integer> list = () -> store.list(all).size();
    // warm both paths so that class loading and JIT are not counted
    check(scan.call(), total, "scanKeys");
    check(list.call(), total, "list");
    Heap ours = heap(scan, total, "scanKeys");
    Heap theirs = heap(list, total, "list");
    return new Result(
        "scan-heap",
        ours.live,
        theirs.live,
        ours.live,
        theirs.live,
        "MiB",
        0.25,
        1,
        String.format(
            java.util.Locale.ROOT,
            "peak live heap above idle while iterating all %d keys: scanKeys vs list(); sampled"
                + " after a collection every %d ms while each runs. Peak used heap, garbage"
                + " included (sampled every millisecond in a separate run): %.1f MiB vs %.1f MiB",
            total,
            LIVE_SAMPLE_MILLIS,
            ours.used,
            theirs.used));
  }

  // ---------------------------------------------------------------- asynchronous writes

  /**
   * 50,000 {@code writeAsync} calls from 16 threads with at most 256 in flight, until every one is
   * acknowledged, vs {@code JetStream.publishAsync} of the same messages (the subjects, the stored
   * envelope of the value, and a {@code Nats-Msg-Id} of the same form, as the store sends them)
   * with the same threads and window. Publishing the plain 100-byte values without an id is timed
   * too, once per round, for the note: what the envelope and the id cost the server.
   */
  private Result asyncWrite(Store store) throws Exception {
    String db = "bench-async";
    WriteOptions to = WriteOptions.builder().database(db).build();
    int n = sizes.asyncWrites();
    String[] storeKeys = keys("s", n);
    String[] rawSubjects = keys("$KV." + db + ".r", n);
    String[] plainSubjects = keys("$KV." + db + ".p", n);
    store.write(Record.of(storeKeys[0], value), to);
    KeyValueEntry stored = raw.keyValue(db).get(storeKeys[0]);
    if (stored == null) {
      throw new IllegalStateException("the record just written was not found");
    }
    byte[] envelope = stored.getValue();
    io.nats.client.JetStream js = raw.jetStream();
    ExecutorService pool = Executors.newFixedThreadPool(ASYNC_THREADS);
    try {
      Round ours =
          () -> inFlight(pool, n, i -> store.writeAsync(Record.of(storeKeys[i], value), to));
      Round same =
          () ->
              inFlight(
                  pool,
                  n,
                  i ->
                      js.publishAsync(
                          NatsMessage.builder()
                              .subject(rawSubjects[i])
                              .headers(new Headers().put("Nats-Msg-Id", NUID.nextGlobal()))
                              .data(envelope)
                              .build()));
      Round plain = () -> inFlight(pool, n, i -> js.publishAsync(plainSubjects[i], value));
      ours.run();
      same.run();
      plain.run();
      BenchSamples a = new BenchSamples();
      BenchSamples b = new BenchSamples();
      BenchSamples c = new BenchSamples();
      for (int i = 0; i < sizes.asyncRounds(); i++) {
        if ((i & 1) == 0) {
          a.add(time(ours));
          b.add(time(same));
        } else {
          b.add(time(same));
          a.add(time(ours));
        }
        c.add(time(plain));
      }
      return new Result(
          "async-write",
          a.median() / 1e6,
          b.median() / 1e6,
          a.p99() / 1e6,
          b.p99() / 1e6,
          "ms",
          1.10,
          a.size(),
          String.format(
              java.util.Locale.ROOT,
              "%d writeAsync calls from %d threads, at most %d in flight, until all are"
                  + " acknowledged, vs JetStream.publishAsync of the same messages (%d-byte"
                  + " envelope, Nats-Msg-Id) with the same threads and window; publishAsync of"
                  + " the plain %d-byte values without id: %.0f ms (store / plain %.3f)",
              n,
              ASYNC_THREADS,
              ASYNC_WINDOW,
              envelope.length,
              VALUE_SIZE,
              c.median() / 1e6,
              a.median() / c.median()));
    } finally {
      pool.shutdownNow();
    }
  }

  /** One asynchronous operation, given its index. */
  private interface AsyncOp {
    CompletableFuture<?> start(int i) throws Exception;
  }

  /**
   * Runs {@code n} asynchronous operations from the pool's threads, each taking the next index,
   * with at most {@link #ASYNC_WINDOW} in flight, and returns once all completed.
   */
  private static void inFlight(ExecutorService pool, int n, AsyncOp op) throws Exception {
    Semaphore window = new Semaphore(ASYNC_WINDOW);
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> threads = new ArrayList<>();
    for (int t = 0; t < ASYNC_THREADS; t++) {
      threads.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                  window.acquire();
                  op.start(i)
                      .whenComplete(
                          (v, e) -> {
                            if (e != null) {
                              failure.compareAndSet(null, e);
                            }
                            window.release();
                            done.countDown();
                          });
                }
                return null;
              }));
    }
    for (Future<?> f : threads) {
      f.get();
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("asynchronous writes were not acknowledged within 60 s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "an asynchronous write failed: " + failure.get(), failure.get());
    }
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

  private void prepareList(Store store, String db) {
    if (store.databases().contains(db)) {
      return;
    }
    for (int t = 0; t < sizes.listTables(); t++) {
      writeTable(store, db, "t" + t, sizes.listTableKeys());
    }
  }

  private void writeTable(Store store, String db, String table, int n) {
    List<Record> records = new ArrayList<>(n);
    for (String k : keys("k", n)) {
      records.add(Record.of(k, value));
    }
    store
        .writeAll(records, WriteOptions.builder().database(db).table(table).build())
        .throwIfFailed();
  }

  /** One run of a large operation. */
  private interface Round {
    void run() throws Exception;
  }

  private static Result rounds(
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

  private static long time(Round r) throws Exception {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  /** How often the live-heap sampler collects and reads the heap. */
  static final int LIVE_SAMPLE_MILLIS = 20;

  /** Peak heap above idle of one operation, in MiB: live (after collections) and used. */
  private record Heap(double live, double used) {}

  /**
   * The peak heap above idle while {@code r} runs, in two runs of it: live heap, sampled by a
   * thread that asks for a collection and reads the used heap every {@link #LIVE_SAMPLE_MILLIS} ms
   * (what the operation holds, not the garbage it leaves); and used heap sampled every millisecond
   * without collections (garbage included, which depends mostly on the collector's young
   * generation).
   */
  private static Heap heap(Callable<Integer> r, int expected, String what) throws Exception {
    double live = peakAboveIdle(r, expected, what, true);
    double used = peakAboveIdle(r, expected, what, false);
    return new Heap(live, used);
  }

  private static double peakAboveIdle(
      Callable<Integer> r, int expected, String what, boolean collect) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long idle = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(idle);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                if (collect) {
                  System.gc();
                }
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(collect ? LIVE_SAMPLE_MILLIS : 1); // an interval, not a handshake
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "microstore-bench-heap");
    sampler.setDaemon(true);
    sampler.start();
    int got;
    try {
      got = r.call();
    } finally {
      running.set(false);
      sampler.join();
    }
    check(got, expected, what);
    return Math.max(0, peak.get() - idle) / (1024.0 * 1024.0);
  }

  /** The peak heap above idle while {@code r} runs, and the heap its result retains, in MiB. */
  private static double[] heapMiB(Callable<List<String>> r) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long idle = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(idle);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(1); // a sampling interval, not synchronisation
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "microstore-bench-heap");
    sampler.setDaemon(true);
    sampler.start();
    List<String> result;
    try {
      result = r.call();
    } finally {
      running.set(false);
      sampler.join();
    }
    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    System.gc();
    long retained = memory.getHeapMemoryUsage().getUsed() - idle;
    double mib = 1024.0 * 1024.0;
    double[] out = {(peak.get() - idle) / mib, Math.max(0, retained) / mib};
    if (result.isEmpty()) {
      throw new IllegalStateException("the list was empty");
    }
    return out;
  }

  private static void check(int got, int expected, String what) {
    if (got != expected) {
      throw new IllegalStateException(what + " returned " + got + " results, expected " + expected);
    }
  }

  private static String[] keys(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + String.format("%06d", i);
    }
    return out;
  }
}
