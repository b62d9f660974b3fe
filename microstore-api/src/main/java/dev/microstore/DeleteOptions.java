package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#delete(String, DeleteOptions)}: Go-Micro's {@code DeleteFrom}, plus a
 * revision condition. Immutable. To delete a whole database use {@link
 * Store#deleteDatabase(String)}.
 */
public final class DeleteOptions {
  private static final DeleteOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final long ifRevision;

  private DeleteOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.ifRevision = b.ifRevision;
  }

  /**
   * Options that delete unconditionally from the store's default database and table.
   *
   * @return the default options
   */
  public static DeleteOptions defaults() {
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
   * The database to delete from.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table to delete from.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * The revision the record must have for the delete to happen.
   *
   * @return the expected revision, or empty for no condition
   */
  public OptionalLong ifRevision() {
    return ifRevision == 0 ? OptionalLong.empty() : OptionalLong.of(ifRevision);
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
    b.ifRevision = ifRevision;
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof DeleteOptions)) {
      return false;
    }
    DeleteOptions d = (DeleteOptions) o;
    return ifRevision == d.ifRevision
        && Objects.equals(database, d.database)
        && Objects.equals(table, d.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, ifRevision);
  }

  @Override
  public String toString() {
    return "DeleteOptions{database="
        + database
        + ", table="
        + table
        + ", ifRevision="
        + ifRevision
        + "}";
  }

  /** Builds {@link DeleteOptions}; setters validate at once. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private long ifRevision;

    private Builder() {}

    /**
     * Deletes from a database.
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * Deletes from a table.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Deletes from a database and table, like Go's {@code DeleteFrom(database, table)}.
     *
     * @param database the database; empty for the store's default
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder from(String database, String table) {
      return database(database).table(table);
    }

    /**
     * Deletes only if the record's current revision is {@code revision}; otherwise the delete
     * throws {@link ConflictException}.
     *
     * @param revision the expected revision, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the revision is not positive
     */
    public Builder ifRevision(long revision) {
      this.ifRevision = Checks.positiveRevision(revision);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new immutable options
     */
    public DeleteOptions build() {
      return new DeleteOptions(this);
    }
  }
}
