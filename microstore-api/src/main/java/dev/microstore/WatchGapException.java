package dev.microstore;

/**
 * Ends a watch that cannot deliver every change: revisions it has not delivered yet are no longer
 * held by the database. The watch stops after {@link WatchListener#onError(StoreException)} with
 * this exception; every event before it was delivered in order, once.
 *
 * <p>Revisions leave a database when its limits remove them (maximum age, number of messages or
 * bytes), when they are purged, when newer revisions of their key replace them beyond the
 * database's history depth, or when the database is deleted. To go on, start a new watch with
 * {@link WatchOptions.Builder#includeInitial()} (the current records, then live changes), or from a
 * revision the database still holds (the message names the lowest) to accept the loss.
 */
public class WatchGapException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String database;
  private final long firstMissedRevision;

  /**
   * Creates the exception.
   *
   * @param database the watched database
   * @param firstMissedRevision the first revision the watch could not deliver
   * @param message why, naming the database and the revisions
   */
  public WatchGapException(String database, long firstMissedRevision, String message) {
    super(message, null, 0, false);
    this.database = database;
    this.firstMissedRevision = firstMissedRevision;
  }

  /**
   * The watched database.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }

  /**
   * The first revision the watch could not deliver: every event before it was delivered.
   *
   * @return the revision
   */
  public long firstMissedRevision() {
    return firstMissedRevision;
  }
}
