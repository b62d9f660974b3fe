package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#watch(WatchOptions, WatchListener)}: which database, table and key prefix
 * to watch, and whether to start with the current records. Immutable.
 */
public final class WatchOptions {
  private static final WatchOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final String prefix;
  private final boolean includeInitial;

  private WatchOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.prefix = b.prefix;
    this.includeInitial = b.includeInitial;
  }

  /**
   * Options that watch every live change of the store's default database and table.
   *
   * @return the default options
   */
  public static WatchOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A new builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The database to watch.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table to watch.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * The prefix of the keys (within the table) to watch.
   *
   * @return the prefix, empty for every key
   */
  public String prefix() {
    return prefix;
  }

  /**
   * Whether the watch starts with the current records.
   *
   * @return true to deliver the current records first
   */
  public boolean includeInitial() {
    return includeInitial;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WatchOptions)) {
      return false;
    }
    WatchOptions w = (WatchOptions) o;
    return includeInitial == w.includeInitial
        && prefix.equals(w.prefix)
        && Objects.equals(database, w.database)
        && Objects.equals(table, w.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, prefix, includeInitial);
  }

  @Override
  public String toString() {
    return "WatchOptions{database="
        + database
        + ", table="
        + table
        + ", prefix="
        + prefix
        + ", includeInitial="
        + includeInitial
        + "}";
  }

  /** Builds {@link WatchOptions}. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private String prefix = "";
    private boolean includeInitial;

    private Builder() {}

    /**
     * Watches a database.
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * Watches a table.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Watches only keys (within the table) with this prefix.
     *
     * @param prefix the prefix; empty for every key
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Delivers the current records first, as {@code PUT} events, then {@link
     * WatchListener#onInitialDataDone()}, then live changes.
     *
     * @return this builder
     */
    public Builder includeInitial() {
      this.includeInitial = true;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new immutable options
     */
    public WatchOptions build() {
      return new WatchOptions(this);
    }
  }
}
