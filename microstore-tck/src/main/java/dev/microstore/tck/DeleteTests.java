package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import org.junit.jupiter.api.Test;

/** Deleting keys, including keys and databases that do not exist. */
abstract class DeleteTests extends KitTests {
  DeleteTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void delete_existingKey_makesExactReadThrowNotFound() {
    String db = newDatabase();
    writeKeys(db, "", "k");

    store().delete("k", deleteFrom(db));

    assertThatThrownBy(() -> store().read("k", from(db)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("\"k\"");
  }

  @Test
  void delete_existingKey_removesItFromListAndPrefixRead() {
    String db = newDatabase();
    writeKeys(db, "", "k1", "k2");

    store().delete("k1", deleteFrom(db));

    assertThat(store().list(listOf(db))).containsExactly("k2");
    assertThat(keys(store().read("k", prefixIn(db)))).containsExactly("k2");
  }

  @Test
  void delete_leavesOtherKeysUntouched() {
    String db = newDatabase();
    writeKeys(db, "", "a", "ab", "b");

    store().delete("a", deleteFrom(db));

    assertThat(readOne("ab", from(db)).valueAsString()).isEqualTo(valueOf("ab"));
    assertThat(readOne("b", from(db)).valueAsString()).isEqualTo(valueOf("b"));
  }

  @Test
  void delete_missingKey_succeedsAndNoRecordAppears() {
    String db = newDatabase();
    writeKeys(db, "", "present");

    store().delete("absent", deleteFrom(db));

    assertThatThrownBy(() -> store().read("absent", from(db)))
        .isInstanceOf(NotFoundException.class);
    assertThat(store().list(listOf(db))).containsExactly("present");
    assertThat(keys(store().read("", prefixIn(db)))).containsExactly("present");
  }

  @Test
  void delete_inMissingDatabase_succeedsWithoutCreatingIt() {
    String db = newDatabase();

    store().delete("absent", deleteFrom(db));

    assertThat(databases()).doesNotContain(db);
    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void delete_twice_succeeds() {
    String db = newDatabase();
    writeKeys(db, "", "k", "other");

    store().delete("k", deleteFrom(db));
    store().delete("k", deleteFrom(db));

    assertThat(store().list(listOf(db))).containsExactly("other");
  }

  @Test
  void delete_thenWriteAgain_createsRecordAnew() {
    String db = newDatabase();
    store().write(Record.of("k", "first"), to(db));
    store().delete("k", deleteFrom(db));

    store().write(Record.of("k", "second"), to(db));

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("second");
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void delete_defaultOptions_deletesFromDatabaseDefault() {
    store().write(Record.of("k", "v"), to(DEFAULT_DATABASE));
    store().write(Record.of("other", "v"), to(DEFAULT_DATABASE));

    store().delete("k");

    assertThat(store().list(listOf(DEFAULT_DATABASE))).containsExactly("other");
  }

  @Test
  void delete_inOneDatabase_leavesSameKeyInOtherDatabase() {
    String db1 = newDatabase();
    String db2 = newDatabase();
    writeKeys(db1, "", "k");
    writeKeys(db2, "", "k");

    store().delete("k", deleteFrom(db1));

    assertThat(store().list(listOf(db1))).isEmpty();
    assertThat(readOne("k", from(db2)).valueAsString()).isEqualTo(valueOf("k"));
  }
}
