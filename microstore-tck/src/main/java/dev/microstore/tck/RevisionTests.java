package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.WriteOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Revisions and compare-and-set (feature {@link StoreFeature#REVISIONS}): writes return increasing
 * revisions, reads report them, and conditional writes and deletes fail with {@link
 * ConflictException} naming the key and the current revision, changing nothing.
 */
abstract class RevisionTests extends KitTests {
  RevisionTests(StoreContract kit) {
    super(kit);
  }

  private static WriteOptions ifAbsent(String db) {
    return WriteOptions.builder().database(db).ifAbsent().build();
  }

  private static WriteOptions ifRevision(String db, long revision) {
    return WriteOptions.builder().database(db).ifRevision(revision).build();
  }

  private static DeleteOptions deleteIfRevision(String db, long revision) {
    return DeleteOptions.builder().database(db).ifRevision(revision).build();
  }

  @Test
  void revision_write_returnsPositiveRevision() {
    assumeFeature(StoreFeature.REVISIONS);

    long revision = store().write(Record.of("k", "v"), to(newDatabase()));

    assertThat(revision).isPositive();
  }

  @Test
  void revision_read_reportsRevisionReturnedByWrite() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    long revision = store().write(Record.of("k", "v"), to(db));

    assertThat(readOne("k", from(db)).revision()).isEqualTo(revision);
    assertThat(store().read("k", prefixIn(db)).get(0).revision()).isEqualTo(revision);
  }

  @Test
  void revision_laterWriteOfSameKey_hasLargerRevision() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    long first = store().write(Record.of("k", "v1"), to(db));
    long second = store().write(Record.of("k", "v2"), to(db));

    assertThat(second).isGreaterThan(first);
    assertThat(readOne("k", from(db)).revision()).isEqualTo(second);
  }

  @Test
  void revision_writesOfOtherKeysInADatabase_haveIncreasingRevisions() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    long a = store().write(Record.of("a", "v"), to(db));
    long b = store().write(Record.of("b", "v"), to(db, "t"));
    long c = store().write(Record.of("c", "v"), to(db));

    assertThat(b).isGreaterThan(a);
    assertThat(c).isGreaterThan(b);
  }

  @Test
  void ifAbsent_absentKey_writesRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    long revision = store().write(Record.of("k", "v"), ifAbsent(db));

    Record r = readOne("k", from(db));
    assertThat(r.valueAsString()).isEqualTo("v");
    assertThat(r.revision()).isEqualTo(revision);
  }

  @Test
  void ifAbsent_existingKey_throwsConflictWithKeyAndCurrentRevision() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long current = store().write(Record.of("k", "original"), to(db));

    assertThatThrownBy(() -> store().write(Record.of("k", "changed"), ifAbsent(db)))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision()).hasValue(current);
            })
        .hasMessageContaining("\"k\"");
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("original");
    assertThat(readOne("k", from(db)).revision()).isEqualTo(current);
  }

  @Test
  void ifAbsent_deletedKey_writesRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("k", "old"), to(db));
    store().delete("k", deleteFrom(db));

    store().write(Record.of("k", "new"), ifAbsent(db));

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("new");
  }

  @Test
  void ifAbsent_inMissingDatabase_writesRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();

    store().write(Record.of("k", "v"), ifAbsent(db));

    assertThat(databases()).contains(db);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");
  }

  @Test
  void ifAbsent_inTable_conflictNamesKeyWithoutTablePrefix() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("k", "v"), to(db, "t"));
    WriteOptions options = WriteOptions.builder().to(db, "t").ifAbsent().build();

    assertThatThrownBy(() -> store().write(Record.of("k", "v2"), options))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.key()).isEqualTo("k"));
  }

  @Test
  void ifAbsent_sameKeyInAnotherTable_writesRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("k", "in-t"), to(db, "t"));

    store().write(Record.of("k", "in-u"), WriteOptions.builder().to(db, "u").ifAbsent().build());

    assertThat(readOne("k", from(db, "u")).valueAsString()).isEqualTo("in-u");
  }

  @Test
  void ifRevision_current_writesAndReturnsNewRevision() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long current = store().write(Record.of("k", "v1"), to(db));

    long next = store().write(Record.of("k", "v2"), ifRevision(db, current));

    assertThat(next).isGreaterThan(current);
    Record r = readOne("k", from(db));
    assertThat(r.valueAsString()).isEqualTo("v2");
    assertThat(r.revision()).isEqualTo(next);
  }

  @Test
  void ifRevision_stale_throwsConflictWithCurrentRevisionAndKeepsValue() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long stale = store().write(Record.of("k", "v1"), to(db));
    long current = store().write(Record.of("k", "v2"), to(db));

    assertThatThrownBy(() -> store().write(Record.of("k", "v3"), ifRevision(db, stale)))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision()).hasValue(current);
            })
        .hasMessageContaining("\"k\"")
        .hasMessageContaining(String.valueOf(stale));
    Record r = readOne("k", from(db));
    assertThat(r.valueAsString()).isEqualTo("v2");
    assertThat(r.revision()).isEqualTo(current);
  }

  @Test
  void ifRevision_absentKey_throwsConflictAndWritesNothing() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    writeKeys(db, "", "other");

    assertThatThrownBy(() -> store().write(Record.of("k", "v"), ifRevision(db, 1)))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision().orElse(0)).isZero();
            });
    assertThat(store().list(listOf(db))).containsExactly("other");
  }

  @Test
  void ifRevision_deletedKey_throwsConflict() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long revision = store().write(Record.of("k", "v"), to(db));
    store().delete("k", deleteFrom(db));

    assertThatThrownBy(() -> store().write(Record.of("k", "v2"), ifRevision(db, revision)))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store().read("k", from(db))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteIfRevision_current_deletesRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long current = store().write(Record.of("k", "v"), to(db));

    store().delete("k", deleteIfRevision(db, current));

    assertThatThrownBy(() -> store().read("k", from(db))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteIfRevision_stale_throwsConflictAndKeepsRecord() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long stale = store().write(Record.of("k", "v1"), to(db));
    long current = store().write(Record.of("k", "v2"), to(db));

    assertThatThrownBy(() -> store().delete("k", deleteIfRevision(db, stale)))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo("k");
              assertThat(e.currentRevision()).hasValue(current);
            })
        .hasMessageContaining("\"k\"");
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v2");
  }

  @Test
  void deleteIfRevision_absentKey_throwsConflict() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    writeKeys(db, "", "other");

    assertThatThrownBy(() -> store().delete("k", deleteIfRevision(db, 1)))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.key()).isEqualTo("k"));
  }

  @Test
  void ifAbsent_concurrentCreators_exactlyOneWins() throws InterruptedException {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    writeKeys(db, "", "existing");

    List<Boolean> won =
        runConcurrently(
            8,
            t ->
                () -> {
                  try {
                    store().write(Record.of("k", "thread-" + t), ifAbsent(db));
                    return true;
                  } catch (ConflictException e) {
                    return false;
                  }
                });

    assertThat(won).containsOnlyOnce(true);
    int winner = won.indexOf(true);
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("thread-" + winner);
  }

  @Test
  void counter_concurrentConditionalIncrements_loseNoUpdate() throws InterruptedException {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    int threads = 8;
    int increments = kit().counterIncrementsPerThread();

    runConcurrently(
        threads,
        t ->
            () -> {
              for (int i = 0; i < increments; i++) {
                while (!tryIncrement(db)) {
                  // Another thread changed the counter first: read it again and retry.
                }
              }
              return null;
            });

    assertThat(readOne("counter", from(db)).valueAsString())
        .isEqualTo(String.valueOf(threads * increments));
  }

  /** One read-increment-conditional-write cycle; false when another writer got there first. */
  private boolean tryIncrement(String db) {
    Record current;
    try {
      current = store().read("counter", from(db)).get(0);
    } catch (NotFoundException e) {
      try {
        store().write(Record.of("counter", "1"), ifAbsent(db));
        return true;
      } catch (ConflictException conflict) {
        return false;
      }
    }
    long next = Long.parseLong(current.valueAsString()) + 1;
    try {
      store().write(Record.of("counter", Long.toString(next)), ifRevision(db, current.revision()));
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }
}
