package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import org.junit.jupiter.api.Test;

/** Tables: key {@code K} in table {@code T} is the record with key {@code T_K} and no table. */
abstract class TableTests extends KitTests {
  TableTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void table_writeWithTable_readsAsPrefixedKeyWithoutTable() {
    String db = newDatabase();

    store().write(Record.of("k", "v"), to(db, "t"));

    Record r = readOne("t_k", from(db));
    assertThat(r.valueAsString()).isEqualTo("v");
  }

  @Test
  void table_writePrefixedKeyWithoutTable_readsWithTable() {
    String db = newDatabase();

    store().write(Record.of("t_k", "v"), to(db));

    Record r = readOne("k", from(db, "t"));
    assertThat(r.key()).isEqualTo("k");
    assertThat(r.valueAsString()).isEqualTo("v");
  }

  @Test
  void table_exactReadWithTable_returnsKeyWithoutTablePrefix() {
    String db = newDatabase();
    store().write(Record.of("k", "v"), to(db, "t"));

    assertThat(readOne("k", from(db, "t")).key()).isEqualTo("k");
  }

  @Test
  void table_missingKeyInTable_notFoundNamesKeyWithoutTablePrefix() {
    String db = newDatabase();
    writeKeys(db, "t", "present");

    assertThatThrownBy(() -> store().read("absent", from(db, "t")))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.key()).isEqualTo("absent"))
        .hasMessageContaining("\"absent\"");
  }

  @Test
  void table_overwriteThroughTheOtherForm_replacesTheSameRecord() {
    String db = newDatabase();
    store().write(Record.of("k", "via-table"), to(db, "t"));

    store().write(Record.of("t_k", "via-key"), to(db));

    assertThat(readOne("k", from(db, "t")).valueAsString()).isEqualTo("via-key");
    assertThat(store().list(listOf(db))).containsExactly("t_k");
  }

  @Test
  void table_list_returnsKeysWithoutTablePrefix() {
    String db = newDatabase();
    writeKeys(db, "t", "b", "a");
    writeKeys(db, "u", "c");
    writeKeys(db, "", "plain");

    assertThat(store().list(listOf(db, "t"))).containsExactly("a", "b");
  }

  @Test
  void table_listWithoutTable_returnsEveryKeyAsStored() {
    String db = newDatabase();
    writeKeys(db, "t", "a");
    writeKeys(db, "u", "b");
    writeKeys(db, "", "plain");

    assertThat(store().list(listOf(db))).containsExactly("plain", "t_a", "u_b");
  }

  @Test
  void table_prefixRead_returnsKeysWithoutTablePrefix() {
    String db = newDatabase();
    writeKeys(db, "names", "alice", "alfred", "bob");

    assertThat(keys(store().read("al", prefixIn(db, "names")))).containsExactly("alfred", "alice");
  }

  @Test
  void table_prefixRead_matchesKeyWithinTableOnly() {
    String db = newDatabase();
    writeKeys(db, "names", "apple");
    writeKeys(db, "", "apple2");

    assertThat(keys(store().read("app", prefixIn(db, "names")))).containsExactly("apple");
    assertThat(keys(store().read("app", prefixIn(db)))).containsExactly("apple2");
    assertThat(keys(store().read("names_app", prefixIn(db)))).containsExactly("names_apple");
  }

  @Test
  void table_suffixRead_matchesKeysOfThatTableOnly() {
    String db = newDatabase();
    writeKeys(db, "t", "ax", "bx", "by");
    writeKeys(db, "u", "cx");
    writeKeys(db, "", "dx");

    assertThat(keys(store().read("x", read(db, "t").suffix().build()))).containsExactly("ax", "bx");
  }

  @Test
  void table_listPrefixAndSuffix_matchKeyWithinTable() {
    String db = newDatabase();
    writeKeys(db, "t", "ab", "ac", "bb");
    writeKeys(db, "", "t_x", "ab");

    assertThat(store().list(list(db, "t").prefix("a").build())).containsExactly("ab", "ac");
    assertThat(store().list(list(db, "t").suffix("b").build())).containsExactly("ab", "bb");
  }

  @Test
  void table_sameKeyInTwoTables_areDistinctRecords() {
    String db = newDatabase();
    store().write(Record.of("k", "in-t"), to(db, "t"));
    store().write(Record.of("k", "in-u"), to(db, "u"));
    store().write(Record.of("k", "plain"), to(db));

    assertThat(readOne("k", from(db, "t")).valueAsString()).isEqualTo("in-t");
    assertThat(readOne("k", from(db, "u")).valueAsString()).isEqualTo("in-u");
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("plain");
  }

  @Test
  void table_deleteWithTable_removesPrefixedKey() {
    String db = newDatabase();
    writeKeys(db, "", "t_k", "k");

    store().delete("k", deleteFrom(db, "t"));

    assertThatThrownBy(() -> store().read("t_k", from(db))).isInstanceOf(NotFoundException.class);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo(valueOf("k"));
  }

  @Test
  void table_nameWithUnderscore_isAPlainKeyPrefix() {
    String db = newDatabase();

    store().write(Record.of("b_c", "v"), to(db, "a"));

    assertThat(readOne("c", from(db, "a_b")).key()).isEqualTo("c");
    assertThat(readOne("a_b_c", from(db)).valueAsString()).isEqualTo("v");
    assertThat(store().list(listOf(db, "a_b"))).containsExactly("c");
    assertThat(store().list(listOf(db, "a"))).containsExactly("b_c");
  }

  @Test
  void table_emptyTable_listsWhenOnlyOtherTablesHaveKeys() {
    String db = newDatabase();
    writeKeys(db, "t", "a");

    assertThat(store().list(listOf(db, "u"))).isEmpty();
    assertThat(store().read("", prefixIn(db, "u"))).isEmpty();
  }
}
