package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Invalid input: a null argument throws {@link NullPointerException} naming the parameter, an
 * invalid value throws {@link IllegalArgumentException} naming the value and the rule, and a
 * rejected call writes nothing.
 */
abstract class InvalidInputTests extends KitTests {
  InvalidInputTests(StoreContract kit) {
    super(kit);
  }

  /** Checks that nothing was written: no new database, and the database is still empty. */
  private void assertNothingWritten(String db, List<String> databasesBefore) {
    assertThat(databases()).containsExactlyElementsOf(databasesBefore).doesNotContain(db);
    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void read_nullKey_throwsNullPointerNamingKey() {
    Store s = store();

    assertThatThrownBy(() -> s.read(null, ReadOptions.defaults()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("key");
  }

  @Test
  void read_nullOptions_throwsNullPointerNamingOptions() {
    Store s = store();

    assertThatThrownBy(() -> s.read("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("options");
  }

  @Test
  void write_nullRecord_throwsNullPointerNamingRecordAndWritesNothing() {
    String db = newDatabase();
    List<String> before = databases();

    assertThatThrownBy(() -> store().write(null, to(db)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("record");
    assertNothingWritten(db, before);
  }

  @Test
  void write_nullOptions_throwsNullPointerNamingOptionsAndWritesNothing() {
    List<String> before = databases();

    assertThatThrownBy(() -> store().write(Record.of("k", "v"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("options");
    assertThat(databases()).containsExactlyElementsOf(before);
  }

  @Test
  void delete_nullKey_throwsNullPointerNamingKey() {
    assertThatThrownBy(() -> store().delete(null, DeleteOptions.defaults()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("key");
  }

  @Test
  void delete_nullOptions_throwsNullPointerNamingOptions() {
    assertThatThrownBy(() -> store().delete("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("options");
  }

  @Test
  void list_nullOptions_throwsNullPointerNamingOptions() {
    assertThatThrownBy(() -> store().list(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("options");
  }

  @Test
  void deleteDatabase_null_throwsNullPointerNamingDatabase() {
    assertThatThrownBy(() -> store().deleteDatabase(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("database");
  }

  @Test
  void read_emptyExactKey_throwsIllegalArgumentNamingRule() {
    String db = newDatabase();

    assertThatThrownBy(() -> store().read("", from(db)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key \"\"")
        .hasMessageContaining("must not be empty");
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void delete_emptyKey_throwsIllegalArgumentNamingRuleAndDeletesNothing() {
    String db = newDatabase();
    writeKeys(db, "", "k");

    assertThatThrownBy(() -> store().delete("", deleteFrom(db)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key \"\"")
        .hasMessageContaining("must not be empty");
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void deleteDatabase_emptyName_throwsIllegalArgument() {
    writeKeys(DEFAULT_DATABASE, "", "k");

    assertThatThrownBy(() -> store().deleteDatabase(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database \"\"");
    assertThat(store().list()).containsExactly("k");
  }

  @Test
  void record_emptyKey_isRejectedNamingRule() {
    assertThatThrownBy(() -> Record.of("", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key \"\"")
        .hasMessageContaining("must not be empty");
  }

  @Test
  void readOptions_negativeLimit_isRejectedNamingValue() {
    assertThatThrownBy(() -> ReadOptions.builder().limit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit -1")
        .hasMessageContaining("must not be negative");
  }

  @Test
  void readOptions_negativeOffset_isRejectedNamingValue() {
    assertThatThrownBy(() -> ReadOptions.builder().offset(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset -5")
        .hasMessageContaining("must not be negative");
  }

  @Test
  void listOptions_negativeLimit_isRejectedNamingValue() {
    assertThatThrownBy(() -> ListOptions.builder().limit(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit -2")
        .hasMessageContaining("must not be negative");
  }

  @Test
  void listOptions_negativeOffset_isRejectedNamingValue() {
    assertThatThrownBy(() -> ListOptions.builder().offset(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset -3")
        .hasMessageContaining("must not be negative");
  }

  @Test
  void writeOptions_revisionZero_isRejectedNamingValue() {
    assertThatThrownBy(() -> WriteOptions.builder().ifRevision(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("revision 0")
        .hasMessageContaining("start at 1");
  }

  @Test
  void deleteOptions_negativeRevision_isRejectedNamingValue() {
    assertThatThrownBy(() -> DeleteOptions.builder().ifRevision(-4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("revision -4")
        .hasMessageContaining("start at 1");
  }

  @Test
  void options_nullDatabaseOrTable_throwsNullPointerNamingParameter() {
    assertThatThrownBy(() -> ReadOptions.builder().database(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("database");
    assertThatThrownBy(() -> WriteOptions.builder().table(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("table");
  }

  @Test
  void write_invalidMetadata_neverReachesTheStore() {
    String db = newDatabase();
    List<String> before = databases();

    assertThatThrownBy(
            () ->
                store()
                    .write(
                        Record.builder("k").value("v").metadata(Map.of("x", new Object())).build(),
                        to(db)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.x");
    assertNothingWritten(db, before);
  }
}
