package dev.microstore.tck.workload;

import dev.microstore.ChangeEvent;
import dev.microstore.DatabaseInfo;
import dev.microstore.Record;
import dev.microstore.testing.history.History;
import dev.microstore.testing.history.Op;
import dev.microstore.testing.history.Version;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads the store's state after the run, when the faults are over: every key's kept revisions for
 * the history's final versions, and the records the invariants need. Each read is tried a few times
 * before it is given up.
 */
final class FinalState {
  private static final int ATTEMPTS = 3;
  private static final int READ_ALL_CHUNK = 100;

  private final RunContext c;
  private final History history;

  FinalState(RunContext c, History history) {
    this.c = c;
    this.history = history;
  }

  /**
   * Records the kept revisions of every key of the history with {@link History#observeFinal}: a put
   * as its value, a delete or expiry as null.
   *
   * @return the keys whose revisions could not be read, each with the failure
   */
  List<String> observeVersions() {
    TreeSet<String> keys = new TreeSet<>();
    for (Op op : history.operations()) {
      keys.add(op.key());
    }
    List<String> unobserved = new ArrayList<>();
    for (String key : keys) {
      try {
        List<ChangeEvent> events = retried(() -> c.store.history(key, c.read));
        List<Version> versions = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
          versions.add(
              new Version(e.revision(), e.record().map(Record::valueAsString).orElse(null)));
        }
        history.observeFinal(key, versions);
      } catch (RuntimeException e) {
        unobserved.add(key + " (" + PendingOp.describe(e) + ")");
      }
    }
    return unobserved;
  }

  /**
   * How many revisions per key the database keeps, from {@link dev.microstore.Store#info}.
   *
   * @return the history depth, or 0 when the store cannot tell
   */
  int historyDepth() {
    try {
      return retried(() -> c.store.info(c.database)).map(DatabaseInfo::history).orElse(0);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * The live records of the keys, read in chunks with {@link dev.microstore.Store#readAll}.
   *
   * @throws RuntimeException the last failure when a chunk cannot be read
   */
  Map<String, Record> readAll(Collection<String> keys) {
    Map<String, Record> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += READ_ALL_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + READ_ALL_CHUNK));
      out.putAll(retried(() -> c.store.readAll(chunk, c.read)));
    }
    return out;
  }

  private static <T> T retried(Supplier<T> read) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return read.get();
      } catch (RuntimeException e) {
        last = e;
        try {
          TimeUnit.MILLISECONDS.sleep(100L << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw last;
  }
}
