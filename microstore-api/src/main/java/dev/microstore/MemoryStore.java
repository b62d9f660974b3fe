package dev.microstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/** The in-memory store; see {@link MemoryStoreBuilder}. */
final class MemoryStore implements Store {
  private final String defaultDatabase;
  private final @Nullable String defaultTable;
  private final Clock clock;
  private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();
  private volatile boolean closed;

  MemoryStore(String defaultDatabase, @Nullable String defaultTable, Clock clock) {
    this.defaultDatabase = defaultDatabase;
    this.defaultTable = defaultTable;
    this.clock = clock;
  }

  /** A stored value: the record as written (key = stored key), its revision and expiry. */
  private static final class Entry {
    final Record record;
    final long revision;
    final @Nullable Instant expiresAt;

    Entry(Record record, long revision, @Nullable Instant expiresAt) {
      this.record = record;
      this.revision = revision;
      this.expiresAt = expiresAt;
    }

    boolean liveAt(Instant now) {
      return expiresAt == null || expiresAt.isAfter(now);
    }
  }

  /** Due expiries, ordered by instant; removed lazily by later operations. */
  private static final class Expiry implements Comparable<Expiry> {
    final Instant at;
    final String storedKey;
    final long revision;

    Expiry(Instant at, String storedKey, long revision) {
      this.at = at;
      this.storedKey = storedKey;
      this.revision = revision;
    }

    @Override
    public int compareTo(Expiry o) {
      return at.compareTo(o.at);
    }
  }

  private static final class Database {
    final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    final ReentrantLock lock = new ReentrantLock();
    final PriorityQueue<Expiry> expiries = new PriorityQueue<>();
    long revision;
    boolean dropped;

    /** Removes records whose expiry has passed. Caller holds the lock. */
    void sweep(Instant now) {
      Expiry due;
      while ((due = expiries.peek()) != null && !due.at.isAfter(now)) {
        expiries.poll();
        Entry e = entries.get(due.storedKey);
        if (e != null && e.revision == due.revision) {
          entries.remove(due.storedKey, e);
        }
      }
    }

    void trySweep(Instant now) {
      Expiry due = null;
      if (lock.tryLock()) {
        try {
          due = expiries.peek();
          if (due != null && !due.at.isAfter(now)) {
            sweep(now);
          }
        } finally {
          lock.unlock();
        }
      }
    }
  }

  @Override
  public List<Record> read(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String scope = scope(options.table().orElse(defaultTable));
    if (options.exact()) {
      requireKey(key);
    }
    Database db = databases.get(dbName);
    Instant now = clock.instant();
    if (options.exact()) {
      Entry e = db == null ? null : db.entries.get(scope + key);
      if (e == null || !e.liveAt(now)) {
        throw new NotFoundException(key, dbName);
      }
      return List.of(toRecord(key, e, now));
    }
    if (db == null) {
      return List.of();
    }
    db.trySweep(now);
    String start = scope + (options.prefix() ? key : "");
    List<Record> out = new ArrayList<>();
    int skip = options.offset();
    int limit = options.limit();
    for (Map.Entry<String, Entry> me : db.entries.tailMap(start, true).entrySet()) {
      String storedKey = me.getKey();
      if (!storedKey.startsWith(start)) {
        break;
      }
      String relative = storedKey.substring(scope.length());
      Entry e = me.getValue();
      if ((options.suffix() && !relative.endsWith(key)) || !e.liveAt(now)) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.add(toRecord(relative, e, now));
      if (limit > 0 && out.size() == limit) {
        break;
      }
    }
    return out;
  }

  @Override
  public long write(Record record, WriteOptions options) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String storedKey = scope(options.table().orElse(defaultTable)) + record.key();
    Instant now = clock.instant();
    Duration ttl = options.effectiveTtl(record, now);
    Instant expiresAt = ttl.isZero() ? null : now.plus(ttl);
    Record stored = record.toBuilder().key(storedKey).expiry(Duration.ZERO).revision(0).build();
    while (true) {
      Database db = databases.computeIfAbsent(dbName, n -> new Database());
      db.lock.lock();
      try {
        if (db.dropped) {
          continue;
        }
        db.sweep(now);
        Entry current = live(db.entries.get(storedKey), now);
        if (options.ifAbsent() && current != null) {
          throw conflict(record.key(), current, "to be absent");
        }
        if (options.ifRevision().isPresent()
            && (current == null || current.revision != options.ifRevision().getAsLong())) {
          throw conflict(
              record.key(), current, "to have revision " + options.ifRevision().getAsLong());
        }
        long revision = ++db.revision;
        db.entries.put(storedKey, new Entry(stored, revision, expiresAt));
        if (expiresAt != null) {
          db.expiries.add(new Expiry(expiresAt, storedKey, revision));
        }
        return revision;
      } finally {
        db.lock.unlock();
      }
    }
  }

  @Override
  public void delete(String key, DeleteOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    requireKey(key);
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String storedKey = scope(options.table().orElse(defaultTable)) + key;
    Database db = databases.get(dbName);
    Instant now = clock.instant();
    if (db == null) {
      if (options.ifRevision().isPresent()) {
        throw conflict(key, null, "to have revision " + options.ifRevision().getAsLong());
      }
      return;
    }
    db.lock.lock();
    try {
      db.sweep(now);
      Entry current = live(db.entries.get(storedKey), now);
      if (options.ifRevision().isPresent()
          && (current == null || current.revision != options.ifRevision().getAsLong())) {
        throw conflict(key, current, "to have revision " + options.ifRevision().getAsLong());
      }
      if (current != null) {
        db.revision++;
      }
      db.entries.remove(storedKey);
    } finally {
      db.lock.unlock();
    }
  }

  @Override
  public List<String> list(ListOptions options) {
    Objects.requireNonNull(options, "options");
    checkOpen();
    Database db = databases.get(options.database().orElse(defaultDatabase));
    if (db == null) {
      return List.of();
    }
    Instant now = clock.instant();
    db.trySweep(now);
    String scope = scope(options.table().orElse(defaultTable));
    String start = scope + options.prefix();
    List<String> out = new ArrayList<>();
    int skip = options.offset();
    int limit = options.limit();
    for (Map.Entry<String, Entry> me : db.entries.tailMap(start, true).entrySet()) {
      String storedKey = me.getKey();
      if (!storedKey.startsWith(start)) {
        break;
      }
      String relative = storedKey.substring(scope.length());
      if (!relative.endsWith(options.suffix()) || !me.getValue().liveAt(now)) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.add(relative);
      if (limit > 0 && out.size() == limit) {
        break;
      }
    }
    return out;
  }

  @Override
  public List<String> databases() {
    checkOpen();
    List<String> names = new ArrayList<>(databases.keySet());
    names.sort(null);
    return names;
  }

  @Override
  public boolean deleteDatabase(String database) {
    Objects.requireNonNull(database, "database");
    if (database.isEmpty()) {
      throw new IllegalArgumentException("database \"\" is invalid: name the database to delete");
    }
    checkOpen();
    Database db = databases.remove(database);
    if (db == null) {
      return false;
    }
    db.lock.lock();
    try {
      db.dropped = true;
    } finally {
      db.lock.unlock();
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    databases.clear();
  }

  @Override
  public String toString() {
    return "memory:?database="
        + defaultDatabase
        + (defaultTable == null ? "" : "&table=" + defaultTable);
  }

  private Record toRecord(String key, Entry e, Instant now) {
    Duration left = e.expiresAt == null ? Duration.ZERO : Duration.between(now, e.expiresAt);
    return e.record.toBuilder().key(key).expiry(left).revision(e.revision).build();
  }

  private static @Nullable Entry live(@Nullable Entry e, Instant now) {
    return e != null && e.liveAt(now) ? e : null;
  }

  private static ConflictException conflict(String key, @Nullable Entry current, String wanted) {
    long rev = current == null ? 0 : current.revision;
    return new ConflictException(
        key,
        rev,
        "key \""
            + key
            + "\" was expected "
            + wanted
            + " but "
            + (current == null ? "is absent" : "has revision " + rev),
        0);
  }

  private static String scope(@Nullable String table) {
    return table == null ? "" : table + "_";
  }

  private static void requireKey(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store " + this + " is closed");
    }
  }
}
