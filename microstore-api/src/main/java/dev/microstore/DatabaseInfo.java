package dev.microstore;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a store knows about one database: size and configuration. Immutable. */
public final class DatabaseInfo {
  private final String name;
  private final long records;
  private final long bytes;
  private final Duration ttl;
  private final int history;
  private final String storage;
  private final int replicas;
  private final long lastRevision;

  /**
   * Creates the info without a last revision ({@link #lastRevision()} 0).
   *
   * @param name the database name
   * @param records the number of stored entries (for NATS: messages, delete markers and kept
   *     history included)
   * @param bytes the bytes stored
   * @param ttl the database-wide time to live, zero for none
   * @param history how many revisions per key are kept
   * @param storage where data lives: {@code file} or {@code memory}
   * @param replicas the number of replicas
   */
  public DatabaseInfo(
      String name,
      long records,
      long bytes,
      Duration ttl,
      int history,
      String storage,
      int replicas) {
    this(name, records, bytes, ttl, history, storage, replicas, 0);
  }

  /**
   * Creates the info; stores create it, users read it.
   *
   * @param name the database name
   * @param records the number of stored entries (for NATS: messages, delete markers and kept
   *     history included)
   * @param bytes the bytes stored
   * @param ttl the database-wide time to live, zero for none
   * @param history how many revisions per key are kept
   * @param storage where data lives: {@code file} or {@code memory}
   * @param replicas the number of replicas
   * @param lastRevision the revision of the database's latest change, 0 for none
   * @throws IllegalArgumentException if {@code lastRevision} is negative
   */
  public DatabaseInfo(
      String name,
      long records,
      long bytes,
      Duration ttl,
      int history,
      String storage,
      int replicas,
      long lastRevision) {
    this.name = Objects.requireNonNull(name, "name");
    this.records = records;
    this.bytes = bytes;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.history = history;
    this.storage = Objects.requireNonNull(storage, "storage");
    this.replicas = replicas;
    if (lastRevision < 0) {
      throw new IllegalArgumentException(
          "lastRevision " + lastRevision + " is invalid: a revision is zero or more");
    }
    this.lastRevision = lastRevision;
  }

  /**
   * The database name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The number of stored entries.
   *
   * @return the count
   */
  public long records() {
    return records;
  }

  /**
   * The bytes stored.
   *
   * @return the size in bytes
   */
  public long bytes() {
    return bytes;
  }

  /**
   * The database-wide time to live.
   *
   * @return the TTL, zero for none
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * How many revisions per key are kept.
   *
   * @return the history depth
   */
  public int history() {
    return history;
  }

  /**
   * Where data lives.
   *
   * @return {@code file} or {@code memory}
   */
  public String storage() {
    return storage;
  }

  /**
   * The number of replicas.
   *
   * @return the replicas
   */
  public int replicas() {
    return replicas;
  }

  /**
   * The revision of the database's latest change (a write, a delete, an expiry marker): a watch
   * {@linkplain WatchOptions.Builder#fromRevision(long) from} the revision after it sees every
   * change made since this info was read.
   *
   * @return the revision, 0 when the database has had no change or the store does not tell
   */
  public long lastRevision() {
    return lastRevision;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof DatabaseInfo)) {
      return false;
    }
    DatabaseInfo d = (DatabaseInfo) o;
    return records == d.records
        && bytes == d.bytes
        && history == d.history
        && replicas == d.replicas
        && lastRevision == d.lastRevision
        && name.equals(d.name)
        && ttl.equals(d.ttl)
        && storage.equals(d.storage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, records, bytes, ttl, history, storage, replicas, lastRevision);
  }

  @Override
  public String toString() {
    return "DatabaseInfo{name="
        + name
        + ", records="
        + records
        + ", bytes="
        + bytes
        + ", ttl="
        + ttl
        + ", history="
        + history
        + ", storage="
        + storage
        + ", replicas="
        + replicas
        + ", lastRevision="
        + lastRevision
        + "}";
  }
}
