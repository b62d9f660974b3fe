package dev.microstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.jspecify.annotations.Nullable;

/** The in-memory store; see {@link MemoryStoreBuilder}. */
final class MemoryStore implements Store {
  private final String defaultDatabase;
  private final @Nullable String defaultTable;
  private final Clock clock;
  private final int historyDepth;
  private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();
  private final MemoryWatches watches = new MemoryWatches();
  private final Object creation = new Object();
  private volatile @Nullable ScheduledExecutorService expiryTimer;
  private volatile boolean closed;

  MemoryStore(String defaultDatabase, @Nullable String defaultTable, Clock clock, int history) {
    this.defaultDatabase = defaultDatabase;
    this.defaultTable = defaultTable;
    this.clock = clock;
    this.historyDepth = history;
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

  /** A due expiry, ordered by instant. */
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

  /**
   * One database. Writers hold {@link #lock}; readers read {@link #entries} without locking.
   *
   * <p>A batch changes several entries, which a scan must see all or none of: the batch applies its
   * changes holding the write lock of {@link #batchGate}, and scans run as optimistic reads of it,
   * repeated under its read lock when a batch was applied meanwhile. Single writes do not touch the
   * gate, so scans only ever wait for a batch being applied.
   */
  private final class Database {
    final String name;
    final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    final ReentrantLock lock = new ReentrantLock();
    final StampedLock batchGate = new StampedLock();
    final PriorityQueue<Expiry> expiries = new PriorityQueue<>();
    final Map<String, ArrayDeque<ChangeEvent>> history = new HashMap<>();
    long revision;
    boolean dropped;

    Database(String name) {
      this.name = name;
    }

    /** Removes records whose expiry has passed, reporting each. Caller holds the lock. */
    void sweep(Instant now) {
      Expiry due;
      while ((due = expiries.peek()) != null && !due.at.isAfter(now)) {
        expiries.poll();
        Entry e = entries.get(due.storedKey);
        if (e != null && e.revision == due.revision) {
          entries.remove(due.storedKey, e);
          changed(ChangeEvent.Op.EXPIRE, due.storedKey, ++revision, null);
        }
      }
    }

    void trySweep(Instant now) {
      if (lock.tryLock()) {
        try {
          Expiry due = expiries.peek();
          if (due != null && !due.at.isAfter(now)) {
            sweep(now);
          }
        } finally {
          lock.unlock();
        }
      }
    }

    /** Records a change in the key's history and tells the watches. Caller holds the lock. */
    void changed(ChangeEvent.Op op, String storedKey, long rev, @Nullable Record stored) {
      ChangeEvent event = new ChangeEvent(op, name, storedKey, rev, stored);
      ArrayDeque<ChangeEvent> revisions =
          history.computeIfAbsent(storedKey, k -> new ArrayDeque<>());
      revisions.addLast(event);
      while (revisions.size() > historyDepth) {
        revisions.removeFirst();
      }
      for (MemoryWatches.Subscription s : watches.of(name)) {
        String rel = s.relative(storedKey);
        if (rel != null) {
          s.event(relativeEvent(event, rel, null));
        }
      }
    }
  }

  private static ChangeEvent relativeEvent(
      ChangeEvent stored, String relativeKey, @Nullable Duration left) {
    Record r = stored.record().orElse(null);
    if (r != null) {
      Record.Builder b = r.toBuilder().key(relativeKey).revision(stored.revision());
      if (left != null) {
        b.expiry(left);
      }
      r = b.build();
    }
    return new ChangeEvent(stored.op(), stored.database(), relativeKey, stored.revision(), r);
  }

  // ---------------------------------------------------------------- read

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
    return consistently(db, () -> scanRecords(db, key, scope, options, now));
  }

  private List<Record> scanRecords(
      Database db, String key, String scope, ReadOptions options, Instant now) {
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

  /**
   * Runs a scan that must not see part of a batch: optimistically, then again under the read lock
   * of the database's batch gate if a batch was applied while it ran.
   */
  private static <T> T consistently(Database db, java.util.function.Supplier<T> scan) {
    long stamp = db.batchGate.tryOptimisticRead();
    if (stamp != 0) {
      T result = scan.get();
      if (db.batchGate.validate(stamp)) {
        return result;
      }
    }
    stamp = db.batchGate.readLock();
    try {
      return scan.get();
    } finally {
      db.batchGate.unlockRead(stamp);
    }
  }

  // ---------------------------------------------------------------- write

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
      Database db = databases.computeIfAbsent(dbName, this::newDatabase);
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
          scheduleSweep(db, ttl);
        }
        db.changed(ChangeEvent.Op.PUT, storedKey, revision, stored);
        return revision;
      } finally {
        db.lock.unlock();
      }
    }
  }

  private Database newDatabase(String name) {
    synchronized (creation) {
      return new Database(name);
    }
  }

  private void scheduleSweep(Database db, Duration ttl) {
    ScheduledExecutorService timer = expiryTimer;
    if (timer == null) {
      synchronized (creation) {
        timer = expiryTimer;
        if (timer == null) {
          ScheduledThreadPoolExecutor t =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread th = new Thread(r, "microstore-memory-expiry");
                    th.setDaemon(true);
                    return th;
                  });
          t.setRemoveOnCancelPolicy(true);
          expiryTimer = t;
          timer = t;
        }
      }
    }
    if (closed) {
      return;
    }
    try {
      timer.schedule(
          () -> {
            db.lock.lock();
            try {
              if (!db.dropped) {
                db.sweep(clock.instant());
              }
            } finally {
              db.lock.unlock();
            }
          },
          ttl.toNanos() + 1_000_000,
          TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the store is closing
    }
  }

  // ---------------------------------------------------------------- delete

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
        db.entries.remove(storedKey);
        db.changed(ChangeEvent.Op.DELETE, storedKey, ++db.revision, null);
      }
    } finally {
      db.lock.unlock();
    }
  }

  // ---------------------------------------------------------------- batch

  @Override
  public BatchResult commit(Batch batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    String dbName = batch.database().orElse(defaultDatabase);
    String scope = scope(batch.table().orElse(defaultTable));
    Instant now = clock.instant();
    List<Batch.Operation> ops = batch.operations();
    List<@Nullable Record> stored = new ArrayList<>(ops.size());
    for (Batch.Operation op : ops) {
      Record r = op.record().orElse(null);
      stored.add(
          r == null
              ? null
              : r.toBuilder().key(scope + op.key()).expiry(Duration.ZERO).revision(0).build());
    }
    while (true) {
      Database db = databases.computeIfAbsent(dbName, this::newDatabase);
      db.lock.lock();
      try {
        if (db.dropped) {
          continue;
        }
        db.sweep(now);
        for (Batch.Operation op : ops) {
          Batch.Condition c = op.condition();
          Entry current = live(db.entries.get(scope + op.key()), now);
          if (c.isIfAbsent() && current != null) {
            throw batchConflict(op.key(), current, "to be absent");
          }
          if (c.revision().isPresent()
              && (current == null || current.revision != c.revision().getAsLong())) {
            throw batchConflict(op.key(), current, "to have revision " + c.revision().getAsLong());
          }
        }
        long first = db.revision + 1;
        long stamp = db.batchGate.writeLock();
        try {
          for (int i = 0; i < ops.size(); i++) {
            String storedKey = scope + ops.get(i).key();
            Record r = stored.get(i);
            long revision = first + i;
            if (r == null) {
              db.entries.remove(storedKey);
            } else {
              Duration ttl = ops.get(i).record().orElseThrow().expiry();
              db.entries.put(
                  storedKey, new Entry(r, revision, ttl.isZero() ? null : now.plus(ttl)));
            }
          }
          db.revision = first + ops.size() - 1;
        } finally {
          db.batchGate.unlockWrite(stamp);
        }
        Map<String, Long> revisions = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
          String storedKey = scope + ops.get(i).key();
          Record r = stored.get(i);
          long revision = first + i;
          revisions.put(ops.get(i).key(), revision);
          if (r == null) {
            db.changed(ChangeEvent.Op.DELETE, storedKey, revision, null);
          } else {
            Duration ttl = ops.get(i).record().orElseThrow().expiry();
            if (!ttl.isZero()) {
              db.expiries.add(new Expiry(now.plus(ttl), storedKey, revision));
              scheduleSweep(db, ttl);
            }
            db.changed(ChangeEvent.Op.PUT, storedKey, revision, r);
          }
        }
        return new BatchResult(revisions);
      } finally {
        db.lock.unlock();
      }
    }
  }

  private static ConflictException batchConflict(
      String key, @Nullable Entry current, String wanted) {
    ConflictException c = conflict(key, current, wanted);
    return new ConflictException(
        key,
        current == null ? 0 : current.revision,
        c.getMessage() + "; the batch was not applied",
        0);
  }

  // ---------------------------------------------------------------- list

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
    return consistently(db, () -> scanKeys(db, scope, options, now));
  }

  private static List<String> scanKeys(
      Database db, String scope, ListOptions options, Instant now) {
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

  // ---------------------------------------------------------------- watch, history, info

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String scope = scope(options.table().orElse(defaultTable));
    while (true) {
      Database db = databases.get(dbName);
      if (db == null) {
        synchronized (creation) {
          if (databases.get(dbName) == null) {
            MemoryWatches.Subscription s = watches.add(dbName, scope, options.prefix(), listener);
            s.initialDone();
            return s;
          }
        }
        continue;
      }
      db.lock.lock();
      try {
        if (db.dropped) {
          continue;
        }
        MemoryWatches.Subscription s = watches.add(dbName, scope, options.prefix(), listener);
        if (options.includeInitial()) {
          Instant now = clock.instant();
          for (Map.Entry<String, Entry> me :
              db.entries.tailMap(scope + options.prefix(), true).entrySet()) {
            String rel = s.relative(me.getKey());
            if (rel == null) {
              break;
            }
            Entry e = me.getValue();
            if (e.liveAt(now)) {
              s.event(
                  new ChangeEvent(
                      ChangeEvent.Op.PUT, dbName, rel, e.revision, toRecord(rel, e, now)));
            }
          }
        }
        s.initialDone();
        return s;
      } finally {
        db.lock.unlock();
      }
    }
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    requireKey(key);
    dev.microstore.internal.OptionChecks.history(options);
    checkOpen();
    Database db = databases.get(options.database().orElse(defaultDatabase));
    if (db == null) {
      return List.of();
    }
    String storedKey = scope(options.table().orElse(defaultTable)) + key;
    List<ChangeEvent> out = new ArrayList<>();
    db.lock.lock();
    try {
      db.sweep(clock.instant());
      ArrayDeque<ChangeEvent> revisions = db.history.get(storedKey);
      if (revisions != null) {
        for (ChangeEvent e : revisions) {
          out.add(relativeEvent(e, key, Duration.ZERO));
        }
      }
    } finally {
      db.lock.unlock();
    }
    int limit = options.limit();
    return limit > 0 && out.size() > limit ? out.subList(out.size() - limit, out.size()) : out;
  }

  @Override
  public Optional<DatabaseInfo> info(String database) {
    Objects.requireNonNull(database, "database");
    checkOpen();
    Database db = databases.get(database);
    if (db == null) {
      return Optional.empty();
    }
    long bytes = 0;
    int count = 0;
    Instant now = clock.instant();
    for (Map.Entry<String, Entry> me : db.entries.entrySet()) {
      if (me.getValue().liveAt(now)) {
        count++;
        bytes += me.getKey().length() + me.getValue().record.valueSize();
      }
    }
    return Optional.of(
        new DatabaseInfo(database, count, bytes, Duration.ZERO, historyDepth, "memory", 1));
  }

  // ---------------------------------------------------------------- databases, lifecycle

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
      watches.dropped(database);
    } finally {
      db.lock.unlock();
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    watches.close();
    ScheduledExecutorService timer = expiryTimer;
    if (timer != null) {
      timer.shutdownNow();
    }
    databases.clear();
  }

  /** Completes on the calling thread: the in-memory store never waits for I/O. */
  @Override
  public CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    try {
      return CompletableFuture.completedFuture(read(key, options));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Completes on the calling thread: the in-memory store never waits for I/O. */
  @Override
  public CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    try {
      return CompletableFuture.completedFuture(write(record, options));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Completes on the calling thread: the in-memory store never waits for I/O. */
  @Override
  public CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    try {
      delete(key, options);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "memory:?database="
        + defaultDatabase
        + (defaultTable == null ? "" : "&table=" + defaultTable);
  }

  // ---------------------------------------------------------------- helpers

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
