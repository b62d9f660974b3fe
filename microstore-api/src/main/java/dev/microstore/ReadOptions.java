package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#read(String, ReadOptions)}: Go-Micro's {@code ReadFrom}, {@code
 * ReadPrefix}, {@code ReadSuffix}, {@code ReadLimit} and {@code ReadOffset}. Immutable.
 *
 * <p>Without prefix or suffix a read is exact: it returns one record or throws {@link
 * NotFoundException}. With {@link Builder#prefix()} and/or {@link Builder#suffix()} the key is
 * matched as a prefix and/or suffix of the keys of the table, and the matching records are returned
 * sorted by key, after skipping {@code offset} and keeping at most {@code limit} (0 = no limit).
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final boolean prefix;
  private final boolean suffix;
  private final int limit;
  private final int offset;

  private ReadOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.prefix = b.prefix;
    this.suffix = b.suffix;
    this.limit = b.limit;
    this.offset = b.offset;
  }

  /**
   * Options that read one exact key from the store's default database and table.
   *
   * @return the default options
   */
  public static ReadOptions defaults() {
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
   * The database to read from.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table to read from.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * Whether the key is matched as a prefix.
   *
   * @return true for a prefix read
   */
  public boolean prefix() {
    return prefix;
  }

  /**
   * Whether the key is matched as a suffix.
   *
   * @return true for a suffix read
   */
  public boolean suffix() {
    return suffix;
  }

  /**
   * Whether this is an exact read (neither prefix nor suffix).
   *
   * @return true for an exact read
   */
  public boolean exact() {
    return !prefix && !suffix;
  }

  /**
   * The most records returned by a prefix or suffix read.
   *
   * @return the limit, 0 for none
   */
  public int limit() {
    return limit;
  }

  /**
   * How many matching records a prefix or suffix read skips.
   *
   * @return the offset
   */
  public int offset() {
    return offset;
  }

  /**
   * A builder holding these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.database = database;
    b.table = table;
    b.prefix = prefix;
    b.suffix = suffix;
    b.limit = limit;
    b.offset = offset;
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof ReadOptions)) {
      return false;
    }
    ReadOptions r = (ReadOptions) o;
    return prefix == r.prefix
        && suffix == r.suffix
        && limit == r.limit
        && offset == r.offset
        && Objects.equals(database, r.database)
        && Objects.equals(table, r.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, prefix, suffix, limit, offset);
  }

  @Override
  public String toString() {
    return "ReadOptions{database="
        + database
        + ", table="
        + table
        + ", prefix="
        + prefix
        + ", suffix="
        + suffix
        + ", limit="
        + limit
        + ", offset="
        + offset
        + "}";
  }

  /** Builds {@link ReadOptions}; setters validate at once. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private boolean prefix;
    private boolean suffix;
    private int limit;
    private int offset;

    private Builder() {}

    /**
     * Reads from a database (Go: {@code ReadFrom(database, ...)}).
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * Reads from a table, the key prefix {@code <table>_}.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Reads from a database and table, like Go's {@code ReadFrom(database, table)}.
     *
     * @param database the database; empty for the store's default
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder from(String database, String table) {
      return database(database).table(table);
    }

    /**
     * Matches the key as a prefix (Go: {@code ReadPrefix()}).
     *
     * @return this builder
     */
    public Builder prefix() {
      this.prefix = true;
      return this;
    }

    /**
     * Matches the key as a suffix (Go: {@code ReadSuffix()}).
     *
     * @return this builder
     */
    public Builder suffix() {
      this.suffix = true;
      return this;
    }

    /**
     * Returns at most this many records (Go: {@code ReadLimit(n)}).
     *
     * @param limit the limit; 0 for none
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder limit(int limit) {
      this.limit = Checks.notNegative(limit, "limit");
      return this;
    }

    /**
     * Skips this many matching records (Go: {@code ReadOffset(n)}).
     *
     * @param offset the offset
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder offset(int offset) {
      this.offset = Checks.notNegative(offset, "offset");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new immutable options
     */
    public ReadOptions build() {
      return new ReadOptions(this);
    }
  }
}
