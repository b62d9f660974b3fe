package dev.microstore.tck.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What {@link SharedMemoryStoreFactory}'s views do themselves, pinned on real in-memory stores:
 * closing, and the store-wide default database and table from the builder and the URI.
 */
class MemoryStoreDirectTest {

  /** A real in-memory store refuses every call once closed. */
  @Nested
  class Closed {
    private final Store store = Stores.inMemory().build();

    Closed() {
      store.write(Record.of("k", "v"));
      store.close();
    }

    @Test
    void read_afterClose_throwsIllegalStateNamingTheStore() {
      assertThatThrownBy(() -> store.read("k"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("memory:")
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> store.read("k", ReadOptions.builder().prefix().build()))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void write_afterClose_throwsIllegalState() {
      assertThatThrownBy(() -> store.write(Record.of("k", "v")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }

    @Test
    void delete_afterClose_throwsIllegalState() {
      assertThatThrownBy(() -> store.delete("k"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }

    @Test
    void list_afterClose_throwsIllegalState() {
      assertThatThrownBy(store::list)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }

    @Test
    void databases_afterClose_throwsIllegalState() {
      assertThatThrownBy(store::databases)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }

    @Test
    void deleteDatabase_afterClose_throwsIllegalState() {
      assertThatThrownBy(() -> store.deleteDatabase("default"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }

    @Test
    void close_twice_doesNotThrow() {
      assertThatCode(store::close).doesNotThrowAnyException();
    }
  }

  /** The builder's default database and table apply when options name none. */
  @Nested
  class BuilderDefaults {
    private final Store store = Stores.inMemory().database("orders").table("items").build();

    @AfterEach
    void close() {
      store.close();
    }

    @Test
    void defaultDatabase_receivesWritesWithoutOptions() {
      store.write(Record.of("k", "v"));

      assertThat(store.databases()).containsExactly("orders");
      assertThat(store.read("k", ReadOptions.builder().database("orders").build())).hasSize(1);
    }

    @Test
    void defaultDatabase_isNamedByNotFound() {
      assertThatThrownBy(() -> store.read("absent"))
          .isInstanceOfSatisfying(
              NotFoundException.class, e -> assertThat(e.database()).isEqualTo("orders"))
          .hasMessageContaining("orders");
    }

    @Test
    void defaultTable_isAKeyPrefix() {
      store.write(Record.of("b_c", "v"));

      assertThat(store.read("c", ReadOptions.builder().table("items_b").build()))
          .extracting(Record::key)
          .containsExactly("c");
      assertThat(store.list(ListOptions.builder().table("items_b").build())).containsExactly("c");
    }

    @Test
    void defaultTable_appliesToReadsListsAndDeletes() {
      store.write(Record.of("a", "v"));
      store.write(Record.of("b", "v"));
      store.write(Record.of("a", "other"), WriteOptions.builder().table("x").build());

      store.delete("b");

      assertThat(store.list()).containsExactly("a");
      assertThat(store.read("a")).extracting(Record::valueAsString).containsExactly("v");
      assertThat(store.list(ListOptions.builder().table("x").build())).containsExactly("a");
    }

    @Test
    void optionsNamingADatabase_override() {
      store.write(Record.of("k", "v"), WriteOptions.builder().database("x").build());

      assertThat(store.databases()).containsExactly("x");
      assertThat(store.list(ListOptions.builder().database("x").build())).containsExactly("k");
    }

    @Test
    void emptyDatabaseName_isRejected() {
      assertThatThrownBy(() -> Stores.inMemory().database(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("database \"\"");
    }
  }

  /** The URI parameters {@code database} and {@code table} set the same defaults. */
  @Nested
  class UriDefaults {
    @Test
    void uriParameters_setDefaultDatabaseAndTable() {
      try (Store store = Stores.open("memory:?database=orders&table=items")) {
        store.write(Record.of("b_c", "v"));

        assertThat(store.databases()).containsExactly("orders");
        assertThat(store.list()).containsExactly("b_c");
        assertThat(store.list(ListOptions.builder().table("items_b").build())).containsExactly("c");
        assertThat(store.toString()).isEqualTo("memory:?database=orders&table=items");
      }
    }

    @Test
    void uriWithoutParameters_usesDatabaseDefaultAndNoTable() {
      try (Store store = Stores.open("memory:")) {
        store.write(Record.of("k", "v"));

        assertThat(store.databases()).containsExactly("default");
        assertThat(store.toString()).isEqualTo("memory:?database=default");
      }
    }
  }
}
