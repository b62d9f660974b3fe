package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ChangeEvent;
import dev.microstore.DatabaseInfo;
import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Watch;
import dev.microstore.WatchOptions;
import org.junit.jupiter.api.Test;

/** Listing databases and deleting whole databases. */
abstract class DatabaseTests extends KitTests {
  DatabaseTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void databases_listsWrittenDatabasesSorted() {
    String base = newDatabase();
    String c = kit().ownDatabase(base + "-c");
    String a = kit().ownDatabase(base + "-a");
    String b = kit().ownDatabase(base + "-b");
    writeKeys(c, "", "k");
    writeKeys(a, "", "k");
    writeKeys(b, "t", "k");

    assertThat(databases()).isSorted().containsSubsequence(a, b, c);
  }

  @Test
  void info_lastRevision_isTheLatestChangesRevision_andAWatchFromTheNextSeesWhatFollows()
      throws Exception {
    String db = newDatabase();
    store().write(Record.of("a", "1"), to(db));
    long second = store().write(Record.of("b", "2"), to(db));
    assertThat(store().info(db)).map(DatabaseInfo::lastRevision).contains(second);

    long afterInfo = store().info(db).orElseThrow().lastRevision();
    long third = store().write(Record.of("c", "3"), to(db));
    java.util.concurrent.BlockingQueue<ChangeEvent> seen =
        new java.util.concurrent.LinkedBlockingQueue<>();
    Watch w =
        store()
            .watch(
                WatchOptions.builder().database(db).fromRevision(afterInfo + 1).build(), seen::add);
    try {
      ChangeEvent first = seen.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.key()).isEqualTo("c");
      assertThat(first.revision()).isEqualTo(third);
    } finally {
      w.close();
    }
    store().delete("a", deleteFrom(db));
    assertThat(store().info(db).orElseThrow().lastRevision()).isGreaterThan(third);
  }

  @Test
  void databases_doesNotListDatabasesThatWereOnlyRead() {
    String db = newDatabase();
    assertThatThrownBy(() -> store().read("k", from(db))).isInstanceOf(NotFoundException.class);
    store().read("k", prefixIn(db));
    store().list(listOf(db));

    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void deleteDatabase_existing_returnsTrueAndRemovesEveryRecord() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b");
    writeKeys(db, "t", "c");

    assertThat(store().deleteDatabase(db)).isTrue();

    assertThat(store().list(listOf(db))).isEmpty();
    assertThat(store().read("", prefixIn(db))).isEmpty();
    assertThatThrownBy(() -> store().read("a", from(db))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteDatabase_existing_removesItFromDatabases() {
    String db = newDatabase();
    writeKeys(db, "", "a");
    assertThat(databases()).contains(db);

    store().deleteDatabase(db);

    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void deleteDatabase_secondTime_returnsFalse() {
    String db = newDatabase();
    writeKeys(db, "", "a");

    assertThat(store().deleteDatabase(db)).isTrue();
    assertThat(store().deleteDatabase(db)).isFalse();
  }

  @Test
  void deleteDatabase_missing_returnsFalseWithoutCreatingIt() {
    String db = newDatabase();

    assertThat(store().deleteDatabase(db)).isFalse();
    assertThat(databases()).doesNotContain(db);
  }

  @Test
  void deleteDatabase_leavesOtherDatabasesUntouched() {
    String db = newDatabase();
    String other = newDatabase();
    writeKeys(db, "", "a");
    writeKeys(other, "", "a", "b");

    store().deleteDatabase(db);

    assertThat(databases()).contains(other);
    assertThat(store().list(listOf(other))).containsExactly("a", "b");
  }

  @Test
  void deleteDatabase_thenWrite_startsAnEmptyDatabase() {
    String db = newDatabase();
    writeKeys(db, "", "old1", "old2");
    store().deleteDatabase(db);

    writeKeys(db, "", "new");

    assertThat(databases()).contains(db);
    assertThat(store().list(listOf(db))).containsExactly("new");
  }

  @Test
  void deleteDatabase_default_removesDatabaseDefault() {
    writeKeys(DEFAULT_DATABASE, "", "k");

    assertThat(store().deleteDatabase(DEFAULT_DATABASE)).isTrue();

    assertThat(databases()).doesNotContain(DEFAULT_DATABASE);
    assertThat(store().list()).isEmpty();
  }
}
