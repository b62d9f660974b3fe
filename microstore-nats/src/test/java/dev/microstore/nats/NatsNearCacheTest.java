package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.microstore.BulkResult;
import dev.microstore.DeleteOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The near cache against a real server: read-your-writes, other clients, deletes, expiry. */
class NatsNearCacheTest {
  private static final String DB = "near";
  private static final ReadOptions FROM = ReadOptions.builder().database(DB).build();
  private static final WriteOptions TO = WriteOptions.builder().database(DB).build();
  private static final DeleteOptions DELETE = DeleteOptions.builder().database(DB).build();

  private Connection raw;
  private Store cached;
  private Store other;

  @BeforeEach
  void open() throws Exception {
    raw = TestServers.rawConnection();
    other = NatsStore.builder().servers(TestServers.shared().url()).build();
    other.deleteDatabase(DB);
    other.write(Record.of("seed", "s"), TO);
    cached = NatsStore.builder().servers(TestServers.shared().url()).nearCache(DB).build();
  }

  @AfterEach
  void close() throws Exception {
    other.deleteDatabase(DB);
    cached.close();
    other.close();
    raw.close();
  }

  private static String value(Store s, String key) {
    return s.read(key, FROM).get(0).valueAsString();
  }

  @Test
  void read_servesTheRecordsPresentWhenTheCacheStarted() {
    other.write(Record.builder("m").value("v").metadata(java.util.Map.of("n", 5L)).build(), TO);

    Record r = cached.read("m", FROM).get(0);

    assertThat(r.key()).isEqualTo("m");
    assertThat(r.valueAsString()).isEqualTo("v");
    assertThat(r.metadata()).containsEntry("n", 5L);
    assertThat(r.revision()).isEqualTo(other.read("m", FROM).get(0).revision());
    assertThatThrownBy(() -> cached.read("missing", FROM)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void writeThenRead_throughTheSameStore_seesTheWriteAtOnce() {
    assertThat(value(cached, "seed")).isEqualTo("s"); // the replica is running

    for (int i = 0; i < 50; i++) {
      long revision = cached.write(Record.of("k", "v" + i), TO);
      Record read = cached.read("k", FROM).get(0);
      assertThat(read.valueAsString()).isEqualTo("v" + i);
      assertThat(read.revision()).isEqualTo(revision);
    }
  }

  @Test
  void deleteThenRead_throughTheSameStore_isNotFoundAtOnce() {
    assertThat(value(cached, "seed")).isEqualTo("s");

    cached.delete("seed", DELETE);

    assertThatThrownBy(() -> cached.read("seed", FROM)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void asyncAndBulkWrites_throughTheSameStore_areVisibleToTheNextRead() throws Exception {
    assertThat(value(cached, "seed")).isEqualTo("s");

    cached.writeAsync(Record.of("a", "async"), TO).get(30, TimeUnit.SECONDS);
    BulkResult bulk = cached.writeAll(List.of(Record.of("b", "bulk"), Record.of("c", "bulk")), TO);
    cached.deleteAll(List.of("c"), DELETE);

    assertThat(bulk.allSucceeded()).isTrue();
    assertThat(value(cached, "a")).isEqualTo("async");
    assertThat(cached.readAll(List.of("a", "b", "c"), FROM)).containsOnlyKeys("a", "b");
    assertThat(cached.readAsync("b", FROM).get(30, TimeUnit.SECONDS).get(0).valueAsString())
        .isEqualTo("bulk");
  }

  @Test
  void anotherClientsWrites_replaceTheCachedValue() throws Exception {
    assertThat(value(cached, "seed")).isEqualTo("s");

    other.write(Record.of("seed", "changed"), TO);
    KeyValue kv = raw.keyValue(DB);
    kv.put("plain", "raw bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    await().atMost(10, TimeUnit.SECONDS).until(() -> value(cached, "seed").equals("changed"));
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptionsInstanceOf(NotFoundException.class)
        .until(() -> value(cached, "plain").equals("raw bytes"));
  }

  @Test
  void anotherClientsDeletes_removeTheCachedRecord() {
    assertThat(value(cached, "seed")).isEqualTo("s");

    other.delete("seed", DELETE);

    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> cached.read("seed", FROM))
                    .isInstanceOf(NotFoundException.class));
  }

  @Test
  void expiringRecords_disappearFromTheCache() {
    assertThat(value(cached, "seed")).isEqualTo("s");
    other.write(
        Record.of("ttl", "short"),
        WriteOptions.builder().database(DB).ttl(Duration.ofSeconds(1)).build());
    cached.write(
        Record.of("own", "short"),
        WriteOptions.builder().database(DB).ttl(Duration.ofSeconds(1)).build());
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptionsInstanceOf(NotFoundException.class)
        .until(() -> value(cached, "ttl").equals("short"));

    assertThat(cached.read("own", FROM).get(0).expiry()).isPositive();
    await()
        .atMost(15, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              assertThatThrownBy(() -> cached.read("ttl", FROM))
                  .isInstanceOf(NotFoundException.class);
              assertThatThrownBy(() -> cached.read("own", FROM))
                  .isInstanceOf(NotFoundException.class);
            });
  }

  /**
   * The replica is dropped on the server's stream-deleted advisory, within milliseconds; but an
   * advisory is sent at most once, and nats-server 2.9 drops it for a few deletes in a hundred (the
   * stream stops its send loop before the advisory is out). Then the replica's follower finds the
   * stream recreated when three heartbeats are missing, within about 20 s (docs/nats.md, "Bucket
   * deleted or recreated"), and that is the bound the test can hold the store to.
   */
  private static final Duration MISSED_ADVISORY_BOUND =
      StreamFollower.HEARTBEAT.multipliedBy(4).plusSeconds(10);

  @Test
  void aDatabaseDeletedAndRecreatedByAnotherClient_isNotServedStale() {
    assertThat(value(cached, "seed")).isEqualTo("s");

    other.deleteDatabase(DB);
    other.write(Record.of("fresh", "new"), TO);

    await()
        .atMost(MISSED_ADVISORY_BOUND)
        .ignoreExceptionsInstanceOf(NotFoundException.class)
        .until(() -> value(cached, "fresh").equals("new"));
    assertThatThrownBy(() -> cached.read("seed", FROM)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void databasesNotChosen_areReadFromTheServer() {
    try (Store partial =
        NatsStore.builder().servers(TestServers.shared().url()).nearCache("elsewhere").build()) {
      assertThat(value(partial, "seed")).isEqualTo("s");
      other.write(Record.of("seed", "changed"), TO);
      assertThat(value(partial, "seed")).isEqualTo("changed");
    }
  }

  @Test
  void uriParameter_nearCache_choosesTheDatabases() {
    try (Store fromUri =
        dev.microstore.Stores.open(TestServers.shared().url() + "?nearCache=" + DB + ",other")) {
      assertThat(fromUri.toString()).contains("nearCache=near,other");
      fromUri.write(Record.of("k", "v"), TO);
      assertThat(value(fromUri, "k")).isEqualTo("v");
    }
    try (Store all = dev.microstore.Stores.open(TestServers.shared().url() + "?nearCache=true")) {
      assertThat(all.toString()).contains("nearCache=true");
    }
  }

  @Test
  void nearCache_invalidDatabaseName_isRejected() {
    assertThatThrownBy(() -> NatsStore.builder().nearCache("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a b\"");
  }
}
