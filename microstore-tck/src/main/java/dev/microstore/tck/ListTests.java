package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import org.junit.jupiter.api.Test;

/**
 * Listing keys: missing databases, filters and deletes. Sorting and paging: {@link PagingTests}.
 */
abstract class ListTests extends KitTests {
  ListTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void list_missingDatabase_returnsEmptyWithoutCreatingIt() {
    String db = newDatabase();

    assertThat(store().list(listOf(db))).isEmpty();
    assertThat(store().list(list(db).prefix("a").suffix("b").limit(3).offset(1).build())).isEmpty();
    assertThat(store().list(listOf(db, "t"))).isEmpty();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void list_databaseWhoseKeysWereAllDeleted_returnsEmpty() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b");
    store().delete("a", deleteFrom(db));
    store().delete("b", deleteFrom(db));

    assertThat(store().list(listOf(db))).isEmpty();
    assertThat(store().list(list(db).prefix("a").build())).isEmpty();
  }

  @Test
  void list_defaultOptions_listsDatabaseDefault() {
    store().write(Record.of("k1", "v"), to(DEFAULT_DATABASE));
    store().write(Record.of("k2", "v"), to(DEFAULT_DATABASE, "t"));

    assertThat(store().list()).containsExactly("k1", "t_k2");
  }

  @Test
  void list_prefix_returnsOnlyKeysStartingWithPrefix() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "apricot", "ap", "banana", "pineapple", "Apple");

    assertThat(store().list(list(db).prefix("ap").build()))
        .containsExactly("ap", "apple", "apricot");
  }

  @Test
  void list_suffix_returnsOnlyKeysEndingWithSuffix() {
    String db = newDatabase();
    writeKeys(db, "", "apple", "pineapple", "ple", "applet", "banana", "appLE");

    assertThat(store().list(list(db).suffix("ple").build()))
        .containsExactly("apple", "pineapple", "ple");
  }

  @Test
  void list_prefixAndSuffix_returnsKeysMatchingBoth() {
    String db = newDatabase();
    writeKeys(db, "", "a-1-z", "a-2-y", "b-3-z", "az", "a", "z");

    assertThat(store().list(list(db).prefix("a").suffix("z").build()))
        .containsExactly("a-1-z", "az");
  }

  @Test
  void list_prefixAndSuffixThatOverlap_requireTheKeyToHoldBoth() {
    String db = newDatabase();
    writeKeys(db, "", "abc", "abcbc", "abcabc", "bc");

    assertThat(store().list(list(db).prefix("abc").suffix("bc").build()))
        .containsExactly("abc", "abcabc", "abcbc");
  }

  @Test
  void list_afterWritesAndDeletes_reflectsCurrentKeys() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b", "c");
    store().delete("b", deleteFrom(db));
    writeKeys(db, "", "d", "a");

    assertThat(store().list(listOf(db))).containsExactly("a", "c", "d");
  }

  @Test
  void list_doesNotSeeOtherDatabases() {
    String db1 = newDatabase();
    String db2 = newDatabase();
    writeKeys(db1, "", "one");
    writeKeys(db2, "", "two");

    assertThat(store().list(listOf(db1))).containsExactly("one");
    assertThat(store().list(listOf(db2))).containsExactly("two");
  }
}
