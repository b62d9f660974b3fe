package dev.microstore;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One change of a record, delivered to a {@link WatchListener}. Immutable.
 *
 * <p>Events of one watch arrive in revision order. A {@link Op#PUT} carries the record as written;
 * {@link Op#DELETE} and {@link Op#EXPIRE} carry only the key and the revision of the change.
 */
public final class ChangeEvent {
  /** What happened to the record. */
  public enum Op {
    /** The record was written (or, during the initial data, exists). */
    PUT,
    /** The record was deleted. */
    DELETE,
    /** The record's time to live ran out, where the store reports it. */
    EXPIRE
  }

  private final Op op;
  private final String database;
  private final String key;
  private final long revision;
  private final @Nullable Record record;

  /**
   * Creates an event; stores create events, users receive them.
   *
   * @param op what happened
   * @param database the database of the record
   * @param key the key, without the table prefix of the watch
   * @param revision the revision of the change
   * @param record the record for a {@code PUT}, else null
   */
  public ChangeEvent(Op op, String database, String key, long revision, @Nullable Record record) {
    this.op = Objects.requireNonNull(op, "op");
    this.database = Objects.requireNonNull(database, "database");
    this.key = Objects.requireNonNull(key, "key");
    this.revision = revision;
    this.record = record;
  }

  /**
   * What happened.
   *
   * @return the operation
   */
  public Op op() {
    return op;
  }

  /**
   * The database of the record.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }

  /**
   * The key, without the table prefix of the watch.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * The revision of this change.
   *
   * @return the revision
   */
  public long revision() {
    return revision;
  }

  /**
   * The record as written, for a {@link Op#PUT}.
   *
   * @return the record, or empty for deletes and expiries
   */
  public Optional<Record> record() {
    return Optional.ofNullable(record);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof ChangeEvent)) {
      return false;
    }
    ChangeEvent e = (ChangeEvent) o;
    return op == e.op
        && revision == e.revision
        && database.equals(e.database)
        && key.equals(e.key)
        && Objects.equals(record, e.record);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, database, key, revision, record);
  }

  @Override
  public String toString() {
    return op + " " + database + "/" + key + "@" + revision;
  }
}
