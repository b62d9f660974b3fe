package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prefix reads, suffix reads and lists answered by the near cache: after random writes, deletes and
 * expiries, a near-cached store answers exactly what a store without the near cache answers from
 * the server on the same bucket, and its own writes are visible to the next read.
 */
class NatsNearCacheReadsTest {
  private static final String DB = "nearreads";
  private static final String[] TABLES = {"", "t1", "t2"};
  private static final String[] PREFIXES = {"", "a", "ab", "b", "é"};
  private static final String[] SUFFIXES = {"", "1", "x"};

  private final List<Store> stores = new ArrayList<>();

  @AfterEach
  void close() {
    if (!stores.isEmpty()) {
      stores.get(0).deleteDatabase(DB);
    }
    stores.forEach(Store::close);
  }

  private Store open(boolean encodeKeys, boolean nearCache, Duration bucketTtl) {
    NatsStore b =
        NatsStore.builder()
            .servers(TestServers.shared().url())
            .encodeKeys(encodeKeys)
            .defaultTtl(bucketTtl);
    if (nearCache) {
      b.nearCache(DB);
    }
    Store s = b.build();
    stores.add(s);
    return s;
  }

  /** A plain store and a near-cached one on the same, empty bucket, the replica running. */
  private Store[] pair(boolean encodeKeys, Duration bucketTtl) {
    Store plain = open(encodeKeys, false, bucketTtl);
    plain.deleteDatabase(DB);
    plain.write(Record.of("seed", "s"), WriteOptions.builder().database(DB).build());
    Store cached = open(encodeKeys, true, bucketTtl);
    cached.read("seed", ReadOptions.builder().database(DB).build());
    assertThat(((NatsKvStore) cached).nearCacheServes(DB)).isTrue();
    return new Store[] {plain, cached};
  }

  @ParameterizedTest(name = "encodeKeys={0}")
  @ValueSource(booleans = {false, true})
  void randomOwnWritesDeletesAndExpiries_answerLikeTheServer(boolean encodeKeys) throws Exception {
    Store[] stores = pair(encodeKeys, Duration.ZERO);
    Store plain = stores[0];
    Store cached = stores[1];
    Random random = new Random(encodeKeys ? 7 : 11);

    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 60; i++) {
        randomChange(cached, random, encodeKeys, Duration.ofHours(1));
      }
      // the store's own acknowledged changes are in its replica: no waiting
      compare(plain, cached, random, 8, encodeKeys);
    }
    for (int i = 0; i < 30; i++) {
      randomChange(cached, random, encodeKeys, Duration.ofSeconds(1));
    }
    Thread.sleep(1500); // every record written with a 1 s lifetime has expired
    compare(plain, cached, random, 8, encodeKeys);
  }

  @Test
  void anotherClientsChanges_reachTheReplica_andThenAnswerLikeTheServer() {
    Store[] stores = pair(false, Duration.ZERO);
    Store plain = stores[0];
    Store cached = stores[1];
    Random random = new Random(3);

    for (int i = 0; i < 80; i++) {
      randomChange(plain, random, false, Duration.ofHours(1));
    }

    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThat(cached.list(ListOptions.builder().database(DB).build()))
                    .isEqualTo(plain.list(ListOptions.builder().database(DB).build())));
    compare(plain, cached, random, 6, false);
  }

  @Test
  void prefixReadsAndLists_seeTheStoresOwnWriteAtOnce() {
    Store[] stores = pair(false, Duration.ZERO);
    Store cached = stores[1];
    ReadOptions prefix = ReadOptions.builder().database(DB).table("t").prefix().build();
    ListOptions list = ListOptions.builder().database(DB).table("t").build();
    WriteOptions to = WriteOptions.builder().database(DB).table("t").build();
    DeleteOptions delete = DeleteOptions.builder().database(DB).table("t").build();

    for (int i = 0; i < 30; i++) {
      String key = "k" + (i % 7);
      long revision = cached.write(Record.of(key, "v" + i), to);

      List<Record> read = cached.read(key, prefix);
      assertThat(read).hasSize(1);
      assertThat(read.get(0).valueAsString()).isEqualTo("v" + i);
      assertThat(read.get(0).revision()).isEqualTo(revision);
      assertThat(cached.list(list)).contains(key);

      if (i % 3 == 0) {
        cached.delete(key, delete);
        assertThat(cached.read(key, prefix)).isEmpty();
        assertThat(cached.list(list)).doesNotContain(key);
      }
    }
  }

  @Test
  void aBucketWithAMaximumAge_reportsTheRecordsOwnExpiry_likeTheServer() {
    Store[] stores = pair(false, Duration.ofHours(1));
    Store plain = stores[0];
    Store cached = stores[1];
    WriteOptions to = WriteOptions.builder().database(DB).build();
    cached.write(Record.of("forever", "f"), to);
    cached.write(
        Record.of("short", "s"),
        WriteOptions.builder().database(DB).ttl(Duration.ofMinutes(5)).build());
    ReadOptions all = ReadOptions.builder().database(DB).prefix().build();

    List<Record> fromCache = cached.read("", all);
    List<Record> fromServer = plain.read("", all);

    assertSame(fromCache, fromServer);
    assertThat(((NatsKvStore) cached).serverScans()).isZero();
    assertThat(cached.read("forever", ReadOptions.builder().database(DB).build()).get(0).expiry())
        .isZero();
  }

  private void randomChange(Store s, Random random, boolean encodeKeys, Duration ttl) {
    String table = TABLES[random.nextInt(TABLES.length)];
    String key = randomKey(random, encodeKeys);
    int op = random.nextInt(10);
    if (op < 2) {
      s.delete(key, DeleteOptions.builder().database(DB).table(table).build());
      return;
    }
    WriteOptions.Builder to = WriteOptions.builder().database(DB).table(table);
    if (op < 4) {
      to.ttl(ttl);
    }
    Record.Builder r = Record.builder(key).value("v" + random.nextInt(1000));
    if (op == 9) {
      r.metadata(Map.of("n", (long) random.nextInt(5), "s", "m"));
    }
    s.write(r.build(), to.build());
  }

  private static String randomKey(Random random, boolean encodeKeys) {
    String[] starts =
        encodeKeys ? new String[] {"a", "ab", "b", "é", "a b"} : new String[] {"a", "ab", "b", "c"};
    String[] ends = {"1", "x", "2", ""};
    return starts[random.nextInt(starts.length)]
        + random.nextInt(6)
        + ends[random.nextInt(ends.length)];
  }

  /**
   * Random queries, each asked of both stores: the answers are the same, and the near-cached store
   * answered them without a pass over the bucket on the server.
   */
  private void compare(Store plain, Store cached, Random random, int queries, boolean encodeKeys) {
    long passes = ((NatsKvStore) cached).serverScans();
    for (int q = 0; q < queries; q++) {
      String table = TABLES[random.nextInt(TABLES.length)];
      String prefix = PREFIXES[random.nextInt(encodeKeys ? PREFIXES.length : PREFIXES.length - 1)];
      String suffix = SUFFIXES[random.nextInt(SUFFIXES.length)];
      int offset = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
      int limit = random.nextInt(3) == 0 ? 1 + random.nextInt(5) : 0;

      ListOptions list =
          ListOptions.builder()
              .database(DB)
              .table(table)
              .prefix(prefix)
              .suffix(suffix)
              .offset(offset)
              .limit(limit)
              .build();
      assertThat(cached.list(list)).as("%s", list).isEqualTo(plain.list(list));

      ReadOptions.Builder read =
          ReadOptions.builder().database(DB).table(table).offset(offset).limit(limit);
      String key;
      switch (random.nextInt(3)) {
        case 0:
          read.prefix();
          key = prefix;
          break;
        case 1:
          read.suffix();
          key = suffix.isEmpty() ? "1" : suffix;
          break;
        default:
          read.prefix().suffix();
          key = prefix.isEmpty() ? "a" : prefix;
          break;
      }
      ReadOptions options = read.build();
      assertSame(cached.read(key, options), plain.read(key, options));
    }
    assertThat(((NatsKvStore) cached).serverScans()).isEqualTo(passes);
  }

  /** The same records: keys, values, metadata, revisions, and time left within a few seconds. */
  private static void assertSame(List<Record> cached, List<Record> server) {
    assertThat(cached.stream().map(NatsNearCacheReadsTest::describe).toList())
        .isEqualTo(server.stream().map(NatsNearCacheReadsTest::describe).toList());
    for (int i = 0; i < cached.size(); i++) {
      Duration a = cached.get(i).expiry();
      Duration b = server.get(i).expiry();
      assertThat(a.isZero()).as("expiry of %s", cached.get(i)).isEqualTo(b.isZero());
      assertThat(a.minus(b).abs()).isLessThan(Duration.ofSeconds(5));
    }
  }

  private static String describe(@Nullable Record r) {
    return r == null
        ? "null"
        : r.key() + "=" + r.valueAsString() + " " + r.metadata() + " @" + r.revision();
  }
}
