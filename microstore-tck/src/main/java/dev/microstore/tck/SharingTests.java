package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import org.junit.jupiter.api.Test;

/**
 * Stores of one backend share their data: a store sees databases and records it did not create
 * itself (the Go plugin only saw buckets it had opened), and closing one store leaves the others
 * working.
 */
abstract class SharingTests extends KitTests {
  SharingTests(StoreContract kit) {
    super(kit);
  }

  @Test
  void sharing_newStore_readsWhatAnotherStoreWrote() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b");
    writeKeys(db, "t", "c");

    Store other = kit().openStore();

    assertThat(other.databases()).contains(db);
    assertThat(other.read("a", from(db)))
        .extracting(Record::valueAsString)
        .containsExactly(valueOf("a"));
    assertThat(keys(other.read("", prefixIn(db)))).containsExactly("a", "b", "t_c");
    assertThat(other.list(listOf(db, "t"))).containsExactly("c");
  }

  @Test
  void sharing_newStore_deletesKeyAnotherStoreWrote() {
    String db = newDatabase();
    writeKeys(db, "", "a", "b");

    kit().openStore().delete("a", deleteFrom(db));

    assertThatThrownBy(() -> store().read("a", from(db))).isInstanceOf(NotFoundException.class);
    assertThat(store().list(listOf(db))).containsExactly("b");
  }

  @Test
  void sharing_newStore_deletesDatabaseAnotherStoreCreated() {
    String db = newDatabase();
    writeKeys(db, "", "a");

    assertThat(kit().openStore().deleteDatabase(db)).isTrue();

    assertThat(databases()).doesNotContain(db);
    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void sharing_twoStores_writeIntoTheSameDatabase() {
    String db = newDatabase();
    Store other = kit().openStore();

    writeKeys(db, "", "from-first");
    other.write(Record.of("from-second", "v"), to(db));

    assertThat(store().list(listOf(db))).containsExactly("from-first", "from-second");
    assertThat(other.list(listOf(db))).containsExactly("from-first", "from-second");
  }

  @Test
  void sharing_overwriteByAnotherStore_isSeenByTheFirst() {
    String db = newDatabase();
    store().write(Record.of("k", "first"), to(db));

    kit().openStore().write(Record.of("k", "second"), to(db));

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("second");
  }

  @Test
  void sharing_closingAnotherStore_leavesThisOneWorking() {
    String db = newDatabase();
    Store other = kit().openStore();
    other.write(Record.of("k", "v"), to(db));

    other.close();

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");
    writeKeys(db, "", "after-close");
    assertThat(store().list(listOf(db))).containsExactly("after-close", "k");
  }

  @Test
  void sharing_revisionFromOneStore_isValidInAnother() {
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long revision = store().write(Record.of("k", "v1"), to(db));
    Store other = kit().openStore();

    assertThat(other.read("k", from(db)).get(0).revision()).isEqualTo(revision);
    other.write(
        Record.of("k", "v2"), WriteOptions.builder().database(db).ifRevision(revision).build());

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v2");
  }
}
