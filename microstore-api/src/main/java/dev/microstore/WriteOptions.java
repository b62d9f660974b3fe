package dev.microstore;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#write(Record, WriteOptions)}: Go-Micro's {@code WriteTo}, {@code
 * WriteTTL} and {@code WriteExpiry}, plus conditions ({@link Builder#ifAbsent()}, {@link
 * Builder#ifRevision(long)}) that turn a write into a compare-and-set. Immutable.
 *
 * <p>The record's lifetime is, in this order of precedence: the TTL of these options, the expiry
 * instant of these options, the record's own {@link Record#expiry()}. A store that does not support
 * per-record expiry rejects a write that asks for one.
 */
public final class WriteOptions {
  private static final WriteOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final @Nullable Duration ttl;
  private final @Nullable Instant expiry;
  private final boolean ifAbsent;
  private final long ifRevision;

  private WriteOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.ttl = b.ttl;
    this.expiry = b.expiry;
    this.ifAbsent = b.ifAbsent;
    this.ifRevision = b.ifRevision;
  }

  /**
   * Options that write unconditionally into the store's default database and table.
   *
   * @return the default options
   */
  public static WriteOptions defaults() {
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
   * The database to write to.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table to write to.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * The time to live of the written record; wins over {@link #expiry()}.
   *
   * @return the TTL, or empty when not set
   */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /**
   * The instant the written record expires.
   *
   * @return the instant, or empty when not set
   */
  public Optional<Instant> expiry() {
    return Optional.ofNullable(expiry);
  }

  /**
   * Whether the write only succeeds when the key has no live record.
   *
   * @return true for a create-only write
   */
  public boolean ifAbsent() {
    return ifAbsent;
  }

  /**
   * The revision the record must have for the write to succeed.
   *
   * @return the expected revision, or empty for no condition
   */
  public OptionalLong ifRevision() {
    return ifRevision == 0 ? OptionalLong.empty() : OptionalLong.of(ifRevision);
  }

  /**
   * The time to live a record written with these options gets, applying the precedence rule: the
   * TTL option, then the expiry option (measured from {@code now}), then the record's own expiry.
   *
   * @param record the record being written
   * @param now the current time
   * @return the time to live, {@link Duration#ZERO} for none
   * @throws IllegalArgumentException if the expiry option is not after {@code now}
   */
  public Duration effectiveTtl(Record record, Instant now) {
    if (ttl != null) {
      return ttl;
    }
    if (expiry != null) {
      Duration left = Duration.between(now, expiry);
      if (left.isNegative() || left.isZero()) {
        throw new IllegalArgumentException(
            "expiry " + expiry + " is invalid: it must be in the future (now is " + now + ")");
      }
      return left;
    }
    return record.expiry();
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
    b.ttl = ttl;
    b.expiry = expiry;
    b.ifAbsent = ifAbsent;
    b.ifRevision = ifRevision;
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WriteOptions)) {
      return false;
    }
    WriteOptions w = (WriteOptions) o;
    return ifAbsent == w.ifAbsent
        && ifRevision == w.ifRevision
        && Objects.equals(database, w.database)
        && Objects.equals(table, w.table)
        && Objects.equals(ttl, w.ttl)
        && Objects.equals(expiry, w.expiry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, ttl, expiry, ifAbsent, ifRevision);
  }

  @Override
  public String toString() {
    return "WriteOptions{database="
        + database
        + ", table="
        + table
        + ", ttl="
        + ttl
        + ", expiry="
        + expiry
        + ", ifAbsent="
        + ifAbsent
        + ", ifRevision="
        + ifRevision
        + "}";
  }

  /** Builds {@link WriteOptions}; setters validate at once. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private @Nullable Duration ttl;
    private @Nullable Instant expiry;
    private boolean ifAbsent;
    private long ifRevision;

    private Builder() {}

    /**
     * Writes to a database; a missing database is created.
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * Writes to a table, the key prefix {@code <table>_}.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Writes to a database and table, like Go's {@code WriteTo(database, table)}.
     *
     * @param database the database; empty for the store's default
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder to(String database, String table) {
      return database(database).table(table);
    }

    /**
     * Gives the record a time to live (Go: {@code WriteTTL(d)}); wins over {@link
     * #expiry(Instant)}.
     *
     * @param ttl a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl " + ttl + " is invalid: it must be positive");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Makes the record expire at an instant (Go: {@code WriteExpiry(t)}).
     *
     * @param expiry the instant; must be in the future when the write happens
     * @return this builder
     */
    public Builder expiry(Instant expiry) {
      this.expiry = Objects.requireNonNull(expiry, "expiry");
      return this;
    }

    /**
     * Writes only if the key has no live record (deleted and expired keys count as absent);
     * otherwise the write throws {@link ConflictException}. Clears {@link #ifRevision(long)}.
     *
     * @return this builder
     */
    public Builder ifAbsent() {
      this.ifAbsent = true;
      this.ifRevision = 0;
      return this;
    }

    /**
     * Writes only if the record's current revision is {@code revision}; otherwise the write throws
     * {@link ConflictException}. Clears {@link #ifAbsent()}.
     *
     * @param revision the expected revision, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the revision is not positive
     */
    public Builder ifRevision(long revision) {
      this.ifRevision = Checks.positiveRevision(revision);
      this.ifAbsent = false;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new immutable options
     */
    public WriteOptions build() {
      return new WriteOptions(this);
    }
  }
}
