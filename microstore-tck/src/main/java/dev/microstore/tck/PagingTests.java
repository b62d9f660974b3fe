package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.Record;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sorting and paging: results are sorted by key ({@link String#compareTo} order), then offset and
 * limit apply to the matching keys; limit 0 means no limit.
 */
abstract class PagingTests extends KitTests {
  /** Keys whose String order differs from case-insensitive, numeric and insertion order. */
  static final List<String> SORT_KEYS =
      List.of(
          "echo", "Delta", "9", "10", "alpha", "Alpha", "_x", "b.c", "b-c", "b/c", "b=c", "bravo",
          "Zulu", "a", "aa", "a-");

  /** Ten matching keys, {@code item-00} to {@code item-09}. */
  static final List<String> ITEMS = items(10);

  PagingTests(StoreContract kit) {
    super(kit);
  }

  private static List<String> items(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(String.format("item-%02d", i));
    }
    return List.copyOf(keys);
  }

  private static List<String> sorted(List<String> keys) {
    List<String> copy = new ArrayList<>(keys);
    Collections.sort(copy);
    return copy;
  }

  private static List<String> shuffled(List<String> keys) {
    List<String> copy = new ArrayList<>(keys);
    Collections.shuffle(copy, new Random(42));
    return copy;
  }

  /**
   * Writes the sort keys in shuffled order, then overwrites the first key written and the smallest
   * key (a store keeping last-write order would move them to the end).
   */
  private String writeShuffledThenOverwrite() {
    String db = newDatabase();
    List<String> order = shuffled(SORT_KEYS);
    for (String key : order) {
      store().write(Record.of(key, "v1"), to(db));
    }
    store().write(Record.of(order.get(0), "v2"), to(db));
    store().write(Record.of(sorted(SORT_KEYS).get(0), "v2"), to(db));
    return db;
  }

  /** Writes the ten items in shuffled order plus keys that do not match {@code item-}. */
  private String writeItemsAndOthers() {
    String db = newDatabase();
    List<String> keys = new ArrayList<>(ITEMS);
    keys.add("other-1");
    keys.add("aaa");
    keys.add("zzz");
    for (String key : shuffled(keys)) {
      store().write(Record.of(key, valueOf(key)), to(db));
    }
    return db;
  }

  private List<String> readItems(String db, int offset, int limit) {
    return keys(store().read("item-", read(db).prefix().offset(offset).limit(limit).build()));
  }

  private List<String> listItems(String db, int offset, int limit) {
    return store().list(list(db).prefix("item-").offset(offset).limit(limit).build());
  }

  @Test
  void read_prefix_returnsRecordsSortedByKeyAfterShuffledWritesAndOverwrites() {
    String db = writeShuffledThenOverwrite();

    assertThat(keys(store().read("", prefixIn(db)))).containsExactlyElementsOf(sorted(SORT_KEYS));
  }

  @Test
  void read_suffix_returnsRecordsSortedByKey() {
    String db = writeShuffledThenOverwrite();
    List<String> expected = new ArrayList<>();
    for (String key : sorted(SORT_KEYS)) {
      if (key.endsWith("a")) {
        expected.add(key);
      }
    }

    assertThat(keys(store().read("a", suffixIn(db)))).containsExactlyElementsOf(expected);
  }

  @Test
  void list_returnsKeysSortedByKeyAfterShuffledWritesAndOverwrites() {
    String db = writeShuffledThenOverwrite();

    assertThat(store().list(listOf(db))).containsExactlyElementsOf(sorted(SORT_KEYS));
  }

  @Test
  void list_table_returnsKeysSortedByKey() {
    String db = newDatabase();
    for (String key : shuffled(SORT_KEYS)) {
      store().write(Record.of(key, "v"), to(db, "t"));
    }

    assertThat(store().list(listOf(db, "t"))).containsExactlyElementsOf(sorted(SORT_KEYS));
  }

  @Test
  void read_prefixWithLimit_returnsFirstPageSortedByKey() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 0, 3)).containsExactly("item-00", "item-01", "item-02");
  }

  @Test
  void read_prefixWithOffset_skipsFirstMatchesAfterSorting() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 7, 0)).containsExactly("item-07", "item-08", "item-09");
  }

  @Test
  void read_prefixWithOffsetAndLimit_returnsMiddlePage() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 4, 3)).containsExactly("item-04", "item-05", "item-06");
  }

  @Test
  void read_prefixWithLimitZero_returnsEveryMatch() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 0, 0)).containsExactlyElementsOf(ITEMS);
  }

  @Test
  void read_prefixWithLimitBeyondEnd_returnsRemainingMatches() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 8, 5)).containsExactly("item-08", "item-09");
  }

  @Test
  void read_prefixWithOffsetAtOrPastEnd_returnsEmptyList() {
    String db = writeItemsAndOthers();

    assertThat(readItems(db, 10, 0)).isEmpty();
    assertThat(readItems(db, 1000, 2)).isEmpty();
  }

  @Test
  void read_prefixPaging_coversEveryKeyExactlyOnce() {
    String db = writeItemsAndOthers();
    List<String> seen = new ArrayList<>();

    // Bounded, so that a store ignoring the offset fails instead of looping forever.
    for (int offset = 0; offset <= ITEMS.size() + 3; offset += 3) {
      List<String> page = readItems(db, offset, 3);
      assertThat(page.size()).as("page at offset %d", offset).isLessThanOrEqualTo(3);
      seen.addAll(page);
    }

    assertThat(seen).containsExactlyElementsOf(ITEMS);
  }

  @Test
  void read_suffixWithOffsetAndLimit_pagesOnlyMatches() {
    String db = newDatabase();
    writeKeys(db, "", "f-x", "b-y", "a-x", "e-y", "d-x", "c-x");

    List<Record> page = store().read("-x", read(db).suffix().offset(1).limit(2).build());

    assertThat(keys(page)).containsExactly("c-x", "d-x");
  }

  @Test
  void list_withLimit_returnsFirstPageSortedByKey() {
    String db = writeItemsAndOthers();

    assertThat(store().list(list(db).limit(2).build())).containsExactly("aaa", "item-00");
  }

  @Test
  void list_withOffset_skipsFirstKeysAfterSorting() {
    String db = writeItemsAndOthers();

    assertThat(store().list(list(db).offset(11).build())).containsExactly("other-1", "zzz");
  }

  @Test
  void list_withOffsetAndLimit_returnsMiddlePage() {
    String db = writeItemsAndOthers();

    assertThat(store().list(list(db).offset(3).limit(2).build()))
        .containsExactly("item-02", "item-03");
  }

  @Test
  void list_withLimitZero_returnsEveryKey() {
    String db = writeItemsAndOthers();

    assertThat(store().list(list(db).limit(0).build())).hasSize(13);
  }

  @Test
  void list_withOffsetAtOrPastEnd_returnsEmptyList() {
    String db = writeItemsAndOthers();

    assertThat(store().list(list(db).offset(13).build())).isEmpty();
    assertThat(store().list(list(db).offset(500).limit(3).build())).isEmpty();
  }

  @Test
  void list_paging_coversEveryKeyExactlyOnce() {
    String db = writeItemsAndOthers();
    List<String> all = store().list(listOf(db));
    List<String> seen = new ArrayList<>();

    for (int offset = 0; offset <= all.size() + 4; offset += 4) {
      List<String> page = store().list(list(db).offset(offset).limit(4).build());
      assertThat(page.size()).as("page at offset %d", offset).isLessThanOrEqualTo(4);
      seen.addAll(page);
    }

    assertThat(all).hasSize(13);
    assertThat(seen).containsExactlyElementsOf(all);
  }

  @Test
  void list_prefixWithOffsetAndLimit_pagesOnlyMatches() {
    String db = writeItemsAndOthers();

    assertThat(listItems(db, 2, 3)).containsExactly("item-02", "item-03", "item-04");
    assertThat(listItems(db, 9, 3)).containsExactly("item-09");
  }

  @Test
  void list_suffixWithOffsetAndLimit_pagesOnlyMatches() {
    String db = newDatabase();
    writeKeys(db, "", "f-x", "b-y", "a-x", "e-y", "d-x", "c-x");

    assertThat(store().list(list(db).suffix("-x").offset(1).limit(2).build()))
        .containsExactly("c-x", "d-x");
  }

  @Test
  void list_tableWithOffsetAndLimit_pagesTableKeysOnly() {
    String db = newDatabase();
    writeKeys(db, "t", "d", "a", "c", "b");
    writeKeys(db, "", "a", "t", "z");

    ListOptions options = list(db, "t").offset(1).limit(2).build();

    assertThat(store().list(options)).containsExactly("b", "c");
  }
}
