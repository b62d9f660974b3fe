package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Values written by the Go plugin read back exactly; values written here are what Go writes. */
class NatsWireCompatibilityTest {
  private Connection raw;
  private Store store;
  private Store encoded;

  @BeforeEach
  void open() throws Exception {
    raw = TestServers.rawConnection();
    store = NatsStore.builder().servers(TestServers.shared().url()).build();
    encoded = NatsStore.builder().servers(TestServers.shared().url()).encodeKeys().build();
    for (String b : List.of("golden", "goldenenc", "gowire", "hostile")) {
      store.deleteDatabase(b);
    }
  }

  @AfterEach
  void close() throws Exception {
    for (String b : List.of("golden", "goldenenc", "gowire", "hostile")) {
      store.deleteDatabase(b);
    }
    store.close();
    encoded.close();
    raw.close();
  }

  private KeyValue goBucket(String name) throws Exception {
    raw.keyValueManagement()
        .create(
            KeyValueConfiguration.builder()
                .name(name)
                .description("KeyValue storage administered by go-micro store plugin")
                .maxHistoryPerKey(1)
                .build());
    return raw.keyValue(name);
  }

  @Test
  @SuppressWarnings("try") // the watches run while the body writes
  void changesMadeByGo_areSeenByAJavaWatch_withTablesAndEncodedKeys() throws Exception {
    KeyValue plain = goBucket("gowatch");
    KeyValue enc = goBucket("gowatchenc");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> seenEncoded = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (dev.microstore.Watch w =
            store.watch(
                dev.microstore.WatchOptions.builder().database("gowatch").table("users").build(),
                recordingTo(seen));
        dev.microstore.Watch we =
            encoded.watch(
                dev.microstore.WatchOptions.builder().database("gowatchenc").build(),
                recordingTo(seenEncoded))) {
      // what the Go plugin sends: the envelope under <table>_<key>, a KV delete for Delete
      // the buckets keep one revision per key, as the Go plugin's do: a put is delivered before
      // the delete replaces it (a watch may skip a revision replaced before it was delivered)
      long put =
          plain.put("users_alice", "{\"key\":\"alice\",\"data\":\"djE=\",\"metadata\":null}");
      plain.put("orders_o1", "{\"key\":\"o1\",\"data\":\"eA==\",\"metadata\":null}");
      enc.put(
          "IZXWE2LEMRSW4OT4IAXC4KY=",
          "{\"key\":\"Fobidden:|@..+\",\"data\":\"djM=\",\"metadata\":null}");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> seen.size() == 1 && seenEncoded.size() == 1);
      plain.delete("users_alice");
      enc.delete("IZXWE2LEMRSW4OT4IAXC4KY=");

      try {
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(() -> seen.size() == 2 && seenEncoded.size() == 2);
      } catch (org.awaitility.core.ConditionTimeoutException missing) {
        throw new AssertionError(
            "both watches see their two changes; seen "
                + seen
                + " and "
                + seenEncoded
                + " (Go's put of users_alice: revision "
                + put
                + ")",
            missing);
      }
      assertThat(seen).containsExactly("PUT alice@" + put + " v1", "DELETE alice@" + (put + 2));
      assertThat(seenEncoded).containsExactly("PUT Fobidden:|@..+@1 v3", "DELETE Fobidden:|@..+@2");
    } finally {
      store.deleteDatabase("gowatch");
      store.deleteDatabase("gowatchenc");
    }
  }

  private static dev.microstore.WatchListener recordingTo(List<String> events) {
    return e ->
        events.add(
            e.op()
                + " "
                + e.key()
                + "@"
                + e.revision()
                + e.record().map(r -> " " + r.valueAsString()).orElse(""));
  }

  @Test
  void goldenValuesWrittenByGo_readBackExactly() throws Exception {
    KeyValue kv = goBucket("golden");
    kv.put(
        "users_alice",
        "{\"key\":\"alice\",\"data\":\"aGVsbG8=\",\"metadata\":{\"a\":\"x\",\"n\":5}}");
    kv.put("empty", "{\"key\":\"empty\",\"data\":\"\",\"metadata\":null}");

    Record alice =
        store.read("alice", ReadOptions.builder().from("golden", "users").build()).get(0);
    assertThat(alice.key()).isEqualTo("alice");
    assertThat(alice.valueAsString()).isEqualTo("hello");
    assertThat(alice.metadata()).containsExactly(Map.entry("a", "x"), Map.entry("n", 5L));
    Record empty = store.read("empty", ReadOptions.builder().database("golden").build()).get(0);
    assertThat(empty.value()).isEmpty();
    assertThat(empty.metadata()).isEmpty();
  }

  @Test
  void goldenEncodedKey_readBackWithEncodeKeys() throws Exception {
    KeyValue kv = goBucket("goldenenc");
    kv.put(
        "IZXWE2LEMRSW4OT4IAXC4KY=",
        "{\"key\":\"Fobidden:|@..+\",\"data\":\"djM=\",\"metadata\":null}");

    Record r =
        encoded.read("Fobidden:|@..+", ReadOptions.builder().database("goldenenc").build()).get(0);
    assertThat(r.valueAsString()).isEqualTo("v3");
    assertThat(encoded.list(ListOptions.builder().database("goldenenc").build()))
        .containsExactly("Fobidden:|@..+");
    assertThat(KeyCodec.base32("Fobidden:|@..+".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("IZXWE2LEMRSW4OT4IAXC4KY=");
  }

  @Test
  void goVariants_dataNullEscapesUnknownFieldsAndFloats_areAccepted() throws Exception {
    KeyValue kv = goBucket("gowire");
    kv.put("a", "{\"key\":\"a\",\"data\":null,\"metadata\":null}");
    kv.put(
        "b",
        "{\"metadata\":{\"html\":\"\\u003cb\\u003e \\u0026\",\"f\":1.5,\"i\":3,\"e\":1e3,\"l\":[1,"
            + "{\"x\":true}]},\"data\":\"AAEC\",\"key\":\"b\",\"extra\":{\"z\":[]}}");

    Record a = store.read("a", ReadOptions.builder().database("gowire").build()).get(0);
    assertThat(a.value()).isEmpty();
    Record b = store.read("b", ReadOptions.builder().database("gowire").build()).get(0);
    assertThat(b.value()).containsExactly(0, 1, 2);
    assertThat(b.metadata().get("html")).isEqualTo("<b> &");
    assertThat(b.metadata().get("f")).isEqualTo(1.5);
    assertThat(b.metadata().get("i")).isEqualTo(3L);
    assertThat(b.metadata().get("e")).isEqualTo(1000.0);
    assertThat(b.metadata().get("l")).isEqualTo(List.of(1L, Map.of("x", true)));
  }

  @Test
  void storedBytes_decodeWithAPlainJsonParser_toTheFieldsGoWrites() throws Exception {
    store.write(
        Record.builder("alice").value("hello").metadata(Map.of("a", "x", "n", 5)).build(),
        WriteOptions.builder().to("gowire", "users").build());
    store.write(Record.of("empty", new byte[0]), WriteOptions.builder().database("gowire").build());

    KeyValue kv = raw.keyValue("gowire");
    JsonValue alice = JsonParser.parse(kv.get("users_alice").getValue());
    assertThat(alice.map.keySet()).containsExactlyInAnyOrder("key", "data", "metadata");
    assertThat(alice.map.get("key").string).isEqualTo("alice");
    assertThat(alice.map.get("data").string).isEqualTo("aGVsbG8=");
    assertThat(alice.map.get("metadata").map.get("a").string).isEqualTo("x");
    assertThat(alice.map.get("metadata").map.get("n").i).isEqualTo(5);
    assertThat(new String(kv.get("empty").getValue(), StandardCharsets.UTF_8))
        .isEqualTo("{\"key\":\"empty\",\"data\":\"\",\"metadata\":null}");
  }

  @Test
  void valuesThatAreNotEnvelopes_readAsRawValues_andNeverBreakPrefixReadsOrLists()
      throws Exception {
    KeyValue kv = goBucket("hostile");
    kv.put("t_good", "{\"key\":\"good\",\"data\":\"b2s=\",\"metadata\":null}");
    kv.put("t_text", "plain text");
    kv.put("t_badjson", "{\"key\":");
    kv.put("t_badbase64", "{\"key\":\"x\",\"data\":\"***\",\"metadata\":null}");
    kv.put("t_deep", "[".repeat(10_000) + "]".repeat(10_000));
    kv.put(
        "t_deepmeta",
        "{\"key\":\"d\",\"data\":\"\",\"metadata\":"
            + "{\"a\":".repeat(10_000)
            + "1"
            + "}".repeat(10_001));
    kv.put("t_binary", new byte[] {(byte) 0xff, 0, (byte) 0xfe});

    List<Record> all = store.read("", ReadOptions.builder().from("hostile", "t").prefix().build());
    assertThat(all)
        .extracting(Record::key)
        .containsExactly("badbase64", "badjson", "binary", "deep", "deepmeta", "good", "text");
    assertThat(all.get(5).valueAsString()).isEqualTo("ok");
    assertThat(all.get(6).valueAsString()).isEqualTo("plain text");
    assertThat(all.get(2).value()).containsExactly(0xff, 0, 0xfe);
    assertThat(store.list(ListOptions.builder().from("hostile", "t").build())).hasSize(7);
  }
}
