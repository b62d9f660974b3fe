package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.ChangeEvent;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Stores;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NATS-specific behaviour: buckets, options, bad input, TTL paths and watches of other clients. */
class NatsStoreBehaviourTest {
  private static final List<String> BUCKETS =
      List.of(
          "cfg",
          "other",
          "recreate",
          "big",
          "ttlgo",
          "ttlhist",
          "watched",
          "dflt",
          "orders",
          "fromuri");
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
    if (raw.getStatus() == Connection.Status.CONNECTED) {
      for (String b : BUCKETS) {
        try {
          raw.keyValueManagement().delete(b);
        } catch (Exception gone) {
          // not there
        }
      }
    }
    store.close();
    raw.close();
  }

  private ReadOptions in(String db) {
    return ReadOptions.builder().database(db).build();
  }

  private WriteOptions to(String db) {
    return WriteOptions.builder().database(db).build();
  }

  // ------------------------------------------------------------------ buckets

  @Test
  void configuredBucket_isCreatedAtBuild_withEveryConfiguredSetting() throws Exception {
    try (Store s =
        NatsStore.builder()
            .servers(TestServers.shared().url())
            .bucket(
                KeyValueConfiguration.builder()
                    .name("cfg")
                    .description("configured")
                    .maxHistoryPerKey(4)
                    .ttl(Duration.ofHours(1))
                    .maxBucketSize(10_000_000)
                    .maximumValueSize(4096)
                    .storageType(StorageType.Memory)
                    .build())
            .build()) {
      KeyValueStatus st = raw.keyValueManagement().getStatus("cfg");
      assertThat(st.getDescription()).isEqualTo("configured");
      assertThat(st.getMaxHistoryPerKey()).isEqualTo(4);
      assertThat(st.getTtl()).isEqualTo(Duration.ofHours(1));
      assertThat(st.getMaxBucketSize()).isEqualTo(10_000_000);
      assertThat(st.getMaximumValueSize()).isEqualTo(4096);
      assertThat(st.getStorageType()).isEqualTo(StorageType.Memory);
      assertThat(s.info("cfg").orElseThrow().history()).isEqualTo(4);
    }
  }

  @Test
  void bucketCreatedOnFirstWrite_usesTheStoreDefaults() throws Exception {
    try (Store s =
        NatsStore.builder()
            .servers(TestServers.shared().url())
            .memoryStorage()
            .defaultTtl(Duration.ofMinutes(10))
            .history(3)
            .description("orders of the shop")
            .build()) {
      assertThat(s.databases()).doesNotContain("orders");
      s.read("", ReadOptions.builder().database("orders").prefix().build());
      s.list(ListOptions.builder().database("orders").build());
      assertThat(raw.keyValueManagement().getBucketNames()).doesNotContain("orders");
      s.write(Record.of("k", "v"), to("orders"));
      KeyValueStatus st = raw.keyValueManagement().getStatus("orders");
      assertThat(st.getStorageType()).isEqualTo(StorageType.Memory);
      assertThat(st.getTtl()).isEqualTo(Duration.ofMinutes(10));
      assertThat(st.getMaxHistoryPerKey()).isEqualTo(3);
      assertThat(st.getDescription()).isEqualTo("orders of the shop");
    }
    store.write(Record.of("k", "v"), to("dflt"));
    assertThat(raw.keyValueManagement().getStatus("dflt").getDescription())
        .isEqualTo("Store managed by microstore");
  }

  @Test
  void bucketCreatedByAnotherProcess_isFoundWithoutEverBeingOpenedHere() throws Exception {
    raw.keyValueManagement().create(KeyValueConfiguration.builder().name("other").build());
    raw.keyValue("other").put("k", "{\"key\":\"k\",\"data\":\"dg==\",\"metadata\":null}");

    assertThat(store.read("k", in("other")).get(0).valueAsString()).isEqualTo("v");
    assertThat(store.list(ListOptions.builder().database("other").build())).containsExactly("k");
    store.delete("k", DeleteOptions.builder().database("other").build());
    assertThat(store.list(ListOptions.builder().database("other").build())).isEmpty();
  }

  @Test
  void bucketDeletedAndRecreatedByAnotherClient_leavesNoStaleHandle() throws Exception {
    store.write(Record.of("a", "1"), to("recreate"));
    assertThat(store.read("a", in("recreate"))).hasSize(1);

    raw.keyValueManagement().delete("recreate");
    assertThatThrownBy(() -> store.read("a", in("recreate"))).isInstanceOf(NotFoundException.class);
    assertThat(store.list(ListOptions.builder().database("recreate").build())).isEmpty();

    raw.keyValueManagement().create(KeyValueConfiguration.builder().name("recreate").build());
    raw.keyValue("recreate").put("b", "{\"key\":\"b\",\"data\":\"Mg==\",\"metadata\":null}");
    assertThat(store.read("b", in("recreate")).get(0).valueAsString()).isEqualTo("2");

    raw.keyValueManagement().delete("recreate");
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> !raw.keyValueManagement().getBucketNames().contains("recreate"));
    store.write(Record.of("c", "3"), to("recreate"));
    assertThat(store.list(ListOptions.builder().database("recreate").build())).containsExactly("c");
  }

  @Test
  @SuppressWarnings("try")
  void bucketDeletedByAnotherClient_endsItsWatchesWithOnError_andIsForgotten() throws Exception {
    store.write(Record.of("a", "1"), to("recreate"));
    List<String> errors = new CopyOnWriteArrayList<>();
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvent(ChangeEvent event) {}

          @Override
          public void onError(StoreException error) {
            errors.add(error.getClass().getSimpleName() + ": " + error.getMessage());
          }
        };
    try (Watch w = store.watch(WatchOptions.builder().database("recreate").build(), listener)) {
      raw.keyValueManagement().delete("recreate");

      // from the deletion advisory at once, or, when the server never sends it (2.9.10 sometimes
      // does not), once the watch's consumer misses three heartbeats: within about 20 s
      await()
          .atMost(StreamFollower.HEARTBEAT.multipliedBy(4).plusSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(errors)
                      .containsExactly(
                          "WatchGapException: database \"recreate\" was deleted: the watch cannot"
                              + " deliver revision 2 or any later one"));
      assertThatThrownBy(() -> store.read("a", in("recreate")))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void scansWhileOtherClientsOverwriteTheSameKeys_alwaysSeeEveryKey() throws Exception {
    WriteOptions o = to("other");
    for (int i = 0; i < 10; i++) {
      store.write(Record.of("k" + i, "0"), o);
    }
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ExecutorService writers =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try (Store other = NatsStore.builder().servers(TestServers.shared().url()).build()) {
      List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(
            writers.submit(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    other.write(Record.of("k" + (i % 10), Integer.toString(i)), o);
                  }
                  return null;
                }));
      }
      List<String> all = List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
      for (int round = 0; round < 150; round++) {
        assertThat(store.read("k", ReadOptions.builder().database("other").prefix().build()))
            .extracting(Record::key)
            .as("prefix read %d", round)
            .containsExactlyElementsOf(all);
        assertThat(store.list(ListOptions.builder().database("other").build()))
            .as("list %d", round)
            .containsExactlyElementsOf(all);
      }
      stop.set(true);
      for (java.util.concurrent.Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      writers.shutdownNow();
    }
  }

  @Test
  void deleteDatabase_deletesTheBucket() throws Exception {
    store.write(Record.of("a", "1"), to("other"));
    assertThat(store.deleteDatabase("other")).isTrue();
    assertThat(raw.keyValueManagement().getBucketNames()).doesNotContain("other");
    assertThat(store.deleteDatabase("other")).isFalse();
  }

  @Test
  void aKeyDeletedWhileTheInitialRecordsAreRead_isReportedDeleted_beforeInitialDataDone()
      throws Exception {
    store.write(Record.of("a", "1"), to("watched"));
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Store other = NatsStore.builder().servers(TestServers.shared().url()).build()) {
      Watch w =
          store.watch(
              WatchOptions.builder().database("watched").includeInitial().build(),
              new WatchListener() {
                @Override
                public void onEvent(ChangeEvent e) {
                  seen.add(e.op() + " " + e.key());
                  if (e.op() == ChangeEvent.Op.PUT && e.key().equals("a")) {
                    // acknowledged before the pass goes on: its marker is in the stream now
                    other.delete("a", DeleteOptions.builder().database("watched").build());
                  }
                }

                @Override
                public void onInitialDataDone() {
                  seen.add("done");
                }
              });
      w.close();
      // live events start after the pass, so a deletion the pass skipped would never be reported
      assertThat(seen).containsExactly("PUT a", "DELETE a", "done");
    }
  }

  @Test
  void fromUri_givesTheBuilderTheUriDescribes_forSettingsAUriCannotCarry() throws Exception {
    try (Store s =
        NatsStore.fromUri(TestServers.shared().url() + "?database=fromuri&table=t")
            .bucket(
                io.nats.client.api.KeyValueConfiguration.builder()
                    .name("fromuri")
                    .maxHistoryPerKey(3)
                    .build())
            .build()) {
      s.write(Record.of("k", "v"));
      assertThat(raw.keyValue("fromuri").get("t_k").getValueAsString()).contains("\"dg==\"");
      assertThat(raw.keyValueManagement().getStatus("fromuri").getMaxHistoryPerKey()).isEqualTo(3);
    }
    assertThatThrownBy(() -> NatsStore.fromUri("memory:?database=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"memory:?database=x\"")
        .hasMessageContaining("nats");
    assertThatThrownBy(() -> NatsStore.fromUri(TestServers.shared().url() + "?colour=blue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
  }

  @Test
  void storesOpenedByUri_honourTheParameters() throws Exception {
    try (Store s =
        Stores.open(TestServers.shared().url() + "?database=dflt&table=t&encodeKeys=true")) {
      s.write(Record.of("any key: ok", "v"));
      assertThat(s.read("any key: ok").get(0).valueAsString()).isEqualTo("v");
      assertThat(raw.keyValue("dflt").keys())
          .containsExactly(KeyCodec.base32("t_any key: ok".getBytes()));
      assertThat(s.toString()).contains("database=dflt").contains("encodeKeys=true");
    }
    assertThatThrownBy(() -> Stores.open(TestServers.shared().url() + "?colour=blue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour")
        .hasMessageContaining("encodeKeys");
  }

  // ------------------------------------------------------------------ bad input

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a.b", "a*", "a>", "ünï", "a/b"})
  void invalidDatabaseNames_areRejected_andNothingIsCreated(String db) throws Exception {
    assertThatThrownBy(() -> store.write(Record.of("k", "v"), to(db)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + db + "\"")
        .hasMessageContaining("A-Z a-z 0-9 - _");
    assertThat(raw.keyValueManagement().getBucketNames()).allMatch(n -> !n.equals(db));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a*", "a>", ".a", "a.", "a..b", "ünï", "tab\t"})
  void invalidKeys_withoutEncoding_areRejected_namingTheKeyAndEncodeKeys(String key)
      throws Exception {
    assertThatThrownBy(() -> store.write(Record.of(key, "v"), to("other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key \"" + key + "\"")
        .hasMessageContaining("encodeKeys");
    assertThatThrownBy(() -> store.read(key, in("other")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key, DeleteOptions.builder().database("other").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(raw.keyValueManagement().getBucketNames()).doesNotContain("other");
  }

  @Test
  void invalidTable_isRejected_namingTheTable() {
    assertThatThrownBy(
            () ->
                store.write(Record.of("k", "v"), WriteOptions.builder().to("other", "a b").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table \"a b\"")
        .hasMessageContaining("encodeKeys");
  }

  @Test
  void wildcardsNeverReachOtherKeys() throws Exception {
    store.write(Record.of("a.b", "1"), to("other"));
    store.write(Record.of("a.c", "2"), to("other"));
    assertThatThrownBy(() -> store.read("a.*", in("other")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete("a.>", DeleteOptions.builder().database("other").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.read("a.*", ReadOptions.builder().database("other").prefix().build()))
        .isEmpty();
    assertThat(store.list(ListOptions.builder().database("other").build()))
        .containsExactly("a.b", "a.c");
  }

  @Test
  void valueOverTheServerMaxPayload_failsClearly_andWritesNothing() {
    byte[] huge = new byte[1024 * 1024];
    assertThatThrownBy(() -> store.write(Record.of("huge", huge), to("big")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("key \"huge\"")
        .hasMessageContaining("max payload");
    assertThatThrownBy(() -> store.read("huge", in("big"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void valueOverTheBucketMaxValueSize_failsClearly() throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name("big").maximumValueSize(100).build());
    assertThatThrownBy(() -> store.write(Record.of("k", new byte[200]), to("big")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("key \"k\"")
        .hasMessageContaining("maximum value size of database \"big\"");
    assertThat(store.list(ListOptions.builder().database("big").build())).isEmpty();
  }

  @Test
  void closedConnection_givesAClearStoreException_neverAHang() throws Exception {
    try (Store s = NatsStore.builder().connection(raw).build()) {
      s.write(Record.of("k", "v"), to("other"));
      raw.close();
      assertThatThrownBy(() -> s.read("k", in("other")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void unreachableServer_failsFastWithAStoreException() {
    assertThatThrownBy(
            () ->
                NatsStore.builder()
                    .servers("nats://127.0.0.1:1")
                    .connectionOptions(
                        o -> o.connectionTimeout(Duration.ofMillis(500)).maxReconnects(0))
                    .build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot connect to NATS at nats://127.0.0.1:1");
  }

  // ------------------------------------------------------------------ TTL

  @Test
  void ttlRecord_inABucketTheGoPluginCreated_expiresForThisLibrary() throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name("ttlgo").maxHistoryPerKey(1).build());
    store.write(
        Record.of("short", "v"),
        WriteOptions.builder().database("ttlgo").ttl(Duration.ofSeconds(1)).build());
    store.write(Record.of("long", "v"), to("ttlgo"));
    assertThat(store.read("short", in("ttlgo")).get(0).expiry()).isPositive();

    await()
        .atMost(5, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> store.read("short", in("ttlgo")))
                    .isInstanceOf(NotFoundException.class));
    assertThat(store.list(ListOptions.builder().database("ttlgo").build())).containsExactly("long");
  }

  @Test
  void ttlWithHistory_neverUncoversAnOlderValue() throws Exception {
    try (Store s = NatsStore.builder().servers(TestServers.shared().url()).history(5).build()) {
      s.write(Record.of("k", "old"), to("ttlhist"));
      s.write(
          Record.of("k", "new"),
          WriteOptions.builder().database("ttlhist").ttl(Duration.ofSeconds(1)).build());
      await()
          .atMost(6, TimeUnit.SECONDS)
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> s.read("k", in("ttlhist")))
                      .isInstanceOf(NotFoundException.class));
      assertThat(s.list(ListOptions.builder().database("ttlhist").build())).isEmpty();
      if (TestServers.nativeTtl()) {
        // the server itself removed the record: a raw client (a Go service) sees no value either
        await()
            .atMost(6, TimeUnit.SECONDS)
            .untilAsserted(() -> assertThat(raw.keyValue("ttlhist").get("k")).isNull());
      }
    }
  }

  @Test
  @SuppressWarnings("try")
  void nativeTtl_onNewServers_isSeenByOtherClientsAndWatches() throws Exception {
    assumeThat(TestServers.nativeTtl()).as("nats-server 2.11+").isTrue();
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    store.write(Record.of("seed", "s"), to("watched"));
    try (Watch w = store.watch(WatchOptions.builder().database("watched").build(), events::add)) {
      store.write(
          Record.of("k", "v"),
          WriteOptions.builder().database("watched").ttl(Duration.ofSeconds(1)).build());
      KeyValue kv = raw.keyValue("watched");
      assertThat(kv.get("k")).isNotNull();
      await().atMost(6, TimeUnit.SECONDS).untilAsserted(() -> assertThat(kv.get("k")).isNull());
      await()
          .atMost(6, TimeUnit.SECONDS)
          .untilAsserted(
              () ->
                  assertThat(events)
                      .extracting(ChangeEvent::op)
                      .containsExactly(ChangeEvent.Op.PUT, ChangeEvent.Op.EXPIRE));
    }
  }

  // ------------------------------------------------------------------ watch

  @Test
  @SuppressWarnings("try")
  void watch_seesAnotherClientsWritesAndDeletes_inOrder() throws Exception {
    // Every revision reaches a watch only where the bucket keeps them: with history 1 the server's
    // consumer skips a revision that the next write replaced before it was delivered, which a
    // loaded machine shows now and then. History 32 keeps all 22 revisions of this test.
    try (Store deep = NatsStore.builder().servers(TestServers.shared().url()).history(32).build()) {
      deep.write(Record.of("a", "0"), WriteOptions.builder().to("watched", "t").build());
    }
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch initial = new CountDownLatch(1);
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvent(ChangeEvent event) {
            events.add(event);
          }

          @Override
          public void onInitialDataDone() {
            initial.countDown();
          }
        };
    try (Watch w =
        store.watch(
            WatchOptions.builder().database("watched").table("t").includeInitial().build(),
            listener)) {
      assertThat(initial.await(5, TimeUnit.SECONDS)).isTrue();
      try (Store other = NatsStore.builder().servers(TestServers.shared().url()).build()) {
        for (int i = 1; i <= 20; i++) {
          other.write(Record.of("a", "" + i), WriteOptions.builder().to("watched", "t").build());
        }
        other.delete("a", DeleteOptions.builder().from("watched", "t").build());
        other.write(Record.of("outside", "x"), to("watched"));
      }
      await()
          .atMost(15, TimeUnit.SECONDS)
          .untilAsserted(() -> assertThat(events).as("events %s", events).hasSize(22));
      assertThat(events.get(0).record().orElseThrow().valueAsString()).isEqualTo("0");
      for (int i = 1; i <= 20; i++) {
        assertThat(events.get(i).op()).isEqualTo(ChangeEvent.Op.PUT);
        assertThat(events.get(i).record().orElseThrow().valueAsString()).isEqualTo("" + i);
        assertThat(events.get(i).revision()).isGreaterThan(events.get(i - 1).revision());
      }
      assertThat(events.get(21).op()).isEqualTo(ChangeEvent.Op.DELETE);
      assertThat(events).extracting(ChangeEvent::key).containsOnly("a");
    }
  }
}
