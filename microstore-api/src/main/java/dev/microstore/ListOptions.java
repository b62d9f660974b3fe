package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#list(ListOptions)}: Go-Micro's {@code ListFrom}, {@code ListPrefix},
 * {@code ListSuffix}, {@code ListLimit} and {@code ListOffset}. Immutable.
 *
 * <p>With a table, keys are listed without the table prefix; without one, every key of the database
 * is listed as stored (table-prefixed keys included). Prefix and suffix filter the listed keys;
 * results are sorted, then {@code offset} keys are skipped and at most {@code limit} kept (0 = no
 * limit).
 */
public final class ListOptions {
  private static final ListOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final String prefix;
  private final String suffix;
  private final int limit;
  private final int offset;

  private ListOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.prefix = b.prefix;
    this.suffix = b.suffix;
    this.limit = b.limit;
    this.offset = b.offset;
  }

  /**
   * Options that list every key of the store's default database and table.
   *
   * @return the default options
   */
  public static ListOptions defaults() {
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
   * The database to list.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table to list.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * The prefix listed keys must have.
   *
   * @return the prefix, empty for any
   */
  public String prefix() {
    return prefix;
  }

  /**
   * The suffix listed keys must have.
   *
   * @return the suffix, empty for any
   */
  public String suffix() {
    return suffix;
  }

  /**
   * The most keys returned.
   *
   * @return the limit, 0 for none
   */
  public int limit() {
    return limit;
  }

  /**
   * How many matching keys are skipped.
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
    if (!(o instanceof ListOptions)) {
      return false;
    }
    ListOptions l = (ListOptions) o;
    return limit == l.limit
        && offset == l.offset
        && prefix.equals(l.prefix)
        && suffix.equals(l.suffix)
        && Objects.equals(database, l.database)
        && Objects.equals(table, l.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, prefix, suffix, limit, offset);
  }

  @Override
  public String toString() {
    return "ListOptions{database="
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

  /** Builds {@link ListOptions}; setters validate at once. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private String prefix = "";
    private String suffix = "";
    private int limit;
    private int offset;

    private Builder() {}

    /**
     * Lists a database.
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * Lists a table.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Lists a database and table, like Go's {@code ListFrom(database, table)}.
     *
     * @param database the database; empty for the store's default
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder from(String database, String table) {
      return database(database).table(table);
    }

    /**
     * Keeps keys starting with a prefix (Go: {@code ListPrefix(p)}).
     *
     * @param prefix the prefix; empty for any
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Keeps keys ending with a suffix (Go: {@code ListSuffix(s)}).
     *
     * @param suffix the suffix; empty for any
     * @return this builder
     */
    public Builder suffix(String suffix) {
      this.suffix = Objects.requireNonNull(suffix, "suffix");
      return this;
    }

    /**
     * Returns at most this many keys (Go: {@code ListLimit(n)}).
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
     * Skips this many matching keys (Go: {@code ListOffset(n)}).
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
    public ListOptions build() {
      return new ListOptions(this);
    }
  }
}
