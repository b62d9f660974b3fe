package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import org.junit.jupiter.api.Test;

/**
 * Store-wide defaults: a store created with {@link StoreFactory#create(String, String)} uses its
 * database and table when options name none, and options that name them win.
 */
abstract class DefaultsTests extends KitTests {
  DefaultsTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void defaults_plainStore_usesDatabaseDefaultWithoutTable() {
    store().write(Record.of("k", "v"));

    assertThat(databases()).contains(DEFAULT_DATABASE);
    assertThat(store().list(listOf(DEFAULT_DATABASE))).containsExactly("k");
    assertThat(store().read("k")).extracting(Record::valueAsString).containsExactly("v");
  }

  @Test
  void defaults_defaultDatabase_receivesWritesReadsListsAndDeletes() {
    String db = newDatabase();
    Store s = kit().openStore(db, "");

    s.write(Record.of("k", "v"));
    s.write(Record.of("gone", "v"));
    s.delete("gone");

    assertThat(databases()).contains(db).doesNotContain(DEFAULT_DATABASE);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");
    assertThat(s.read("k")).extracting(Record::key).containsExactly("k");
    assertThat(s.list()).containsExactly("k");
  }

  @Test
  void defaults_defaultDatabase_isReportedByTheStore() {
    String db = newDatabase();
    Store s = kit().openStore(db, "");
    try {
      assertThat(s.defaultDatabase()).isEqualTo(db);
      assertThat(store().defaultDatabase()).isEqualTo(DEFAULT_DATABASE);
    } finally {
      s.close();
    }
  }

  @Test
  void defaults_defaultDatabase_notFoundNamesIt() {
    String db = newDatabase();
    Store s = kit().openStore(db, "");

    assertThatThrownBy(() -> s.read("absent"))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.database()).isEqualTo(db))
        .hasMessageContaining(db);
  }

  @Test
  void defaults_defaultTable_prefixesKeys() {
    String db = newDatabase();
    Store s = kit().openStore(db, "t");

    s.write(Record.of("k", "v"));

    assertThat(readOne("t_k", from(db)).valueAsString()).isEqualTo("v");
    assertThat(store().list(listOf(db))).containsExactly("t_k");
  }

  @Test
  void defaults_defaultTable_readsListsAndDeletesWithinTheTable() {
    String db = newDatabase();
    writeKeys(db, "t", "a", "b", "gone");
    writeKeys(db, "", "a", "plain");
    Store s = kit().openStore(db, "t");

    s.delete("gone");

    assertThat(s.list()).containsExactly("a", "b");
    assertThat(keys(s.read("", ReadOptions.builder().prefix().build()))).containsExactly("a", "b");
    assertThat(s.read("a")).extracting(Record::valueAsString).containsExactly(valueOf("a"));
    assertThat(store().list(listOf(db))).containsExactly("a", "plain", "t_a", "t_b");
  }

  @Test
  void defaults_optionsNamingADatabase_overrideTheDefaultDatabase() {
    String db = newDatabase();
    String other = newDatabase();
    Store s = kit().openStore(db, "");

    s.write(Record.of("k", "v"), to(other));

    assertThat(readOne("k", from(other)).valueAsString()).isEqualTo("v");
    assertThat(databases()).doesNotContain(db);
    assertThat(s.list(listOf(other))).containsExactly("k");
  }

  @Test
  void defaults_optionsNamingATable_overrideTheDefaultTable() {
    String db = newDatabase();
    Store s = kit().openStore(db, "t");

    s.write(Record.of("k", "v"), to(db, "u"));

    assertThat(store().list(listOf(db))).containsExactly("u_k");
    assertThat(s.list(listOf(db, "u"))).containsExactly("k");
    assertThat(s.read("k", from(db, "u"))).hasSize(1);
  }

  @Test
  void defaults_optionsNamingOnlyADatabase_keepTheDefaultTable() {
    String db = newDatabase();
    String other = newDatabase();
    Store s = kit().openStore(db, "t");

    s.write(Record.of("k", "v"), to(other));

    assertThat(store().list(listOf(other))).containsExactly("t_k");
  }
}
