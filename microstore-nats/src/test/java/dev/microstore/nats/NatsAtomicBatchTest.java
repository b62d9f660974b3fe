package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.ConflictException;
import dev.microstore.ListOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Atomic batches on NATS: server versions, bucket configuration, failures before the commit. */
class NatsAtomicBatchTest {
  private static final List<String> BUCKETS =
      List.of("batchold", "batchdrop", "batchgo", "batchnew");

  private Connection raw;
  private Store store;

  @BeforeEach
  void open() throws Exception {
    raw = TestServers.rawConnection();
    store = NatsStore.builder().servers(TestServers.shared().url()).build();
    BUCKETS.forEach(store::deleteDatabase);
  }

  @AfterEach
  void close() throws Exception {
    BUCKETS.forEach(store::deleteDatabase);
    store.close();
    raw.close();
  }

  private static boolean atomicServer() {
    return TestServers.binary().isAtLeast(2, 12);
  }

  private long lastSequence(String db) throws Exception {
    return raw.jetStreamManagement()
        .getStreamInfo(Wire.streamName(db))
        .getStreamState()
        .getLastSequence();
  }

  private boolean allowsAtomic(String db) throws Exception {
    return raw.jetStreamManagement()
        .getStreamInfo(Wire.streamName(db))
        .getConfiguration()
        .getAllowAtomicPublish();
  }

  @Test
  void commit_onServerOlderThan2_12_failsNamingTheNeededVersion_andWritesNothing() {
    assumeFalse(atomicServer(), "the server supports atomic batches");
    Batch batch =
        Batch.builder()
            .database("batchold")
            .put(Record.of("a", "1"))
            .put(Record.of("b", "2"))
            .build();

    assertThatThrownBy(() -> store.commit(batch))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessageContaining("nats-server 2.12 or newer")
        .hasMessageContaining(TestServers.binary().version())
        .hasMessageContaining("nothing was written");
    assertThat(store.databases()).doesNotContain("batchold");
  }

  @Test
  void bucketCreatedByTheStore_allowsAtomicBatchesOnlyWhereTheServerHasThem() throws Exception {
    store.write(Record.of("k", "v"), WriteOptions.builder().database("batchnew").build());

    assertThat(allowsAtomic("batchnew")).isEqualTo(atomicServer());
  }

  @Test
  void commit_toBucketCreatedWithoutAtomicBatches_enablesThemAndApplies() throws Exception {
    assumeTrue(atomicServer(), "atomic batches need nats-server 2.12");
    KeyValueManagement kvm = raw.keyValueManagement();
    kvm.create(KeyValueConfiguration.builder().name("batchgo").build());
    raw.keyValue("batchgo").put("existing", "from go".getBytes(StandardCharsets.UTF_8));
    assertThat(allowsAtomic("batchgo")).isFalse();

    BatchResult result =
        store.commit(
            Batch.builder()
                .database("batchgo")
                .put(Record.of("a", "1"))
                .delete("existing")
                .build());

    assertThat(allowsAtomic("batchgo")).isTrue();
    KeyValueEntry seenByGo = raw.keyValue("batchgo").get("a");
    assertThat(seenByGo.getRevision()).isEqualTo(result.revision("a"));
    assertThat(seenByGo.getValueAsString())
        .isEqualTo("{\"key\":\"a\",\"data\":\"MQ==\",\"metadata\":null}");
    assertThat(raw.keyValue("batchgo").get("existing")).isNull();
  }

  @Test
  void commit_connectionLostBeforeTheCommitMessage_leavesNothingWritten() throws Exception {
    assumeTrue(atomicServer(), "atomic batches need nats-server 2.12");
    String db = "batchdrop";
    long a = store.write(Record.of("a", "a1"), WriteOptions.builder().database(db).build());
    long before = lastSequence(db);
    NatsKvStore dying =
        (NatsKvStore) NatsStore.builder().servers(TestServers.shared().url()).build();
    dying.beforeBatchCommit(dying::close);
    Batch batch =
        Batch.builder()
            .database(db)
            .put(Record.of("a", "a2"), Batch.Condition.ifRevision(a))
            .put(Record.of("b", "b1"))
            .put(Record.of("c", "c1"))
            .delete("d")
            .build();

    assertThatThrownBy(() -> dying.commit(batch)).isInstanceOf(StoreException.class);

    assertThat(lastSequence(db)).isEqualTo(before);
    assertThat(store.list(ListOptions.builder().database(db).build())).containsExactly("a");
    BatchResult retried = store.commit(batch);
    assertThat(retried.revision("a")).isEqualTo(before + 1);
    assertThat(store.list(ListOptions.builder().database(db).build()))
        .containsExactly("a", "b", "c");
  }

  @Test
  void commit_conditionFailingOnTheServer_namesTheKeyFoundByReading() {
    assumeTrue(atomicServer(), "atomic batches need nats-server 2.12");
    WriteOptions in = WriteOptions.builder().database("batchnew").build();
    long stale = store.write(Record.of("x", "1"), in);
    long current = store.write(Record.of("x", "2"), in);
    long y = store.write(Record.of("y", "1"), in);

    assertThatThrownBy(
            () ->
                store.commit(
                    Batch.builder()
                        .database("batchnew")
                        .put(Record.of("y", "2"), Batch.Condition.ifRevision(y))
                        .put(Record.of("x", "3"), Batch.Condition.ifRevision(stale))
                        .build()))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("x");
              assertThat(e.currentRevision()).hasValue(current);
              assertThat(e.errorCode()).isEqualTo(10071);
            })
        .hasMessageContaining("the batch was not applied");
  }
}
