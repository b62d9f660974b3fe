package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import org.junit.jupiter.api.Test;

/**
 * After {@link Store#close()} every method except {@code close}, {@code stats} and {@code
 * defaultDatabase} throws IllegalStateException; the stats then report the store disconnected.
 */
abstract class ClosedTests extends KitTests {
  ClosedTests(StoreContract kit) {
    super(kit);
  }

  /**
   * Opens a store of the backend, writes a record through it into a fresh database and closes it.
   */
  private Store closedStore(String db) {
    Store s = kit().openStore();
    s.write(Record.of("k", "v"), to(db));
    s.close();
    return s;
  }

  @Test
  void stats_beforeAndAfterClose_reportTheKindAndTheConnection() {
    Store s = kit().openStore();
    assertThat(s.stats().kind()).isNotEmpty();
    assertThat(s.stats().connected()).isTrue();
    assertThat(s.stats().openWatches()).isZero();
    s.close();

    assertThat(s.stats().connected()).isFalse();
  }

  @Test
  void read_afterClose_throwsIllegalState() {
    Store s = closedStore(newDatabase());

    assertThatThrownBy(() -> s.read("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> s.read("k", ReadOptions.builder().prefix().build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void write_afterClose_throwsIllegalStateAndWritesNothing() {
    String db = newDatabase();
    Store s = closedStore(db);

    assertThatThrownBy(() -> s.write(Record.of("late", "v"), to(db)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void delete_afterClose_throwsIllegalStateAndDeletesNothing() {
    String db = newDatabase();
    Store s = closedStore(db);

    assertThatThrownBy(() -> s.delete("k", deleteFrom(db)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(store().list(listOf(db))).containsExactly("k");
  }

  @Test
  void list_afterClose_throwsIllegalState() {
    Store s = closedStore(newDatabase());

    assertThatThrownBy(s::list)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void scan_afterClose_throwsIllegalState() {
    Store s = closedStore(newDatabase());

    assertThatThrownBy(() -> s.scan(ListOptions.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> s.scanKeys(ListOptions.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void databases_afterClose_throwsIllegalState() {
    Store s = closedStore(newDatabase());

    assertThatThrownBy(s::databases)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void deleteDatabase_afterClose_throwsIllegalStateAndDeletesNothing() {
    String db = newDatabase();
    Store s = closedStore(db);

    assertThatThrownBy(() -> s.deleteDatabase(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(databases()).contains(db);
  }

  @Test
  void close_twice_doesNotThrow() {
    Store s = closedStore(newDatabase());

    assertThatCode(s::close).doesNotThrowAnyException();
  }

  @Test
  void close_keepsTheDataForOtherStores() {
    String db = newDatabase();
    closedStore(db);

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");
  }
}
