package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;

/**
 * Random keys, tables, databases, values and metadata against the in-memory store and the NATS
 * store (plain and encoded keys): every write either round-trips exactly or fails with an
 * IllegalArgumentException or StoreException whose message is clear, nothing else changes, and
 * hostile bucket contents never break a prefix read or a list. Runs once (tag {@code fault});
 * {@code -Djqwik.tries.default=2000} for a longer run.
 */
@Tag("fault")
class StorePropertiesTest {
  private static final String WITNESS_DB = "fuzz";
  private static final long SLOWEST_CALL_MILLIS = 30_000;

  private static final Map<String, Store> STORES = new LinkedHashMap<>();
  private static final Map<String, Long> WITNESS = new HashMap<>();

  /** What each store should hold: "kind db table key" → the record written last. */
  private static final Map<String, Record> MODEL = new HashMap<>();

  private static final Set<String> TOUCHED = new TreeSet<>();
  private static int tried;
  private static int rejected;

  private static synchronized Store store(String kind) {
    if (STORES.isEmpty()) {
      // what an earlier run left behind; the NATS stores share the server, so only once
      try (Store cleaner = NatsStore.builder().servers(TestServers.shared().url()).build()) {
        cleaner.deleteDatabase(WITNESS_DB);
        cleaner.deleteDatabase("hostile2");
      }
    }
    return STORES.computeIfAbsent(
        kind,
        k -> {
          Store s =
              switch (k) {
                case "memory" -> Stores.inMemory().build();
                case "nats" -> NatsStore.builder().servers(TestServers.shared().url()).build();
                default ->
                    NatsStore.builder().servers(TestServers.shared().url()).encodeKeys().build();
              };
          WITNESS.put(
              k,
              s.write(
                  Record.builder("witness").value("unchanged").metadata(Map.of("n", 1)).build(),
                  WriteOptions.builder().to(WITNESS_DB, "w").build()));
          return s;
        });
  }

  @AfterContainer
  static void closeStores() {
    Figures.report(
        "fuzzed input",
        "operations=" + tried + " rejectedWithClearMessage=" + rejected + " databases=" + TOUCHED);
    for (Store s : STORES.values()) {
      for (String db : TOUCHED) {
        try {
          s.deleteDatabase(db);
        } catch (RuntimeException invalidName) {
          // never created
        }
      }
      s.deleteDatabase(WITNESS_DB);
      s.deleteDatabase("hostile2");
      s.close();
    }
    STORES.clear();
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of("memory", "nats", "nats-encoded");
  }

  @Provide
  Arbitrary<String> databases() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(WITNESS_DB)),
        Tuple.of(
            2, Arbitraries.strings().withChars("ab_-.* >\u00e9").ofMaxLength(5).map(s -> "fz" + s)),
        Tuple.of(1, Arbitraries.just("")));
  }

  @Provide
  Arbitrary<String> tables() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just("")),
        Tuple.of(2, Arbitraries.just("w")),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(8)));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(
            Tuple.of(
                4,
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars("-_/=.")
                    .ofMinLength(1)
                    .ofMaxLength(20)),
            Tuple.of(4, Arbitraries.strings().all().ofMaxLength(20)),
            Tuple.of(1, Arbitraries.strings().withChars("a.*> ").ofMaxLength(300)))
        .filter(k -> !k.equals("witness"));
  }

  @Provide
  Arbitrary<byte[]> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(3, Arbitraries.integers().between(1_000, 20_000).map(StorePropertiesTest::bytes)),
        Tuple.of(
            1,
            Arbitraries.of(0, 1, 2, 3, 1000, 3000, 100_000)
                .map(delta -> bytes(786_000 - 500 + delta))),
        Tuple.of(1, Arbitraries.just(1_100_000).map(StorePropertiesTest::bytes)));
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static Arbitrary<@Nullable Object> scalars() {
    return Arbitraries.<@Nullable Object>oneOf(
            Arbitraries.strings().all().ofMaxLength(30).map(s -> s),
            Arbitraries.longs().map(l -> l),
            Arbitraries.doubles()
                .withSpecialValue(Double.NaN)
                .withSpecialValue(Double.POSITIVE_INFINITY)
                .withSpecialValue(-0.0)
                .withSpecialValue(Double.MIN_VALUE)
                .withSpecialValue(Double.MAX_VALUE)
                .withSpecialValue(1.0)
                .map(d -> d),
            Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(25).negate(), BigInteger.TEN.pow(25))
                .map(b -> b),
            Arbitraries.of(true, false).map(b -> b),
            Arbitraries.integers().map(i -> i))
        .injectNull(0.05);
  }

  @Provide
  Arbitrary<Map<String, @Nullable Object>> metadata() {
    Arbitrary<String> names = Arbitraries.strings().all().ofMaxLength(10);
    Arbitrary<Map<String, @Nullable Object>> flat = Arbitraries.maps(names, scalars()).ofMaxSize(6);
    Arbitrary<Map<String, @Nullable Object>> nested =
        Arbitraries.maps(
                names,
                Arbitraries.<@Nullable Object>oneOf(
                    scalars(),
                    Arbitraries.maps(names, scalars()).ofMaxSize(3).map(m -> m),
                    scalars().list().ofMaxSize(4).map(l -> l)))
            .ofMaxSize(4);
    Arbitrary<Map<String, @Nullable Object>> deep =
        Arbitraries.integers().between(1, 400).map(StorePropertiesTest::nested);
    Arbitrary<Map<String, @Nullable Object>> huge =
        Arbitraries.of(2_000, 200_000)
            .map(
                n -> {
                  Map<String, @Nullable Object> m = new LinkedHashMap<>();
                  m.put("big", "x".repeat(n));
                  for (int i = 0; i < n / 100; i++) {
                    m.put("k" + i, (long) i);
                  }
                  return m;
                });
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(Map.of())),
        Tuple.of(6, flat),
        Tuple.of(4, nested),
        Tuple.of(2, deep),
        Tuple.of(1, huge));
  }

  private static Map<String, @Nullable Object> nested(int depth) {
    Map<String, @Nullable Object> m = new HashMap<>();
    m.put("leaf", (long) depth);
    for (int i = 1; i < depth; i++) {
      Map<String, @Nullable Object> outer = new HashMap<>();
      outer.put("d", m);
      m = outer;
    }
    return m;
  }

  // ------------------------------------------------------------------ properties

  @Property
  void writeThenRead_roundTripsExactly_orFailsClearly_andNothingElseChanges(
      @ForAll("kinds") String kind,
      @ForAll("databases") String db,
      @ForAll("tables") String table,
      @ForAll("keys") String key,
      @ForAll("values") byte[] value,
      @ForAll("metadata") Map<String, @Nullable Object> metadata) {
    Store store = store(kind);
    tried++;
    String slot = kind + " " + db + " " + table + " " + key;
    Record record;
    try {
      record = Record.builder(key).value(value).metadata(metadata).build();
    } catch (IllegalArgumentException e) {
      rejected++;
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    WriteOptions to;
    ReadOptions from;
    try {
      to = WriteOptions.builder().to(db, table).build();
      from = ReadOptions.builder().from(db, table).build();
    } catch (IllegalArgumentException e) {
      rejected++;
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    TOUCHED.add(db);
    long start = System.nanoTime();
    try {
      long revision = store.write(record, to);
      MODEL.put(slot, record);
      List<Record> read = store.read(key, from);
      assertThat(read).hasSize(1);
      Record back = read.get(0);
      assertThat(back.key()).isEqualTo(key);
      assertThat(back.value()).isEqualTo(value);
      assertThat(back.metadata()).isEqualTo(record.metadata());
      assertThat(back.revision()).isEqualTo(revision);
    } catch (IllegalArgumentException | StoreException e) {
      if (e instanceof NotFoundException) {
        throw e;
      }
      rejected++;
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.getMessage())
          .as("the message names what was refused")
          .containsAnyOf(
              "key", "table", "database", "value", "metadata", "\"" + key + "\"", "bytes");
      assertUnchanged(store, slot, key, from);
    } finally {
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(SLOWEST_CALL_MILLIS);
    }
    Record witness =
        store.read("witness", ReadOptions.builder().from(WITNESS_DB, "w").build()).get(0);
    assertThat(witness.valueAsString()).isEqualTo("unchanged");
    assertThat(witness.revision()).isEqualTo(WITNESS.get(kind));
  }

  /** After a failed write, the key holds what the last successful write left, or nothing. */
  private static void assertUnchanged(Store store, String slot, String key, ReadOptions from) {
    Record expected = MODEL.get(slot);
    try {
      List<Record> now = store.read(key, from);
      assertThat(expected).as("a failed write left %s", now).isNotNull();
      assertThat(now.get(0).value()).isEqualTo(expected.value());
      assertThat(now.get(0).metadata()).isEqualTo(expected.metadata());
    } catch (NotFoundException absent) {
      assertThat(expected).as("%s vanished", slot).isNull();
    } catch (IllegalArgumentException invalid) {
      assertThat(expected).isNull();
    }
  }

  @Provide
  Arbitrary<byte[]> hostileValues() {
    Arbitrary<Integer> depth = Arbitraries.integers().between(1, 10_000);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
        Arbitraries.strings().all().ofMaxLength(200).map(StorePropertiesTest::utf8),
        Arbitraries.strings()
            .withChars("{}[]\":,\\0123456789.eE+-truefalsn ")
            .ofMaxLength(300)
            .map(StorePropertiesTest::utf8),
        Arbitraries.strings()
            .all()
            .ofMaxLength(40)
            .map(
                d ->
                    utf8(
                        "{\"key\":\"x\",\"data\":\""
                            + d.replace("\"", "")
                            + "\",\"metadata\":null}")),
        depth.map(d -> utf8("[".repeat(d) + "]".repeat(d))),
        depth.map(d -> utf8("{\"a\":".repeat(d) + "1" + "}".repeat(d))),
        depth.map(
            d ->
                utf8(
                    "{\"key\":\"d\",\"data\":\"aGk=\",\"metadata\":"
                        + "{\"a\":".repeat(d)
                        + "1"
                        + "}".repeat(d + 1))),
        Arbitraries.of(100_000, 500_000).map(n -> utf8("{\"key\":\"" + "k".repeat(n))));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Property
  void hostileBucketContents_neverBreakPrefixReadsOrLists(
      @ForAll("hostileValues") byte[] stored, @ForAll("slots") int slot) throws Exception {
    Store store = store("nats");
    WriteOptions to = WriteOptions.builder().to("hostile2", "t").build();
    store.write(Record.builder("good").value("ok").metadata(Map.of("n", 5L)).build(), to);
    Connection raw = HostileBucket.connection();
    KeyValue kv = raw.keyValue("hostile2");
    kv.put("t_h" + slot, stored);
    tried++;

    List<Record> all = store.read("", ReadOptions.builder().from("hostile2", "t").prefix().build());
    List<String> keys = store.list(ListOptions.builder().from("hostile2", "t").build());
    assertThat(all).extracting(Record::key).containsExactlyElementsOf(keys);
    assertThat(keys).contains("good", "h" + slot);
    Record good = all.stream().filter(r -> r.key().equals("good")).findFirst().orElseThrow();
    assertThat(good.valueAsString()).isEqualTo("ok");
    assertThat(good.metadata()).isEqualTo(Map.of("n", 5L));
    assertThat(store.read("h" + slot, ReadOptions.builder().from("hostile2", "t").build()))
        .hasSize(1);
  }

  @Provide
  Arbitrary<Integer> slots() {
    return Arbitraries.integers().between(0, 19);
  }

  /** One raw connection for the hostile writes, standing in for a foreign client. */
  private static final class HostileBucket {
    private static @Nullable Connection connection;

    static synchronized Connection connection() throws Exception {
      if (connection == null) {
        connection = TestServers.rawConnection();
      }
      return connection;
    }
  }
}
