package dev.microstore;

import java.util.Set;

/**
 * Opens the in-memory store for URIs {@code memory:} with the optional parameters {@code database}
 * and {@code table}, for example {@code memory:?database=orders&table=items}. Each call opens a
 * new, empty store.
 */
public final class MemoryStoreProvider implements StoreProvider {
  private static final Set<String> PARAMETERS = Set.of("database", "table");

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public MemoryStoreProvider() {}

  @Override
  public String scheme() {
    return "memory";
  }

  @Override
  public Store open(StoreUri uri) {
    uri.requireKnownParameters(PARAMETERS);
    MemoryStoreBuilder builder = Stores.inMemory();
    uri.parameter("database").ifPresent(builder::database);
    uri.parameter("table").ifPresent(builder::table);
    return builder.build();
  }
}
