package dev.microstore.tck;

import static dev.microstore.tck.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.ChangeEvent;
import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Watch;
import dev.microstore.WatchOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Atomic batches (feature {@link StoreFeature#ATOMIC_BATCH}): {@link
 * dev.microstore.Store#commit(Batch)} applies every operation or none, with consecutive revisions
 * in batch order; a failed condition applies nothing, visible to no reader and no watcher, and
 * names the key. The limits of {@link Batch.Builder} hold for every store.
 */
abstract class AtomicBatchTests extends KitTests {
  static final int ACCOUNTS = 10;
  static final long BALANCE = 100;

  AtomicBatchTests(StoreContract kit) {
    super(kit);
  }

  private static Batch.Builder batchIn(String db) {
    return Batch.builder().database(db);
  }

  private static Batch.Condition ifRevision(long revision) {
    return Batch.Condition.ifRevision(revision);
  }

  // ---------------------------------------------------------------- limits (every store)

  @Test
  void builder_moreThanMaxOperations_isRefusedBeforeAnythingIsSent() {
    Batch.Builder b = Batch.builder();
    for (int i = 0; i < Batch.MAX_OPERATIONS; i++) {
      b.put(Record.of("k" + i, "v"));
    }
    assertThat(b.build().size()).isEqualTo(Batch.MAX_OPERATIONS);

    assertThatThrownBy(() -> b.put(Record.of("one-too-many", "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Batch.MAX_OPERATIONS));
    assertThatThrownBy(() -> b.delete("one-too-many")).isInstanceOf(IllegalArgumentException.class);
    assertThat(store().list()).isEmpty();
  }

  @Test
  void builder_sameKeyTwice_isRefusedNamingTheKey() {
    Batch.Builder b = Batch.builder().put(Record.of("k", "v"));

    assertThatThrownBy(() -> b.delete("k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"k\"");
    assertThatThrownBy(() -> b.put(Record.of("k", "again")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_empty_isRefused() {
    assertThatThrownBy(() -> Batch.builder().database("x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void builder_deleteIfAbsent_isRefused() {
    assertThatThrownBy(() -> Batch.builder().delete("k", Batch.Condition.ifAbsent()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"k\"");
  }

  // ---------------------------------------------------------------- commits

  @Test
  void commit_mixedPutsAndDeletes_appliesAllWithConsecutiveRevisionsInBatchOrder() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    store().write(Record.of("a", "a1"), to(db));
    store().write(Record.of("b", "b1"), to(db));
    long c = store().write(Record.of("c", "c1"), to(db));

    BatchResult result =
        store()
            .commit(
                batchIn(db)
                    .put(Record.of("a", "a2"))
                    .delete("b")
                    .put(Record.of("d", "d1"), Batch.Condition.ifAbsent())
                    .put(Record.of("c", "c2"), ifRevision(c))
                    .build());

    assertThat(result.revisions().keySet()).containsExactly("a", "b", "d", "c");
    long first = result.revision("a");
    assertThat(first).isGreaterThan(c);
    assertThat(result.revisions().values()).containsExactly(first, first + 1, first + 2, first + 3);
    assertThat(result.lastRevision()).isEqualTo(first + 3);
    for (String key : List.of("a", "c", "d")) {
      Record r = readOne(key, from(db));
      assertThat(r.revision()).as(key).isEqualTo(result.revision(key));
      assertThat(r.valueAsString()).isEqualTo(key + (key.equals("d") ? "1" : "2"));
    }
    assertThatThrownBy(() -> store().read("b", from(db))).isInstanceOf(NotFoundException.class);
    assertThat(store().list(listOf(db))).containsExactly("a", "c", "d");
    assertThat(keys(store().read("", prefixIn(db)))).containsExactly("a", "c", "d");
    long next = store().write(Record.of("e", "v"), to(db));
    assertThat(next).isGreaterThan(result.lastRevision());
  }

  @Test
  void commit_inMissingDatabase_createsItAndWritesEveryRecord() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();

    store()
        .commit(batchIn(db).put(Record.of("x", "1")).put(Record.of("y", "2")).delete("z").build());

    assertThat(databases()).contains(db);
    assertThat(store().list(listOf(db))).containsExactly("x", "y");
  }

  @Test
  void commit_inTable_keysAreRelativeToTheTable() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    long existing = store().write(Record.of("k", "v"), to(db, "t"));

    store()
        .commit(
            batchIn(db)
                .table("t")
                .put(Record.of("k", "v2"), ifRevision(existing))
                .put(Record.of("n", "new"))
                .build());

    assertThat(store().list(listOf(db))).containsExactly("t_k", "t_n");
    assertThat(readOne("k", from(db, "t")).valueAsString()).isEqualTo("v2");
    assertThatThrownBy(
            () ->
                store()
                    .commit(
                        batchIn(db)
                            .table("t")
                            .put(Record.of("k", "v3"), ifRevision(existing))
                            .build()))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.key()).isEqualTo("k"));
  }

  @Test
  void commit_ifAbsentOnDeletedKey_writesRecord() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    store().write(Record.of("k", "old"), to(db));
    store().delete("k", deleteFrom(db));

    BatchResult result =
        store()
            .commit(
                batchIn(db)
                    .put(Record.of("k", "new"), Batch.Condition.ifAbsent())
                    .put(Record.of("other", "v"), Batch.Condition.ifAbsent())
                    .build());

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("new");
    assertThat(readOne("k", from(db)).revision()).isEqualTo(result.revision("k"));
  }

  @Test
  void commit_withRecordExpiry_recordsGetTheirLifetimeAndExpire() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    Duration ttl = Duration.ofSeconds(1);

    store()
        .commit(
            batchIn(db)
                .put(Record.builder("short").value("v").expiry(ttl).build())
                .put(Record.of("permanent", "v"))
                .build());

    Record r = store().read("short", from(db)).get(0);
    assertThat(r.expiry()).isPositive().isLessThanOrEqualTo(ttl);
    await()
        .atMost(ttl.plus(factory().expiryTolerance()))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> store().list(listOf(db)).equals(List.of("permanent")));
  }

  // ---------------------------------------------------------------- conflicts

  @Test
  void commit_staleIfRevision_throwsConflictNamingKeyAndAppliesNothing() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    store().write(Record.of("a", "a1"), to(db));
    store().write(Record.of("b", "b1"), to(db));
    long stale = store().write(Record.of("c", "c1"), to(db));
    long current = store().write(Record.of("c", "c2"), to(db));

    assertThatThrownBy(
            () ->
                store()
                    .commit(
                        batchIn(db)
                            .put(Record.of("a", "a2"))
                            .put(Record.of("new", "n"))
                            .delete("b")
                            .put(Record.of("c", "c3"), ifRevision(stale))
                            .build()))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("c");
              assertThat(e.currentRevision()).hasValue(current);
            })
        .hasMessageContaining("\"c\"");
    assertThat(store().list(listOf(db))).containsExactly("a", "b", "c");
    assertThat(readOne("a", from(db)).valueAsString()).isEqualTo("a1");
    assertThat(readOne("c", from(db)).revision()).isEqualTo(current);
  }

  @Test
  void commit_ifAbsentOnLiveKey_throwsConflictWithCurrentRevisionAndAppliesNothing() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    long existing = store().write(Record.of("k", "v"), to(db));

    assertThatThrownBy(
            () ->
                store()
                    .commit(
                        batchIn(db)
                            .put(Record.of("first", "v"))
                            .put(Record.of("k", "v2"), Batch.Condition.ifAbsent())
                            .build()))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision()).hasValue(existing);
            });
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void commit_deleteWithStaleRevision_throwsConflictAndKeepsEveryRecord() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    long stale = store().write(Record.of("k", "v1"), to(db));
    store().write(Record.of("k", "v2"), to(db));
    store().write(Record.of("other", "v"), to(db));

    assertThatThrownBy(
            () ->
                store().commit(batchIn(db).delete("other").delete("k", ifRevision(stale)).build()))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.key()).isEqualTo("k"));
    assertThat(store().list(listOf(db))).containsExactly("k", "other");
  }

  @Test
  void commit_ifRevisionOnAbsentKey_throwsConflict() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    writeKeys(db, "", "other");

    assertThatThrownBy(
            () ->
                store()
                    .commit(
                        batchIn(db)
                            .put(Record.of("a", "v"))
                            .put(Record.of("k", "v"), ifRevision(1))
                            .build()))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision().orElse(0)).isZero();
            });
    assertThat(store().list(listOf(db))).containsExactly("other");
  }

  // ---------------------------------------------------------------- visibility

  @Test
  void commit_failedConditions_areVisibleToNoConcurrentReaderAndNoWatcher() throws Exception {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    long stale = store().write(Record.of("guard", "g1"), to(db));
    store().write(Record.of("guard", "g2"), to(db));
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Throwable> readerFailures = new CopyOnWriteArrayList<>();
    Batch failing =
        batchIn(db)
            .put(Record.of("a", "batch"))
            .put(Record.of("b", "batch"))
            .delete("guard-copy")
            .put(Record.of("guard", "batch"), ifRevision(stale))
            .build();

    Watch watch = store().watch(WatchOptions.builder().database(db).build(), events::add);
    try {
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    for (Record r : store().read("", prefixIn(db))) {
                      if (r.valueAsString().equals("batch")) {
                        seen.add(r.key());
                      }
                    }
                    reads.incrementAndGet();
                  }
                } catch (RuntimeException | AssertionError e) {
                  readerFailures.add(e);
                }
              });
      reader.start();
      try {
        int attempts = 0;
        while (attempts < 20 || (reads.get() < 5 && readerFailures.isEmpty() && attempts < 5000)) {
          assertThatThrownBy(() -> store().commit(failing)).isInstanceOf(ConflictException.class);
          attempts++;
        }
      } finally {
        stop.set(true);
        reader.join(Duration.ofSeconds(60).toMillis());
      }
      store().write(Record.of("sentinel", "s"), to(db));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> events.stream().anyMatch(e -> e.key().equals("sentinel")));
      assertThat(events.stream().map(ChangeEvent::key).collect(Collectors.toList()))
          .containsExactly("sentinel");
    } finally {
      watch.close();
    }
    assertThat(readerFailures).isEmpty();
    assertThat(seen).isEmpty();
    assertThat(store().list(listOf(db))).containsExactly("guard", "sentinel");
  }

  @Test
  void commit_watcher_receivesEveryChangeOfTheBatchInOrder() {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    store().write(Record.of("gone", "v"), to(db));
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();

    BatchResult result;
    Watch watch = store().watch(WatchOptions.builder().database(db).build(), events::add);
    try {
      result =
          store()
              .commit(
                  batchIn(db)
                      .put(Record.of("x", "1"))
                      .delete("gone")
                      .put(Record.of("y", "2"))
                      .build());
      await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 3);
    } finally {
      watch.close();
    }

    assertThat(events).extracting(ChangeEvent::key).containsExactly("x", "gone", "y");
    assertThat(events)
        .extracting(ChangeEvent::op)
        .containsExactly(ChangeEvent.Op.PUT, ChangeEvent.Op.DELETE, ChangeEvent.Op.PUT);
    assertThat(events)
        .extracting(ChangeEvent::revision)
        .containsExactlyElementsOf(result.revisions().values());
  }

  /**
   * The invariant test: 8 threads move amounts between 10 accounts with conditional batches,
   * retrying on conflict, for {@link StoreContract#atomicBatchInvariantDuration()}; the total never
   * changes, as seen by prefix reads at the end and, on stores with {@link
   * StoreFeature#CONSISTENT_SCANS}, by prefix reads during the run too.
   */
  @Test
  void commit_concurrentTransfers_neverChangeTheTotal() throws InterruptedException {
    assumeFeature(StoreFeature.ATOMIC_BATCH);
    String db = newDatabase();
    Batch.Builder open = batchIn(db);
    for (int i = 0; i < ACCOUNTS; i++) {
      open.put(Record.of(account(i), Long.toString(BALANCE)), Batch.Condition.ifAbsent());
    }
    store().commit(open.build());
    long total = ACCOUNTS * BALANCE;
    long deadline = System.nanoTime() + kit().atomicBatchInvariantDuration().toNanos();
    AtomicLong transfers = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    AtomicLong checks = new AtomicLong();
    boolean consistentScans = supports(StoreFeature.CONSISTENT_SCANS);

    runConcurrently(
        ConcurrencyTests.THREADS,
        t ->
            () -> {
              Random random = new Random(t);
              for (int i = 0; System.nanoTime() < deadline; i++) {
                if (consistentScans && i % 4 == 0) {
                  assertThat(totalOf(store().read("acct-", prefixIn(db))))
                      .as("total seen by a prefix read during the run")
                      .isEqualTo(total);
                  checks.incrementAndGet();
                }
                int from = random.nextInt(ACCOUNTS);
                int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                if (transfer(db, from, to, 1 + random.nextInt(10))) {
                  transfers.incrementAndGet();
                } else {
                  conflicts.incrementAndGet();
                }
              }
              return null;
            });

    List<Record> accounts = store().read("acct-", prefixIn(db));
    assertThat(accounts).hasSize(ACCOUNTS);
    assertThat(totalOf(accounts)).isEqualTo(total);
    assertThat(transfers.get()).as("transfers (conflicts: %s)", conflicts.get()).isPositive();
    assertThat(checks.get() > 0 || !consistentScans).isTrue();
  }

  private static String account(int i) {
    return "acct-" + i;
  }

  /** One read-modify-commit cycle; false when another transfer changed an account first. */
  private boolean transfer(String db, int from, int to, long amount) {
    Record a = readOne(account(from), from(db));
    Record b = readOne(account(to), from(db));
    long moved = Math.min(amount, Long.parseLong(a.valueAsString()));
    Batch batch =
        batchIn(db)
            .put(
                Record.of(account(from), Long.toString(Long.parseLong(a.valueAsString()) - moved)),
                ifRevision(a.revision()))
            .put(
                Record.of(account(to), Long.toString(Long.parseLong(b.valueAsString()) + moved)),
                ifRevision(b.revision()))
            .build();
    try {
      store().commit(batch);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }

  private static long totalOf(List<Record> accounts) {
    Map<String, Long> balances =
        accounts.stream()
            .collect(Collectors.toMap(Record::key, r -> Long.parseLong(r.valueAsString())));
    assertThat(balances).hasSize(ACCOUNTS);
    long sum = 0;
    for (long v : new ArrayList<>(balances.values())) {
      sum += v;
    }
    return sum;
  }
}
