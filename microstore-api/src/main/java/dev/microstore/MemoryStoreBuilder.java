package dev.microstore;

import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the in-memory store: a complete, thread-safe {@link Store} that keeps everything in the
 * heap of this process, with per-record expiry and revisions. Useful for tests of code that uses a
 * store, for local development and for single-process applications.
 *
 * <p>Each database is a sorted concurrent map, so prefix reads touch only the matching keys.
 * Expired records disappear from reads at once and are removed during later operations, without a
 * background thread. Writes to one database are serialised; reads take no lock and wait only for a
 * cleanup of old versions they overlapped.
 *
 * <p>Not thread-safe; {@link #build()} may be called repeatedly and each call builds an independent
 * store.
 */
public final class MemoryStoreBuilder {
  static final String DEFAULT_DATABASE = "default";

  private String database = DEFAULT_DATABASE;
  private @Nullable String table;
  private Clock clock = Clock.systemUTC();
  private int history = 1;

  MemoryStoreBuilder() {}

  /**
   * Sets the database used when options name none.
   *
   * @param database the database name, not empty; default {@code default}
   * @return this builder
   * @throws IllegalArgumentException if empty
   */
  public MemoryStoreBuilder database(String database) {
    Objects.requireNonNull(database, "database");
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "database \"\" is invalid: the default database name must not be empty");
    }
    this.database = database;
    return this;
  }

  /**
   * Sets the table used when options name none.
   *
   * @param table the table name; empty for none (the default)
   * @return this builder
   */
  public MemoryStoreBuilder table(String table) {
    this.table = Checks.emptyToNull(table, "table");
    return this;
  }

  /**
   * Sets the clock that decides expiry, for tests that control time.
   *
   * @param clock the clock; default the system UTC clock
   * @return this builder
   */
  public MemoryStoreBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * How many revisions per key {@link Store#history(String, ReadOptions)} keeps, deletes and
   * expiries included. A watch can start at, or catch up from, the revisions kept this way ({@link
   * WatchOptions.Builder#fromRevision(long)}); an older one is a {@link WatchGapException}.
   *
   * @param history 1 to 64; default 1
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public MemoryStoreBuilder history(int history) {
    if (history < 1 || history > 64) {
      throw new IllegalArgumentException("history " + history + " is invalid: must be 1 to 64");
    }
    this.history = history;
    return this;
  }

  /**
   * Builds a new, empty store.
   *
   * @return the store, ready to use
   */
  public Store build() {
    return new MemoryStore(database, table, clock, history);
  }
}
