package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Writing records: creation of databases, overwrites and the keys every store accepts. */
abstract class WriteTests extends KitTests {
  WriteTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void write_toMissingDatabase_createsIt() {
    String db = newDatabase();
    assertThat(databases()).doesNotContain(db);

    store().write(Record.of("k", "v"), to(db));

    assertThat(databases()).contains(db);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");
  }

  @Test
  void write_defaultOptions_writesToDatabaseDefault() {
    store().write(Record.of("k", "v"));

    assertThat(databases()).contains(DEFAULT_DATABASE);
    assertThat(readOne("k", from(DEFAULT_DATABASE)).valueAsString()).isEqualTo("v");
  }

  @Test
  void write_overwrite_replacesValue() {
    String db = newDatabase();
    store().write(Record.of("k", "first"), to(db));

    store().write(Record.of("k", "second"), to(db));

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("second");
  }

  @Test
  void write_overwrite_replacesMetadataInsteadOfMerging() {
    String db = newDatabase();
    store()
        .write(
            Record.builder("k").value("v1").metadata(Map.of("old", "x", "both", 1)).build(),
            to(db));

    store()
        .write(
            Record.builder("k").value("v2").metadata(Map.of("new", "y", "both", 2)).build(),
            to(db));

    assertThat(readOne("k", from(db)).metadata()).isEqualTo(Map.of("new", "y", "both", 2L));
  }

  @Test
  void write_overwriteWithoutMetadata_removesMetadata() {
    String db = newDatabase();
    store().write(Record.builder("k").value("v1").metadata(Map.of("old", "x")).build(), to(db));

    store().write(Record.of("k", "v2"), to(db));

    assertThat(readOne("k", from(db)).metadata()).isEmpty();
  }

  @Test
  void write_overwrite_keepsOneKey() {
    String db = newDatabase();
    store().write(Record.of("k", "first"), to(db));
    store().write(Record.of("k", "second"), to(db));

    assertThat(store().list(listOf(db))).containsExactly("k");
    assertThat(store().read("k", prefixIn(db))).hasSize(1);
  }

  @Test
  void write_sameKeyInTwoDatabases_keepsTwoRecords() {
    String db1 = newDatabase();
    String db2 = newDatabase();

    store().write(Record.of("k", "in-1"), to(db1));
    store().write(Record.of("k", "in-2"), to(db2));

    assertThat(readOne("k", from(db1)).valueAsString()).isEqualTo("in-1");
    assertThat(readOne("k", from(db2)).valueAsString()).isEqualTo("in-2");
  }

  @Test
  void write_keysWithEveryPortablePunctuation_roundTrip() {
    String db = newDatabase();
    List<String> keys = List.of("a-b", "a_b", "a/b", "a=b", "a.b", "A-Z_a/z=0.9", "0", "_");
    for (String key : keys) {
      store().write(Record.of(key, valueOf(key)), to(db));
    }

    for (String key : keys) {
      Record r = readOne(key, from(db));
      assertThat(r.key()).isEqualTo(key);
      assertThat(r.valueAsString()).isEqualTo(valueOf(key));
    }
    assertThat(store().list(listOf(db))).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void write_keysWithAnyCharacters_roundTrip() {
    assumeFeature(StoreFeature.ARBITRARY_KEYS);
    String db = newDatabase();
    List<String> keys =
        List.of(
            "with space",
            "FobiddenCharactersAreAllowed:|@..+",
            "ключ",
            "emoji-\uD83D\uDE00",
            "*",
            ">",
            ".leading",
            "trailing.",
            "a..b",
            "tab\there",
            "quote\"and\\backslash");
    for (String key : keys) {
      store().write(Record.of(key, valueOf(key)), to(db));
    }

    for (String key : keys) {
      Record r = readOne(key, from(db));
      assertThat(r.key()).isEqualTo(key);
      assertThat(r.valueAsString()).isEqualTo(valueOf(key));
    }
    assertThat(store().list(listOf(db))).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(keys(store().read("with", prefixIn(db)))).containsExactly("with space");
  }

  @Test
  void write_keysWithAnyCharactersInTable_roundTrip() {
    assumeFeature(StoreFeature.ARBITRARY_KEYS);
    String db = newDatabase();
    store().write(Record.of("a b:c", "v"), to(db, "t"));

    assertThat(readOne("a b:c", from(db, "t")).key()).isEqualTo("a b:c");
    assertThat(readOne("t_a b:c", from(db)).valueAsString()).isEqualTo("v");
    assertThat(store().list(listOf(db, "t"))).containsExactly("a b:c");
  }
}
