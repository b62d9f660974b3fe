package dev.microstore.cli;

import static dev.microstore.cli.BenchHeap.LIVE_SAMPLE_MILLIS;
import static dev.microstore.cli.BenchHeap.heap;
import static dev.microstore.cli.BenchHeap.heapMiB;
import static dev.microstore.cli.BenchScenarios.check;
import static dev.microstore.cli.BenchScenarios.keys;
import static dev.microstore.cli.BenchScenarios.rounds;

import dev.microstore.BulkResult;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.cli.BenchHeap.Heap;
import dev.microstore.cli.BenchScenarios.Result;
import dev.microstore.cli.BenchScenarios.Round;
import dev.microstore.cli.BenchScenarios.Sizes;
import dev.microstore.nats.NatsStore;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The scenarios of {@code microstore bench} that read or write a whole table or database: prefix
 * read, bulk write, table list, the near cache answering them, and the heap a list or a scan holds.
 */
final class BenchScanScenarios {
  private static final String PREFIX_DB = "bench-prefix";

  private final Sizes sizes;
  private final Connection raw;
  private final Supplier<NatsStore> builder;
  private final byte[] value;

  BenchScanScenarios(BenchScenarios bench) {
    this.sizes = bench.sizes;
    this.raw = bench.raw;
    this.builder = bench.builder;
    this.value = bench.value;
  }

  private void preparePrefix(Store store) {
    if (store.databases().contains(PREFIX_DB)) {
      return;
    }
    for (int t = 0; t < sizes.prefixTables(); t++) {
      writeTable(store, PREFIX_DB, "t" + t, sizes.prefixTableKeys());
    }
  }

  Result prefixRead(Store store) throws Exception {
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

  Result bulkWrite(Store store) throws Exception {
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

  Result listTable(Store store) throws Exception {
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

  Result listHeap(Store store) throws Exception {
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

  Result nearCachePrefixRead(Store store) throws Exception {
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

  Result nearCacheListTable(Store store) throws Exception {
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

  Result scanHeap(Store store) throws Exception {
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
        ours.live(),
        theirs.live(),
        ours.live(),
        theirs.live(),
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
            ours.used(),
            theirs.used()));
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
}
