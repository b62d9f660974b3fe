package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.BulkResult;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk operations, asynchronous failures and server-filtered scans against a real server. */
class NatsBulkAndScanTest {
  private static final List<String> BUCKETS =
      List.of("bulk-small", "bulk", "dotted", "enc", "kept", "large");
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

  private static WriteOptions to(String db) {
    return WriteOptions.builder().database(db).build();
  }

  @Test
  void writeAll_recordsOverTheBucketsMaxValueSize_failAlone_andTheOthersAreWritten()
      throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name("bulk-small").maximumValueSize(400).build());
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int size = i % 10 == 3 ? 1000 : 10;
      records.add(Record.of(String.format("k%02d", i), new byte[size]));
    }

    BulkResult result = store.writeAll(records, to("bulk-small"));

    assertThat(result.successCount()).isEqualTo(45);
    assertThat(result.failures())
        .containsOnlyKeys("k03", "k13", "k23", "k33", "k43")
        .allSatisfy(
            (key, e) -> {
              assertThat(e).isInstanceOf(StoreException.class);
              assertThat(e.errorCode()).isEqualTo(NatsErrors.MESSAGE_TOO_LARGE);
              assertThat(e)
                  .hasMessageContaining("\"" + key + "\"")
                  .hasMessageContaining("bulk-small");
            });
    assertThat(store.list(ListOptions.builder().database("bulk-small").build())).hasSize(45);
    assertThat(result.revisions().get("k49"))
        .isEqualTo(
            store
                .read("k49", ReadOptions.builder().database("bulk-small").build())
                .get(0)
                .revision());
  }

  @Test
  void writeAll_aRecordOverTheServersMaxPayload_failsWithoutBeingSent_othersAreWritten() {
    long max = 1024L * 1024;
    BulkResult result =
        store.writeAll(
            List.of(Record.of("small", "v"), Record.of("huge", new byte[(int) max])), to("bulk"));

    assertThat(result.revisions()).containsOnlyKeys("small");
    assertThat(result.failures().get("huge")).hasMessageContaining("max payload");
    assertThat(store.list(ListOptions.builder().database("bulk").build())).containsExactly("small");
  }

  @Test
  void writeAll_thousandsOfRecords_areAllAcknowledged_andReadAllReadsThemBack() {
    List<Record> records = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String k = String.format("k%05d", i);
      keys.add(k);
      records.add(Record.of(k, "v" + i));
    }

    BulkResult result = store.writeAll(records, to("bulk"));
    Map<String, Record> read = store.readAll(keys, ReadOptions.builder().database("bulk").build());

    assertThat(result.allSucceeded()).isTrue();
    assertThat(read).hasSize(3000);
    assertThat(read.get("k02999").valueAsString()).isEqualTo("v2999");
    assertThat(read.get("k00042").revision()).isEqualTo(result.revisions().get("k00042"));
  }

  @Test
  void readAsync_ofAKeyAnotherClientDeleted_failsWithNotFound() throws Exception {
    store.write(Record.of("k", "v"), to("bulk"));
    KeyValue kv = raw.keyValue("bulk");
    kv.delete("k");

    assertThat(store.readAsync("k", ReadOptions.builder().database("bulk").build()))
        .failsWithin(30, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(NotFoundException.class);
  }

  @Test
  void writeAsync_overTheBucketsMaxValueSize_failsTheFutureWithTheSizeError() throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name("bulk-small").maximumValueSize(400).build());

    assertThat(store.writeAsync(Record.of("k", new byte[1000]), to("bulk-small")))
        .failsWithin(30, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(StoreException.class)
        .withMessageContaining("maximum value size");
  }

  @Test
  void prefixReadsAndLists_underDottedKeys_returnExactlyTheMatchingKeys() {
    for (String k : List.of("x.y.1", "x.y.2", "x.yy", "x.z.1", "x", "xy.1", "y.y.1")) {
      store.write(Record.of(k, k), to("dotted"));
    }
    ReadOptions.Builder read = ReadOptions.builder().database("dotted").prefix();

    assertThat(store.read("x.y.", read.build()))
        .extracting(Record::key)
        .containsExactly("x.y.1", "x.y.2");
    assertThat(store.read("x.y", read.build()))
        .extracting(Record::key)
        .containsExactly("x.y.1", "x.y.2", "x.yy");
    assertThat(store.read("x.", read.build()))
        .extracting(Record::key)
        .containsExactly("x.y.1", "x.y.2", "x.yy", "x.z.1");
    assertThat(store.list(ListOptions.builder().database("dotted").prefix("x.y.").build()))
        .containsExactly("x.y.1", "x.y.2");
    assertThat(store.list(ListOptions.builder().database("dotted").prefix("x.*").build()))
        .isEmpty();
  }

  @Test
  void tablesWithDots_areScannedOnlyUnderTheirTokens_andSeeNothingElse() {
    WriteOptions inTable = WriteOptions.builder().database("dotted").table("eu.orders").build();
    store.write(Record.of("1", "a"), inTable);
    store.write(Record.of("2", "b"), inTable);
    store.write(Record.of("eu.orders_x", "c"), to("dotted"));
    store.write(Record.of("eu.ordersx", "d"), to("dotted"));
    store.write(Record.of("us.orders_1", "e"), to("dotted"));

    assertThat(store.list(ListOptions.builder().database("dotted").table("eu.orders").build()))
        .containsExactly("1", "2", "x");
    assertThat(
            store.read(
                "", ReadOptions.builder().database("dotted").table("eu.orders").prefix().build()))
        .extracting(Record::valueAsString)
        .containsExactly("a", "b", "c");
  }

  @Test
  @SuppressWarnings("try") // Connection.close() may throw InterruptedException
  void prefixReadAndList_ofHundredsOfRecords_sendAHandfulOfMessages_notOnePerRecord()
      throws Exception {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      records.add(Record.of(String.format("k%03d", i), "v" + i));
    }
    store.writeAll(records, WriteOptions.builder().database("bulk").table("t").build());
    try (Connection counted = TestServers.rawConnection();
        Store s = NatsStore.builder().connection(counted).build()) {
      s.list(ListOptions.builder().database("bulk").build()); // the bucket lookup happens here
      long before = counted.getStatistics().getOutMsgs();

      List<Record> read =
          s.read("", ReadOptions.builder().database("bulk").table("t").prefix().build());
      List<String> listed = s.list(ListOptions.builder().database("bulk").table("t").build());

      assertThat(read).hasSize(500);
      assertThat(listed).hasSize(500);
      assertThat(counted.getStatistics().getOutMsgs() - before).isLessThan(50);
    }
  }

  @Test
  void encodedKeys_prefixReads_stillMatchOnTheDecodedKey() {
    try (Store enc = NatsStore.builder().servers(TestServers.shared().url()).encodeKeys().build()) {
      WriteOptions t = WriteOptions.builder().database("enc").table("a.b").build();
      enc.write(Record.of("x y", "1"), t);
      enc.write(Record.of("x z", "2"), t);
      enc.write(Record.of("q", "3"), t);

      assertThat(
              enc.read("x ", ReadOptions.builder().database("enc").table("a.b").prefix().build()))
          .extracting(Record::key)
          .containsExactly("x y", "x z");
    }
  }

  @Test
  void scansOfABucketKeepingHistory_seeTheLatestValueOfEveryKey_andNotTheDeletedOnes()
      throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name("kept").maxHistoryPerKey(5).build());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 20; i++) {
        store.write(Record.of(String.format("k%02d", i), "v" + round), to("kept"));
      }
    }
    store.delete("k07", dev.microstore.DeleteOptions.builder().database("kept").build());

    List<Record> read = store.read("k", ReadOptions.builder().database("kept").prefix().build());

    assertThat(read).hasSize(19).extracting(Record::valueAsString).containsOnly("v2");
    assertThat(read).extracting(Record::key).doesNotContain("k07");
    assertThat(store.list(ListOptions.builder().database("kept").build()))
        .hasSize(19)
        .doesNotContain("k07");
  }

  @Test
  void aPrefixReadOfMoreBytesThanTheServerSendsUnasked_answersFlowControl_andGetsEveryRecord() {
    byte[] value = new byte[16 * 1024];
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      records.add(Record.of(String.format("k%04d", i), value));
    }
    store.writeAll(records, to("large")).throwIfFailed();

    List<Record> read = store.read("k", ReadOptions.builder().database("large").prefix().build());

    assertThat(read).hasSize(2000);
    assertThat(read.get(1999).key()).isEqualTo("k1999");
    assertThat(read.get(1999).value()).hasSize(value.length);
  }

  @Test
  void theConsumersOfFinishedScans_areGoneFromTheServerWithinSeconds() throws Exception {
    store.write(Record.of("k", "v"), to("bulk"));
    for (int i = 0; i < 20; i++) {
      store.read("k", ReadOptions.builder().database("bulk").prefix().build());
      store.list(ListOptions.builder().database("bulk").build());
    }

    // the server's default for ephemeral consumers without interest is 5 s
    org.awaitility.Awaitility.await()
        .atMost(4, TimeUnit.SECONDS)
        .until(
            () ->
                raw.jetStreamManagement()
                        .getStreamInfo("KV_bulk")
                        .getStreamState()
                        .getConsumerCount()
                    == 0);
  }
}
