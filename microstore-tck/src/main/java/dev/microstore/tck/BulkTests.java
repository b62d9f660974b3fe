package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.BulkResult;
import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bulk writes, deletes and reads: not atomic, every element reported on its own. */
abstract class BulkTests extends KitTests {
  BulkTests(StoreContract kit) {
    super(kit);
  }

  private static List<Record> records(String... keys) {
    List<Record> out = new ArrayList<>();
    for (String k : keys) {
      out.add(Record.of(k, valueOf(k)));
    }
    return out;
  }

  @Test
  void writeAll_writesEveryRecord_andReportsEachInInputOrder() {
    String db = newDatabase();

    BulkResult result = store().writeAll(records("c", "a", "b"), to(db));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(result.outcomes())
        .extracting(BulkResult.Outcome::key)
        .containsExactly("c", "a", "b");
    assertThat(store().list(listOf(db))).containsExactly("a", "b", "c");
    assertThat(readOne("a", from(db)).valueAsString()).isEqualTo(valueOf("a"));
  }

  @Test
  void writeAll_revisions_areTheRevisionsReadBack() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    BulkResult result = store().writeAll(records("a", "b"), to(db));

    assertThat(result.revisions().get("a")).isEqualTo(readOne("a", from(db)).revision());
    assertThat(result.revisions().get("b")).isEqualTo(readOne("b", from(db)).revision());
    assertThat(result.revisions().get("b")).isGreaterThan(result.revisions().get("a"));
  }

  @Test
  void writeAll_manyRecords_intoATable_areAllReadable() {
    String db = newDatabase();
    List<Record> many = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      many.add(Record.of(String.format("k%04d", i), "v" + i));
    }

    BulkResult result = store().writeAll(many, to(db, "t"));

    assertThat(result.successCount()).isEqualTo(600);
    assertThat(store().list(listOf(db, "t"))).hasSize(600);
    assertThat(readOne("k0599", from(db, "t")).valueAsString()).isEqualTo("v599");
  }

  @Test
  void writeAll_sameKeyTwice_theLaterValueWins() {
    String db = newDatabase();

    store().writeAll(List.of(Record.of("k", "first"), Record.of("k", "second")), to(db));

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("second");
  }

  @Test
  void writeAll_empty_writesNothing() {
    String db = newDatabase();

    BulkResult result = store().writeAll(List.of(), to(db));

    assertThat(result.outcomes()).isEmpty();
    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void writeAll_ifAbsent_keepsTheSuccesses_andReportsEachConflict() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("b", "existing"), to(db));

    BulkResult result =
        store()
            .writeAll(
                records("a", "b", "c"), WriteOptions.builder().database(db).ifAbsent().build());

    assertThat(result.allSucceeded()).isFalse();
    assertThat(result.revisions()).containsOnlyKeys("a", "c");
    assertThat(result.failures()).containsOnlyKeys("b");
    assertThat(result.failures().get("b")).isInstanceOf(ConflictException.class);
    assertThat(readOne("b", from(db)).valueAsString()).isEqualTo("existing");
    assertThat(store().list(listOf(db))).containsExactly("a", "b", "c");
    assertThatThrownBy(result::throwIfFailed).isInstanceOf(ConflictException.class);
  }

  @Test
  void writeAll_ifAbsent_overADeletedKey_succeeds() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("a", "old"), to(db));
    store().delete("a", deleteFrom(db));

    BulkResult result =
        store().writeAll(records("a"), WriteOptions.builder().database(db).ifAbsent().build());

    assertThat(result.allSucceeded()).as("%s", result.failures()).isTrue();
    assertThat(readOne("a", from(db)).valueAsString()).isEqualTo(valueOf("a"));
  }

  @Test
  void writeAll_aKeyInvalidForTheStore_throwsAndWritesNothing() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        supports(StoreFeature.ARBITRARY_KEYS), "every key is valid for this store");
    String db = newDatabase();

    assertThatThrownBy(
            () -> store().writeAll(List.of(Record.of("ok", "v"), Record.of("a b", "v")), to(db)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a b\"");

    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void deleteAll_deletesEveryKey_andMissingKeysSucceed() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b", "c");

    BulkResult result = store().deleteAll(List.of("a", "c", "never"), deleteFrom(db));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(result.outcomes())
        .extracting(BulkResult.Outcome::key)
        .containsExactly("a", "c", "never");
    assertThat(store().list(listOf(db))).containsExactly("b");
  }

  @Test
  void deleteAll_inMissingDatabase_succeedsWithoutCreatingIt() {
    String db = newDatabase();

    BulkResult result = store().deleteAll(List.of("a", "b"), deleteFrom(db));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void deleteAll_ifRevision_deletesTheMatchingKey_andReportsTheOthers() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long a = store().write(Record.of("a", "1"), to(db));
    store().write(Record.of("b", "1"), to(db));

    BulkResult result =
        store()
            .deleteAll(
                List.of("a", "b"), DeleteOptions.builder().database(db).ifRevision(a).build());

    assertThat(result.revisions()).containsOnlyKeys("a");
    assertThat(result.failures().get("b")).isInstanceOf(ConflictException.class);
    assertThat(store().list(listOf(db))).containsExactly("b");
  }

  @Test
  void readAll_returnsTheLiveRecordsInTheOrderGiven_andLeavesMissingKeysOut() {
    String db = newDatabase();
    writeKeys(db, "t", "a", "b", "c");
    store().delete("b", deleteFrom(db, "t"));

    Map<String, Record> found = store().readAll(List.of("c", "missing", "b", "a"), from(db, "t"));

    assertThat(found.keySet()).containsExactly("c", "a");
    assertThat(found.get("c").key()).isEqualTo("c");
    assertThat(found.get("a").valueAsString()).isEqualTo(valueOf("a"));
  }

  @Test
  void readAll_missingDatabase_returnsEmpty() {
    String db = newDatabase();

    assertThat(store().readAll(List.of("a"), from(db))).isEmpty();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void readAll_prefixOptions_throwIllegalArgument() {
    assertThatThrownBy(() -> store().readAll(List.of("a"), prefixIn(newDatabase())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exact");
  }

  @Test
  void readAll_emptyKey_throwsIllegalArgument() {
    assertThatThrownBy(() -> store().readAll(List.of("a", ""), ReadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key \"\"");
  }
}
