package dev.microstore.nats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's running watches, so that the deletion of their bucket (announced by the server, or
 * done by this store) and the store's close end them.
 *
 * <p>Thread-safe.
 */
final class WatchRegistry {
  private final Set<NatsWatch> running = ConcurrentHashMap.newKeySet();

  void add(NatsWatch w) {
    running.add(w);
  }

  void remove(NatsWatch w) {
    running.remove(w);
  }

  /** The number of watches not yet closed. */
  int size() {
    return running.size();
  }

  /** Ends the watches of a bucket that was deleted. */
  void bucketDeleted(String db) {
    for (NatsWatch w : running) {
      if (w.database().equals(db)) {
        w.bucketDeleted();
      }
    }
  }

  void closeAll() {
    for (NatsWatch w : running) {
      w.close();
    }
  }
}
