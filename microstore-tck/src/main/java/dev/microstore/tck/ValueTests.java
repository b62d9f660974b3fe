package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values: empty, binary, large and text values round-trip, and nobody can mutate a stored one. */
abstract class ValueTests extends KitTests {
  /**
   * The largest value the kit writes. NATS allows 1 MiB messages by default and a store may wrap
   * the value in an envelope (base64 adds a third), so the kit stays well below.
   */
  static final int LARGE_VALUE_SIZE = 256 * 1024;

  ValueTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void value_empty_roundTrips() {
    String db = newDatabase();

    store().write(Record.of("empty", new byte[0]), to(db));

    Record r = readOne("empty", from(db));
    assertThat(r.value()).isEmpty();
    assertThat(r.valueSize()).isZero();
  }

  @Test
  void value_emptyInPrefixRead_roundTrips() {
    String db = newDatabase();

    store().write(Record.of("empty", new byte[0]), to(db));

    List<Record> records = store().read("emp", prefixIn(db));
    assertThat(records).hasSize(1);
    assertThat(records.get(0).value()).isEmpty();
  }

  @Test
  void value_everyByteValue_roundTrips() {
    String db = newDatabase();
    byte[] all = new byte[512];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }

    store().write(Record.of("binary", all), to(db));

    assertThat(readOne("binary", from(db)).value()).isEqualTo(all);
  }

  @Test
  void value_256KiB_roundTrips() {
    String db = newDatabase();
    byte[] large = new byte[LARGE_VALUE_SIZE];
    new Random(7).nextBytes(large);

    store().write(Record.of("large", large), to(db));

    assertThat(readOne("large", from(db)).value()).isEqualTo(large);
    assertThat(store().read("lar", prefixIn(db)).get(0).value()).isEqualTo(large);
  }

  @Test
  void value_utf8Text_roundTrips() {
    String db = newDatabase();
    String text = "héllo wörld ✓ 日本語 \uD83D\uDE00 \"quoted\" <tag> & \\ \u2028 \n end";

    store().write(Record.of("text", text), to(db));

    Record r = readOne("text", from(db));
    assertThat(r.valueAsString()).isEqualTo(text);
    assertThat(r.value()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void value_jsonLookingText_isStoredAsGivenBytes() {
    String db = newDatabase();
    String json = "{\"key\":\"other\",\"data\":\"aGVsbG8=\",\"metadata\":{\"a\":1}}";

    store().write(Record.of("json", json), to(db));

    Record r = readOne("json", from(db));
    assertThat(r.key()).isEqualTo("json");
    assertThat(r.valueAsString()).isEqualTo(json);
    assertThat(r.metadata()).isEmpty();
  }

  @Test
  void value_mutatingArrayPassedToRecordOf_doesNotChangeStoredValue() {
    String db = newDatabase();
    byte[] bytes = {1, 2, 3};
    Record record = Record.of("k", bytes);
    bytes[0] = 9;

    store().write(record, to(db));
    bytes[1] = 9;

    assertThat(readOne("k", from(db)).value()).containsExactly(1, 2, 3);
  }

  @Test
  void value_mutatingArrayReturnedByRead_doesNotChangeStoredValue() {
    String db = newDatabase();
    store().write(Record.of("k", new byte[] {1, 2, 3}), to(db));

    byte[] first = readOne("k", from(db)).value();
    Arrays.fill(first, (byte) 9);
    byte[] fromPrefixRead = store().read("k", prefixIn(db)).get(0).value();
    Arrays.fill(fromPrefixRead, (byte) 9);

    assertThat(readOne("k", from(db)).value()).containsExactly(1, 2, 3);
  }
}
