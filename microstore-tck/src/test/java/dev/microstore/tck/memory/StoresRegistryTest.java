package dev.microstore.tck.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import org.junit.jupiter.api.Test;

/** {@link Stores#open(String)} with the built-in {@code memory:} provider. */
class StoresRegistryTest {

  @Test
  void open_memoryUri_returnsWorkingEmptyStore() {
    try (Store store = Stores.open("memory:")) {
      assertThat(store.databases()).isEmpty();

      store.write(Record.of("k", "v"));

      assertThat(store.read("k")).extracting(Record::valueAsString).containsExactly("v");
    }
  }

  @Test
  void open_memoryUriTwice_returnsIndependentStores() {
    try (Store first = Stores.open("memory:");
        Store second = Stores.open("memory:")) {
      first.write(Record.of("k", "v"));

      assertThat(second.databases()).isEmpty();
    }
  }

  @Test
  void open_unknownScheme_throwsIllegalArgumentNamingSchemeAndKnownSchemes() {
    assertThatThrownBy(() -> Stores.open("nope://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"nope\"")
        .hasMessageContaining("known schemes")
        .hasMessageContaining("memory");
  }

  @Test
  void open_memoryUriWithUnknownParameter_throwsIllegalArgumentNamingKnownParameters() {
    assertThatThrownBy(() -> Stores.open("memory:?colour=red"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"colour\"")
        .hasMessageContaining("database")
        .hasMessageContaining("table");
  }
}
