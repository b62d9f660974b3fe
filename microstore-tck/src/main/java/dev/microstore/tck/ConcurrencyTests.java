package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Concurrent use of one store by 8 threads: no spurious failures, no lost or resurrected records.
 * Revisions under contention are in {@link RevisionTests}.
 */
abstract class ConcurrencyTests extends KitTests {
  static final int THREADS = 8;
  static final List<String> SHARED_KEYS = List.of("shared-0", "shared-1", "shared-2", "shared-3");

  ConcurrencyTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void concurrency_mixedWorkload_keepsEveryThreadsLastWritesAndAConsistentList()
      throws InterruptedException {
    String db = newDatabase();
    int iterations = kit().concurrentWorkloadIterations();

    List<Map<String, String>> expectedPerThread =
        runConcurrently(THREADS, t -> () -> mixedWorkload(db, t, iterations));

    Map<String, String> expectedOwn = new TreeMap<>();
    expectedPerThread.forEach(expectedOwn::putAll);
    List<String> listed = store().list(listOf(db));
    Set<String> listedOwn = new TreeSet<>();
    for (String key : listed) {
      if (SHARED_KEYS.contains(key)) {
        assertThat(readOne(key, from(db)).valueAsString()).startsWith("shared-by-");
      } else {
        listedOwn.add(key);
      }
    }
    assertThat(listed).isSorted();
    assertThat(listedOwn).containsExactlyElementsOf(expectedOwn.keySet());
    for (Map.Entry<String, String> e : expectedOwn.entrySet()) {
      assertThat(readOne(e.getKey(), from(db)).valueAsString())
          .as("last value thread wrote to %s", e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  /**
   * One thread's share of the mixed workload: writes and deletes of its own keys, checked at once
   * by exact reads, prefix reads and lists (no other thread touches them), and writes, deletes and
   * reads of keys shared by all threads. Returns the thread's keys that must exist at the end, with
   * their last values.
   */
  private Map<String, String> mixedWorkload(String db, int thread, int iterations) {
    Random random = new Random(thread);
    String mine = "t" + thread + "-";
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < iterations; i++) {
      String own = mine + "k" + (i % 7);
      String shared = SHARED_KEYS.get(random.nextInt(SHARED_KEYS.size()));
      switch (i % 6) {
        case 0:
        case 1:
        case 2:
          String value = mine + "v" + i;
          store().write(Record.of(own, value), to(db));
          expected.put(own, value);
          assertThat(readOne(own, from(db)).valueAsString()).isEqualTo(value);
          break;
        case 3:
          store().delete(own, deleteFrom(db));
          expected.remove(own);
          assertThatThrownBy(() -> store().read(own, from(db)))
              .isInstanceOf(NotFoundException.class);
          break;
        case 4:
          store().write(Record.of(shared, "shared-by-" + thread + "-" + i), to(db));
          readSharedKey(db, shared);
          break;
        default:
          store().delete(shared, deleteFrom(db));
          readSharedKey(db, shared);
          List<String> ownListed = new ArrayList<>();
          for (String key : store().list(listOf(db))) {
            if (key.startsWith(mine)) {
              ownListed.add(key);
            }
          }
          assertThat(ownListed).containsExactlyElementsOf(expected.keySet());
          assertThat(keys(store().read(mine, prefixIn(db))))
              .containsExactlyElementsOf(expected.keySet());
          break;
      }
    }
    return expected;
  }

  /** Reads a key other threads write and delete: either outcome is fine, nothing else is. */
  private void readSharedKey(String db, String key) {
    try {
      Record r = readOne(key, from(db));
      assertThat(r.valueAsString()).startsWith("shared-by-");
    } catch (NotFoundException e) {
      assertThat(e.key()).isEqualTo(key);
    }
  }

  @Test
  void concurrency_firstWritesToOneNewDatabase_allSucceed() throws InterruptedException {
    String db = newDatabase();

    runConcurrently(
        THREADS,
        t ->
            () -> {
              store().write(Record.of("k" + t, "v" + t), to(db));
              return null;
            });

    assertThat(databases()).contains(db);
    assertThat(store().list(listOf(db)))
        .containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
  }

  @Test
  void concurrency_writersToDistinctNewDatabases_eachGetTheirOwnKeys() throws InterruptedException {
    List<String> dbs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      dbs.add(newDatabase());
    }
    int keysPerThread = 20;

    runConcurrently(
        THREADS,
        t ->
            () -> {
              for (int i = 0; i < keysPerThread; i++) {
                store().write(Record.of(String.format("k%02d", i), "from-" + t), to(dbs.get(t)));
              }
              return null;
            });

    assertThat(databases()).containsAll(dbs);
    for (int t = 0; t < THREADS; t++) {
      List<Record> records = store().read("", prefixIn(dbs.get(t)));
      assertThat(records).hasSize(keysPerThread);
      String expected = "from-" + t;
      assertThat(records).allSatisfy(r -> assertThat(r.valueAsString()).isEqualTo(expected));
    }
  }

  @Test
  void concurrency_readersDuringOverwrites_seeOnlyWholeValues() throws InterruptedException {
    String db = newDatabase();
    int iterations = kit().concurrentWorkloadIterations();
    store().write(Record.of("k", value(0)), to(db));

    runConcurrently(
        THREADS,
        t ->
            () -> {
              for (int i = 0; i < iterations; i++) {
                if (t % 2 == 0) {
                  store().write(Record.of("k", value(t * iterations + i)), to(db));
                } else {
                  String seen = readOne("k", from(db)).valueAsString();
                  assertThat(seen).matches("(\\d{6})(,\\1){99}");
                }
              }
              return null;
            });
  }

  /** A value that is only consistent if written and read whole: one number repeated 100 times. */
  private static String value(int n) {
    String part = String.format("%06d", n);
    return String.join(",", Collections.nCopies(100, part));
  }
}
