package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact reads, missing keys and prefix/suffix matching. */
abstract class ReadTests extends KitTests {
  ReadTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void read_missingKey_throwsNotFoundNamingKeyAndDatabase() {
    String db = newDatabase();
    writeKeys(db, "", "present");

    assertThatThrownBy(() -> store().read("absent", from(db)))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> {
              assertThat(e.key()).isEqualTo("absent");
              assertThat(e.database()).isEqualTo(db);
            })
        .hasMessageContaining("\"absent\"")
        .hasMessageContaining(db);
  }

  @Test
  void read_missingKeyInMissingDatabase_throwsNotFoundWithoutCreatingIt() {
    String db = newDatabase();

    assertThatThrownBy(() -> store().read("absent", from(db)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("absent")
        .hasMessageContaining(db);
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void read_missingKeyWithDefaultOptions_throwsNotFoundNamingDefaultDatabase() {
    assertThatThrownBy(() -> store().read("absent"))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.database()).isEqualTo(DEFAULT_DATABASE))
        .hasMessageContaining("absent")
        .hasMessageContaining(DEFAULT_DATABASE);
  }

  @Test
  void read_existingKey_returnsOneRecordWithKeyValueAndMetadata() {
    String db = newDatabase();
    store().write(Record.builder("k1").value("v1").metadata(Map.of("m", "x")).build(), to(db));
    writeKeys(db, "", "k2");

    Record r = readOne("k1", from(db));

    assertThat(r.key()).isEqualTo("k1");
    assertThat(r.valueAsString()).isEqualTo("v1");
    assertThat(r.metadata()).isEqualTo(Map.of("m", "x"));
  }

  @Test
  void find_presentKey_returnsItsRecord_absentKey_returnsEmpty() {
    String db = newDatabase();
    store().write(Record.of("k1", "v1"), to(db));

    assertThat(store().find("k1", from(db))).map(Record::valueAsString).contains("v1");
    assertThat(store().find("absent", from(db))).isEmpty();
    assertThat(store().find("absent")).isEmpty();
    String missing = newDatabase();
    assertThat(store().find("k1", from(missing))).isEmpty();
    assertThat(databases()).doesNotContain(missing);
  }

  @Test
  void find_withPrefixOrSuffix_isRejectedNamingTheRule() {
    assertThatThrownBy(() -> store().find("k", ReadOptions.builder().prefix().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix()")
        .hasMessageContaining("exact");
    assertThatThrownBy(() -> store().find("k", ReadOptions.builder().suffix().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("suffix()");
  }

  @Test
  void read_defaultOptions_readsFromDatabaseDefault() {
    store().write(Record.of("k", "v"), to(DEFAULT_DATABASE));

    assertThat(store().read("k")).extracting(Record::valueAsString).containsExactly("v");
  }

  @Test
  void read_exactKeyThatPrefixesOthers_returnsOnlyThatKey() {
    String db = newDatabase();
    writeKeys(db, "", "ab", "abc", "a");

    assertThat(keys(store().read("ab", from(db)))).containsExactly("ab");
  }

  @Test
  void read_afterDelete_throwsNotFound() {
    String db = newDatabase();
    writeKeys(db, "", "k", "other");
    store().delete("k", deleteFrom(db));

    assertThatThrownBy(() -> store().read("k", from(db))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void read_prefixWithNoMatch_returnsEmptyList() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "banana");

    assertThat(store().read("cherry", prefixIn(db))).isEmpty();
  }

  @Test
  void read_suffixWithNoMatch_returnsEmptyList() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "banana");

    assertThat(store().read("cherry", suffixIn(db))).isEmpty();
  }

  @Test
  void read_prefixInMissingDatabase_returnsEmptyWithoutCreatingIt() {
    String db = newDatabase();

    assertThat(store().read("a", prefixIn(db))).isEmpty();
    assertThat(store().read("", prefixIn(db))).isEmpty();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void read_suffixInMissingDatabase_returnsEmptyWithoutCreatingIt() {
    String db = newDatabase();

    assertThat(store().read("a", suffixIn(db))).isEmpty();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void read_prefixInDatabaseWhoseKeysWereAllDeleted_returnsEmpty() {
    String db = newDatabase();
    writeKeys(db, "", "a1", "a2");
    store().delete("a1", deleteFrom(db));
    store().delete("a2", deleteFrom(db));

    assertThat(store().read("a", prefixIn(db))).isEmpty();
    assertThat(store().read("", prefixIn(db))).isEmpty();
  }

  @Test
  void read_prefix_returnsOnlyKeysStartingWithKey() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "apricot", "ap", "banana", "pineapple", "Apple");

    assertThat(keys(store().read("ap", prefixIn(db)))).containsExactly("ap", "apple", "apricot");
  }

  @Test
  void read_suffix_returnsOnlyKeysEndingWithKey() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "pineapple", "ple", "applet", "banana", "appLE");

    assertThat(keys(store().read("ple", suffixIn(db))))
        .containsExactly("apple", "pineapple", "ple");
  }

  @Test
  void read_prefixAndSuffix_returnsKeysMatchingBoth() {
    String db = newDatabase();
    writeKeys(db, "", "x", "x-1-x", "xax", "x-2-y", "y-3-x", "yy");

    List<Record> records = store().read("x", read(db).prefix().suffix().build());

    assertThat(keys(records)).containsExactly("x", "x-1-x", "xax");
  }

  @Test
  void read_prefixWithEmptyKey_returnsEveryRecordOfTheTable() {
    String db = newDatabase();
    writeKeys(db, "t", "c", "a", "b");
    writeKeys(db, "u", "d");
    writeKeys(db, "", "plain");

    assertThat(keys(store().read("", prefixIn(db, "t")))).containsExactly("a", "b", "c");
  }

  @Test
  void read_prefixWithEmptyKeyWithoutTable_returnsEveryRecordOfTheDatabase() {
    String db = newDatabase();
    writeKeys(db, "t", "a");
    writeKeys(db, "", "plain", "b");

    assertThat(keys(store().read("", prefixIn(db)))).containsExactly("b", "plain", "t_a");
  }

  @Test
  void read_prefix_returnsWholeRecords() {
    String db = newDatabase();
    store()
        .write(
            Record.builder("item-1").value("one").metadata(Map.of("n", 1, "s", "x")).build(),
            to(db));
    store().write(Record.of("item-2", new byte[0]), to(db));

    List<Record> records = store().read("item-", prefixIn(db));

    assertThat(records).hasSize(2);
    assertThat(records.get(0).key()).isEqualTo("item-1");
    assertThat(records.get(0).valueAsString()).isEqualTo("one");
    assertThat(records.get(0).metadata()).isEqualTo(Map.of("n", 1L, "s", "x"));
    assertThat(records.get(1).key()).isEqualTo("item-2");
    assertThat(records.get(1).value()).isEmpty();
    assertThat(records.get(1).metadata()).isEmpty();
  }

  @Test
  void read_prefix_doesNotSeeOtherDatabases() {
    String db = newDatabase();
    String other = newDatabase();
    writeKeys(db, "", "a1");
    writeKeys(other, "", "a2");

    assertThat(keys(store().read("a", prefixIn(db)))).containsExactly("a1");
    assertThat(keys(store().read("a", prefixIn(other)))).containsExactly("a2");
  }
}
