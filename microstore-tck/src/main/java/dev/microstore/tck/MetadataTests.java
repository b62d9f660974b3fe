package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.Record;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Metadata round-trips as JSON-compatible values (String, Boolean, Long, Double, null, List, Map)
 * and anything else is rejected when the record is built.
 */
abstract class MetadataTests extends KitTests {
  MetadataTests(StoreContract kit) {
    super(kit);
  }

  /** Writes a record with one metadata entry and reads back the metadata by exact read. */
  private Map<String, @Nullable Object> roundTrip(@Nullable Object value) {
    String db = newDatabase();
    Map<String, @Nullable Object> metadata = new HashMap<>();
    metadata.put("m", value);
    store().write(Record.builder("k").value("v").metadata(metadata).build(), to(db));
    return readOne("k", from(db)).metadata();
  }

  @Test
  void metadata_string_roundTrips() {
    assertThat(roundTrip("text")).containsExactly(Map.entry("m", "text"));
  }

  @Test
  void metadata_stringWithCharactersJsonEscapes_roundTrips() {
    String tricky = "quote\" backslash\\ <tag> & \u2028\u2029 \n\t ünï \uD83D\uDE00 \u0000";

    assertThat(roundTrip(tricky)).containsExactly(Map.entry("m", tricky));
  }

  @Test
  void metadata_emptyString_roundTrips() {
    assertThat(roundTrip("")).containsExactly(Map.entry("m", ""));
  }

  @Test
  void metadata_boolean_roundTrips() {
    assertThat(roundTrip(true)).containsExactly(Map.entry("m", true));
    assertThat(roundTrip(false)).containsExactly(Map.entry("m", false));
  }

  @Test
  void metadata_integer_readsBackAsLong() {
    Map<String, @Nullable Object> m = roundTrip(42);

    assertThat(m.get("m")).isInstanceOf(Long.class).isEqualTo(42L);
  }

  @Test
  void metadata_negativeLong_roundTrips() {
    assertThat(roundTrip(-7L).get("m")).isInstanceOf(Long.class).isEqualTo(-7L);
  }

  @Test
  void metadata_longBeyondDoublePrecision_roundTripsExactly() {
    long big = (1L << 53) + 1;

    assertThat(roundTrip(big).get("m")).isEqualTo(big);
    assertThat(roundTrip(Long.MAX_VALUE).get("m")).isEqualTo(Long.MAX_VALUE);
    assertThat(roundTrip(Long.MIN_VALUE).get("m")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void metadata_double_roundTrips() {
    assertThat(roundTrip(3.25).get("m")).isInstanceOf(Double.class).isEqualTo(3.25);
    assertThat(roundTrip(0.1).get("m")).isEqualTo(0.1);
    assertThat(roundTrip(-1.5e-300).get("m")).isEqualTo(-1.5e-300);
  }

  @Test
  void metadata_integralDouble_staysDouble() {
    assertThat(roundTrip(2.0).get("m")).isInstanceOf(Double.class).isEqualTo(2.0);
  }

  @Test
  void metadata_float_readsBackAsDouble() {
    assertThat(roundTrip(0.5f).get("m")).isInstanceOf(Double.class).isEqualTo(0.5);
  }

  @Test
  void metadata_null_roundTripsAsPresentKey() {
    Map<String, @Nullable Object> m = roundTrip(null);

    assertThat(m).containsKey("m");
    assertThat(m.get("m")).isNull();
  }

  @Test
  void metadata_nestedListAndMap_roundTrip() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("deep", Map.of("deeper", List.of("x")));
    inner.put("n", 1);
    List<@Nullable Object> list = new ArrayList<>(Arrays.asList(1, "two", true, null, 2.5));
    list.add(Map.of("k", "v"));
    list.add(List.of());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("list", list);
    metadata.put("map", inner);
    metadata.put("emptyMap", Map.of());

    String db = newDatabase();
    store().write(Record.builder("k").value("v").metadata(metadata).build(), to(db));
    Map<String, @Nullable Object> read = readOne("k", from(db)).metadata();

    List<@Nullable Object> expectedList =
        new ArrayList<>(Arrays.asList(1L, "two", true, null, 2.5));
    expectedList.add(Map.of("k", "v"));
    expectedList.add(List.of());
    assertThat(read.get("list")).isEqualTo(expectedList);
    assertThat(read.get("map")).isEqualTo(Map.of("deep", Map.of("deeper", List.of("x")), "n", 1L));
    assertThat(read.get("emptyMap")).isEqualTo(Map.of());
    assertThat(read).containsOnlyKeys("list", "map", "emptyMap");
  }

  @Test
  void metadata_keysWithDotsSpacesAndUnicode_roundTrip() {
    Map<String, Object> metadata = Map.of("a.b", 1, "with space", "x", "ключ", true, "", "empty");
    String db = newDatabase();

    store().write(Record.builder("k").value("v").metadata(metadata).build(), to(db));

    assertThat(readOne("k", from(db)).metadata())
        .isEqualTo(Map.of("a.b", 1L, "with space", "x", "ключ", true, "", "empty"));
  }

  @Test
  void metadata_none_readsBackEmpty() {
    String db = newDatabase();
    store().write(Record.of("k", "v"), to(db));

    assertThat(readOne("k", from(db)).metadata()).isEmpty();
  }

  @Test
  void metadata_emptyMap_readsBackEmpty() {
    String db = newDatabase();
    store().write(Record.builder("k").value("v").metadata(Map.of()).build(), to(db));

    assertThat(readOne("k", from(db)).metadata()).isEmpty();
  }

  @Test
  void metadata_prefixRead_carriesMetadata() {
    String db = newDatabase();
    store()
        .write(Record.builder("k1").value("v").metadata(Map.of("a", "x", "n", 5)).build(), to(db));

    assertThat(store().read("k", prefixIn(db)).get(0).metadata())
        .isEqualTo(Map.of("a", "x", "n", 5L));
  }

  @Test
  void metadata_nonJsonValue_isRejectedNamingPathAndType() {
    Map<String, Object> metadata = Map.of("bad", new Object());

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.bad")
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void metadata_nestedDate_isRejectedNamingPath() {
    Map<String, Object> metadata = Map.of("outer", Map.of("when", new Date(0)));

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.outer.when")
        .hasMessageContaining("java.util.Date");
  }

  @Test
  void metadata_invalidValueInList_isRejectedNamingIndex() {
    Map<String, Object> metadata = Map.of("list", List.of("ok", new StringBuilder("no")));

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.list[1]")
        .hasMessageContaining("java.lang.StringBuilder");
  }

  @Test
  void metadata_nan_isRejected() {
    Map<String, Object> metadata = Map.of("n", Double.NaN);

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.n")
        .hasMessageContaining("NaN")
        .hasMessageContaining("finite");
  }

  @Test
  void metadata_infinity_isRejected() {
    Map<String, Object> metadata = Map.of("n", Double.POSITIVE_INFINITY);

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.n")
        .hasMessageContaining("Infinity");
  }

  @Test
  void metadata_bigIntegerBeyondLong_isRejected() {
    Map<String, Object> metadata = Map.of("n", BigInteger.TWO.pow(64));

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.n")
        .hasMessageContaining("18446744073709551616")
        .hasMessageContaining("long");
  }

  @Test
  void metadata_nonStringKey_isRejected() {
    Map<Object, Object> raw = new HashMap<>();
    raw.put(7, "x");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) (Map<?, ?>) raw;

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7")
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("keys must be strings");
  }

  @Test
  void metadata_nonStringKeyInNestedMap_isRejectedNamingPath() {
    Map<Object, Object> raw = new HashMap<>();
    raw.put(true, "x");
    Map<String, Object> metadata = Map.of("outer", raw);

    assertThatThrownBy(() -> Record.builder("k").metadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.outer")
        .hasMessageContaining("keys must be strings");
  }
}
