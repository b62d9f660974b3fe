package dev.microstore.nats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revisions this store wrote, per database and stored key, so that an exact read can tell when
 * the replica that answered a direct get had not applied the store's own write yet.
 *
 * <p>Each database remembers its {@value #PER_DATABASE} most recently written or read keys. When an
 * older key is dropped, its revision raises the database's horizon: a key this store no longer
 * remembers is expected at the horizon at least, so forgetting only ever makes reads more careful,
 * never stale.
 *
 * <p>Thread-safe.
 */
final class WrittenRevisions {
  static final int PER_DATABASE = 10_000;

  private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();

  /** One database's recent writes. */
  private static final class Database {
    private long horizon;
    // access order: a write (or a read) of a key makes it the most recent, in one operation
    private final LinkedHashMap<String, Long> recent =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            if (size() > PER_DATABASE) {
              horizon = Math.max(horizon, eldest.getValue());
              return true;
            }
            return false;
          }
        };

    synchronized void wrote(String storedKey, long revision) {
      recent.merge(storedKey, revision, Math::max);
    }

    synchronized long expected(String storedKey) {
      Long r = recent.get(storedKey);
      return r == null ? horizon : r;
    }
  }

  /** Notes that the server acknowledged a write (or delete marker) of the key at this revision. */
  void wrote(String db, String storedKey, long revision) {
    databases.computeIfAbsent(db, d -> new Database()).wrote(storedKey, revision);
  }

  /**
   * The lowest revision a read of the key must see to include this store's writes; 0 when the store
   * never wrote it.
   */
  long expected(String db, String storedKey) {
    Database d = databases.get(db);
    return d == null ? 0 : d.expected(storedKey);
  }

  /** Forgets a database (deleted: its revisions start again when it is created anew). */
  void forget(String db) {
    databases.remove(db);
  }
}
