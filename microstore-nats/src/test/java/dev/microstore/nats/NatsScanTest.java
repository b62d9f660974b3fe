package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.ListOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streaming scans against a real server: a consumer lost in the middle of a scan is replaced
 * without losing or repeating keys, in buckets with and without history, and a closed scan leaves
 * no consumer behind.
 */
class NatsScanTest {
  private static final String DB = "scanned";
  private static final int KEYS = 2500;

  private Connection raw;
  private JetStreamManagement jsm;
  private Store store;

  @BeforeEach
  void open() throws Exception {
    raw = TestServers.rawConnection();
    jsm = raw.jetStreamManagement();
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.deleteDatabase(DB);
      store.close();
    }
    raw.close();
  }

  private void fill(int history) {
    store = NatsStore.builder().servers(TestServers.shared().url()).history(history).build();
    store.deleteDatabase(DB);
    WriteOptions to = WriteOptions.builder().database(DB).build();
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      records.add(Record.of(String.format("k%05d", i), "old"));
    }
    store.writeAll(records, to).throwIfFailed();
    if (history > 1) {
      records.replaceAll(r -> Record.of(r.key(), "new"));
      store.writeAll(records, to).throwIfFailed();
    }
  }

  private void deleteConsumers() throws Exception {
    for (String name : jsm.getConsumerNames(Wire.streamName(DB))) {
      jsm.deleteConsumer(Wire.streamName(DB), name);
    }
  }

  @Test
  void aConsumerDeletedDuringAScan_isReplaced_andEveryKeyComesOnce() throws Exception {
    fill(1);

    Map<String, Integer> seen = new HashMap<>();
    try (Stream<String> keys = store.scanKeys(ListOptions.builder().database(DB).build())) {
      Iterator<String> it = keys.iterator();
      for (int i = 0; i < 100; i++) {
        seen.merge(it.next(), 1, Integer::sum);
      }
      deleteConsumers();
      it.forEachRemaining(k -> seen.merge(k, 1, Integer::sum));
    }

    assertThat(seen).hasSize(KEYS);
    assertThat(seen.values()).containsOnly(1);
  }

  @Test
  void inABucketKeepingHistory_aReplacedConsumer_neverHandsOverAnOlderValue() throws Exception {
    fill(3);

    Map<String, String> seen = new HashMap<>();
    int count = 0;
    try (Stream<Record> records = store.scan(ListOptions.builder().database(DB).build())) {
      Iterator<Record> it = records.iterator();
      for (; count < 700; count++) {
        Record r = it.next();
        seen.put(r.key(), r.valueAsString());
      }
      deleteConsumers();
      while (it.hasNext()) {
        Record r = it.next();
        seen.put(r.key(), r.valueAsString());
        count++;
      }
    }

    assertThat(count).isEqualTo(KEYS);
    assertThat(seen).hasSize(KEYS);
    assertThat(seen.values()).containsOnly("new");
  }

  @Test
  void aScanClosedBeforeItsEnd_leavesNoConsumerBehind() throws Exception {
    fill(1);

    for (int i = 0; i < 3; i++) {
      try (Stream<Record> records = store.scan(ListOptions.builder().database(DB).build())) {
        assertThat(records.iterator().next().valueAsString()).isEqualTo("old");
      }
    }
    try (Stream<String> keys = store.scanKeys(ListOptions.builder().database(DB).build())) {
      assertThat(keys.count()).isEqualTo(KEYS);
    }

    await()
        .atMost(5, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(jsm.getConsumerNames(Wire.streamName(DB))).isEmpty());
  }
}
