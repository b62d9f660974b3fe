package dev.microstore.tck;

import static dev.microstore.tck.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Streaming scans ({@link Store#scan} and {@link Store#scanKeys}): the same keys and records as
 * {@code list} and prefix reads, in the store's own order, which is the same for an unchanged
 * database, so offset and limit cut that order; keys unchanged while a scan runs come exactly once;
 * a stream can be closed before its end and the store goes on working.
 */
abstract class ScanTests extends KitTests {
  ScanTests(StoreContract kit) {
    super(kit);
  }

  private List<String> scanKeys(ListOptions options) {
    try (Stream<String> keys = store().scanKeys(options)) {
      return keys.collect(Collectors.toList());
    }
  }

  private List<Record> scan(ListOptions options) {
    try (Stream<Record> records = store().scan(options)) {
      return records.collect(Collectors.toList());
    }
  }

  /** Key, value, metadata and revision of each record. */
  private static List<String> describe(List<Record> records) {
    return records.stream()
        .map(r -> r.key() + "=" + r.valueAsString() + " " + r.metadata() + " @" + r.revision())
        .collect(Collectors.toList());
  }

  private static List<String> sorted(List<String> keys) {
    List<String> copy = new ArrayList<>(keys);
    copy.sort(null);
    return copy;
  }

  /** Keys in two tables and without a table, some of them deleted or overwritten. */
  private String writeMixed() {
    String db = newDatabase();
    writeKeys(db, "", "a1", "b2", "ab3", "z");
    writeKeys(db, "t", "a1", "a2x", "b1", "bx", "c");
    writeKeys(db, "u", "a1");
    store().write(Record.builder("b1").value("new").metadata(Map.of("n", 7L)).build(), to(db, "t"));
    store().delete("c", deleteFrom(db, "t"));
    store().delete("z", deleteFrom(db));
    return db;
  }

  @Test
  void scanKeys_holdsTheKeysOfList_withAndWithoutTableAndFilters() {
    String db = writeMixed();

    for (ListOptions options :
        List.of(
            listOf(db),
            listOf(db, "t"),
            list(db, "t").prefix("a").build(),
            list(db, "t").suffix("x").build(),
            list(db, "t").prefix("b").suffix("x").build(),
            list(db).prefix("t_").build(),
            list(db, "missing").build())) {
      assertThat(sorted(scanKeys(options))).as("%s", options).isEqualTo(store().list(options));
    }
  }

  @Test
  void scan_holdsTheRecordsOfAPrefixRead_withRevisionsAndMetadata() {
    String db = writeMixed();

    Map<String, Record> scanned = new TreeMap<>();
    for (Record r : scan(listOf(db, "t"))) {
      assertThat(scanned.put(r.key(), r)).as("key %s twice", r.key()).isNull();
    }
    List<Record> read = store().read("", prefixIn(db, "t"));

    assertThat(describe(new ArrayList<>(scanned.values()))).isEqualTo(describe(read));
    assertThat(scanned.get("b1").valueAsString()).isEqualTo("new");
    assertThat(scanned.get("b1").metadata()).containsEntry("n", 7L);
    assertThat(scanned.get("b1").revision()).isPositive();
  }

  @Test
  void scan_withPrefixAndSuffix_keepsTheMatchingRecords() {
    String db = writeMixed();

    List<Record> records = scan(list(db, "t").prefix("a").suffix("x").build());

    assertThat(keys(records)).containsExactly("a2x");
    assertThat(records.get(0).valueAsString()).isEqualTo(valueOf("a2x"));
  }

  @Test
  void scan_ofADatabaseThatDoesNotExist_isEmpty() {
    String db = newDatabase();

    assertThat(scan(listOf(db))).isEmpty();
    assertThat(scanKeys(listOf(db))).isEmpty();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void offsetAndLimit_cutTheScansOrder_whichIsTheSameForAnUnchangedDatabase() {
    String db = newDatabase();
    for (String key : PagingTests.SORT_KEYS) {
      store().write(Record.of(key, valueOf(key)), to(db));
    }
    store().write(Record.of(PagingTests.SORT_KEYS.get(0), "again"), to(db));
    List<String> all = scanKeys(listOf(db));
    assertThat(scanKeys(listOf(db))).isEqualTo(all);
    assertThat(sorted(all)).isEqualTo(store().list(listOf(db)));

    assertThat(scanKeys(list(db).offset(3).limit(4).build())).isEqualTo(all.subList(3, 7));
    assertThat(scanKeys(list(db).offset(14).build())).isEqualTo(all.subList(14, all.size()));
    assertThat(scanKeys(list(db).offset(100).build())).isEmpty();
    assertThat(scanKeys(list(db).limit(2).build())).isEqualTo(all.subList(0, 2));
    assertThat(keys(scan(list(db).offset(5).limit(3).build()))).isEqualTo(all.subList(5, 8));
  }

  @Test
  void scan_ofMoreRecordsThanOneChunk_handsOverEachOnce() {
    String db = newDatabase();
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      records.add(Record.of(String.format("k%05d", i), "v" + i));
    }
    store().writeAll(records, to(db)).throwIfFailed();

    List<String> keys = scanKeys(listOf(db));
    List<Record> scanned = scan(listOf(db));

    assertThat(keys).hasSize(3000).doesNotHaveDuplicates();
    assertThat(scanned).hasSize(3000);
    assertThat(scanned.stream().map(Record::key).distinct().count()).isEqualTo(3000);
    assertThat(
            scanned.stream()
                .filter(r -> r.key().equals("k02999"))
                .findFirst()
                .orElseThrow()
                .valueAsString())
        .isEqualTo("v2999");
  }

  @Test
  void keysUnchangedWhileAScanRuns_comeExactlyOnce_whileOtherKeysChange() {
    String db = newDatabase();
    List<Record> stable = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      stable.add(Record.of(String.format("s%04d", i), "v"));
    }
    store().writeAll(stable, to(db)).throwIfFailed();
    writeKeys(db, "", "m1", "m2", "m3");

    List<String> seen = new ArrayList<>();
    try (Stream<String> keys = store().scanKeys(listOf(db))) {
      Iterator<String> it = keys.iterator();
      seen.add(it.next());
      for (int i = 0; i < 30; i++) {
        store().write(Record.of("m" + (1 + i % 3), "changed" + i), to(db));
        store().write(Record.of("new" + i, "v"), to(db));
      }
      it.forEachRemaining(seen::add);
    }

    for (Record r : stable) {
      assertThat(seen.stream().filter(r.key()::equals).count()).as(r.key()).isEqualTo(1);
    }
    assertThat(seen).contains("m1", "m2", "m3");
  }

  @Test
  void aStreamClosedBeforeItsEnd_leavesTheStoreWorking() {
    String db = newDatabase();
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(Record.of(String.format("k%03d", i), "v"));
    }
    store().writeAll(records, to(db)).throwIfFailed();

    for (int i = 0; i < 5; i++) {
      try (Stream<Record> scan = store().scan(listOf(db))) {
        assertThat(scan.iterator().next().valueAsString()).isEqualTo("v");
      }
    }
    try (Stream<String> keys = store().scanKeys(listOf(db))) {
      assertThat(keys.limit(10).count()).isEqualTo(10);
    }
    store().write(Record.of("after", "v"), to(db));

    assertThat(scanKeys(listOf(db))).hasSize(201).contains("after");
  }

  @Test
  void scan_leavesOutExpiredRecords() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    writeKeys(db, "", "keep");
    store()
        .write(
            Record.of("short", "v"),
            WriteOptions.builder().database(db).ttl(Duration.ofSeconds(1)).build());
    assertThat(scanKeys(listOf(db))).containsExactlyInAnyOrder("keep", "short");
    Record live =
        scan(listOf(db)).stream().filter(r -> r.key().equals("short")).findFirst().orElseThrow();
    assertThat(live.expiry()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));

    await("expiry of short")
        .atMost(Duration.ofSeconds(1).plus(factory().expiryTolerance()))
        .untilAsserted(
            () -> {
              assertThat(scanKeys(listOf(db))).containsExactly("keep");
              assertThat(keys(scan(listOf(db)))).containsExactly("keep");
            });
  }

  @Test
  void scan_readsTheStoresOwnWritesAndDeletesAtOnce() {
    String db = newDatabase();
    ReadOptions exact = from(db);
    for (int i = 0; i < 10; i++) {
      long revision = store().write(Record.of("k" + i, "v" + i), to(db));
      List<Record> scanned = scan(list(db).prefix("k" + i).build());
      assertThat(scanned).hasSize(1);
      assertThat(scanned.get(0).revision()).isEqualTo(revision);
      assertThat(readOne("k" + i, exact).revision()).isEqualTo(revision);
    }
    store().delete("k3", deleteFrom(db));

    assertThat(scanKeys(listOf(db))).hasSize(9).doesNotContain("k3");
  }
}
