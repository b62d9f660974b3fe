package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#watch(WatchOptions, WatchListener)}: which database, table and key prefix
 * to watch, where to start (now, with the current records, or from a revision), and how many events
 * a watch may hold for a slow listener. Immutable.
 */
public final class WatchOptions {
  /** The default {@link #bufferSize()}. */
  public static final int DEFAULT_BUFFER_SIZE = 1024;

  /** The largest {@link #bufferSize()}. */
  public static final int MAX_BUFFER_SIZE = 1 << 20;

  private static final WatchOptions DEFAULTS = builder().build();

  private final @Nullable String database;
  private final @Nullable String table;
  private final String prefix;
  private final boolean includeInitial;
  private final long fromRevision;
  private final int bufferSize;

  private WatchOptions(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.prefix = b.prefix;
    this.includeInitial = b.includeInitial;
    this.fromRevision = b.fromRevision;
    this.bufferSize = b.bufferSize;
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

  /**
   * The revision the watch starts from: every change with this revision or a later one is
   * delivered, then live changes.
   *
   * @return the start revision, or empty to start with the next change (or the current records)
   */
  public OptionalLong fromRevision() {
    return fromRevision == 0 ? OptionalLong.empty() : OptionalLong.of(fromRevision);
  }

  /**
   * How many events the watch holds for its listener at most. When the listener falls that far
   * behind, the store stops taking changes from the backend until the listener catches up, and then
   * continues after the last event it holds: memory stays bounded and nothing is skipped.
   *
   * @return the buffer size, {@value #DEFAULT_BUFFER_SIZE} unless set
   */
  public int bufferSize() {
    return bufferSize;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WatchOptions)) {
      return false;
    }
    WatchOptions w = (WatchOptions) o;
    return includeInitial == w.includeInitial
        && fromRevision == w.fromRevision
        && bufferSize == w.bufferSize
        && prefix.equals(w.prefix)
        && Objects.equals(database, w.database)
        && Objects.equals(table, w.table);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, prefix, includeInitial, fromRevision, bufferSize);
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
        + ", fromRevision="
        + fromRevision
        + ", bufferSize="
        + bufferSize
        + "}";
  }

  /** Builds {@link WatchOptions}. Not thread-safe; reusable. */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private String prefix = "";
    private boolean includeInitial;
    private long fromRevision;
    private int bufferSize = DEFAULT_BUFFER_SIZE;

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
     * Starts the watch at a revision: every change of the watched keys with this revision or a
     * later one is delivered, in revision order, then live changes. A service that stores the
     * revision of the last event it processed resumes with that revision + 1 after a restart,
     * without loss or repeats. When the database no longer holds a revision the watch would have to
     * deliver, the listener gets a {@link WatchGapException}.
     *
     * @param revision the first revision to deliver, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the revision is below 1
     */
    public Builder fromRevision(long revision) {
      if (revision < 1) {
        throw new IllegalArgumentException(
            "fromRevision " + revision + " is invalid: revisions start at 1");
      }
      this.fromRevision = revision;
      return this;
    }

    /**
     * How many events the watch holds for a slow listener at most (see {@link
     * WatchOptions#bufferSize()}).
     *
     * @param size between 1 and {@value WatchOptions#MAX_BUFFER_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if the size is out of range
     */
    public Builder bufferSize(int size) {
      if (size < 1 || size > MAX_BUFFER_SIZE) {
        throw new IllegalArgumentException(
            "bufferSize " + size + " is invalid: must be between 1 and " + MAX_BUFFER_SIZE);
      }
      this.bufferSize = size;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new immutable options
     * @throws IllegalArgumentException if both {@link #includeInitial()} and {@link
     *     #fromRevision(long)} are set: a watch starts either with the current records or at a
     *     revision
     */
    public WatchOptions build() {
      if (includeInitial && fromRevision != 0) {
        throw new IllegalArgumentException(
            "includeInitial and fromRevision "
                + fromRevision
                + " cannot be combined: a watch starts either with the current records or at a"
                + " revision");
      }
      return new WatchOptions(this);
    }
  }
}
