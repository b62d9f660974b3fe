package dev.microstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory store; see {@link MemoryStoreBuilder}.
 *
 * <p><b>Consistency.</b> Every operation is linearizable, and every read (exact reads, {@code
 * readAll}, prefix and suffix reads, lists, {@code info}) sees its database at one revision, so a
 * batch is seen whole or not at all and a scan never sees a later write without an earlier one.
 * This is multi-version concurrency control:
 *
 * <ul>
 *   <li>Each key maps to a chain of {@link Version}s, newest first; a delete or expiry adds a
 *       version without a record (a tombstone). Writers of one database are serialised by its lock
 *       and give every change the next revision of the database.
 *   <li>A writer first installs its versions, then <em>publishes</em> the last revision in a
 *       volatile field. A batch publishes once, after all its versions are in place.
 *   <li>A reader takes the published revision as its snapshot and, for each key, uses the newest
 *       version at or below it; versions of a change not yet published are skipped. Readers take no
 *       lock and never wait for a writer.
 *   <li>Superseded versions and tombstones are purged under the database lock once they are about
 *       as many as the live records, holding the write side of the database's purge gate, a {@link
 *       StampedLock}. Readers run as optimistic reads of that gate and repeat under its read lock
 *       when a purge ran meanwhile (a purge may have dropped a version their snapshot needs). A
 *       purge is skipped, and tried again after a later change, while a reader holds the read lock,
 *       so writers never wait for readers either.
 * </ul>
 *
 * <p>History, watch registration and the initial records of a watch run under the database lock;
 * watch events are queued under it, in revision order. Each database keeps its held changes (the
 * histories of its keys) in one map by revision too, so a watch can start at a revision, or catch
 * up after its buffer filled, from the kept changes in order; the lowest key of that map is the
 * lowest revision the database holds (see {@link MemoryWatches}).
 */
final class MemoryStore implements Store {
  /** Purge superseded versions once there are at least this many, and as many as live records. */
  static final int PURGE_AT_LEAST = 1024;

  /** The most kept changes a watch catching up looks at while holding the database lock once. */
  static final int CATCH_UP_STEP = 4096;

  private final String defaultDatabase;
  private final @Nullable String defaultTable;
  private final Clock clock;
  private final int historyDepth;
  private final int purgeAtLeast;
  private final ConcurrentHashMap<String, Database> databases = new ConcurrentHashMap<>();
  private final MemoryWatches watches = new MemoryWatches();
  private final Object creation = new Object();
  private volatile @Nullable ScheduledExecutorService expiryTimer;
  private volatile boolean closed;

  MemoryStore(String defaultDatabase, @Nullable String defaultTable, Clock clock, int history) {
    this(defaultDatabase, defaultTable, clock, history, PURGE_AT_LEAST);
  }

  /**
   * A store that purges superseded versions once there are {@code purgeAtLeast} of them (and as
   * many as live records); tests use 1 to purge as often as possible.
   */
  MemoryStore(
      String defaultDatabase,
      @Nullable String defaultTable,
      Clock clock,
      int history,
      int purgeAtLeast) {
    this.defaultDatabase = defaultDatabase;
    this.defaultTable = defaultTable;
    this.clock = clock;
    this.historyDepth = history;
    this.purgeAtLeast = purgeAtLeast;
  }

  /**
   * One version of a key: the record as written (key = stored key), or null for a delete or expiry;
   * its revision and expiry; and the version it replaced, until a purge drops that.
   */
  private static final class Version {
    final @Nullable Record record;
    final long revision;
    final @Nullable Instant expiresAt;
    volatile @Nullable Version older;

    Version(
        @Nullable Record record,
        long revision,
        @Nullable Instant expiresAt,
        @Nullable Version older) {
      this.record = record;
      this.revision = revision;
      this.expiresAt = expiresAt;
      this.older = older;
    }

    boolean liveAt(Instant now) {
      return record != null && (expiresAt == null || expiresAt.isAfter(now));
    }

    /** The version of the chain starting here that a snapshot sees, or null when it sees none. */
    static @Nullable Version at(@Nullable Version newest, long snapshot) {
      Version v = newest;
      while (v != null && v.revision > snapshot) {
        v = v.older;
      }
      return v == null || v.record == null ? null : v;
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
   * One database: version chains by stored key (see the class comment). Writers hold {@link #lock}
   * and install, publish and purge; readers see {@link #versions} at {@link #published} without
   * locking, through {@link #read}.
   */
  private final class Database implements MemoryWatches.Source {
    final String name;
    final ConcurrentSkipListMap<String, Version> versions = new ConcurrentSkipListMap<>();
    final ReentrantLock lock = new ReentrantLock();
    final StampedLock purgeGate = new StampedLock();
    final PriorityQueue<Expiry> expiries = new PriorityQueue<>();
    final Map<String, ArrayDeque<ChangeEvent>> history = new HashMap<>();

    /**
     * Every change still in {@link #history}, by revision: what a watch from a revision or catching
     * up gets; its first key is the lowest revision the database holds. Under the lock.
     */
    final TreeMap<Long, ChangeEvent> held = new TreeMap<>();

    /** The last revision given to a change; under the lock. */
    long revision;

    /** The revision readers see: every version up to it is installed. */
    volatile long published;

    /** Keys with superseded versions or a tombstone since the last purge; under the lock. */
    final Set<String> purgeable = new HashSet<>();

    /** Superseded versions and tombstones, and live records; under the lock. */
    int garbage;

    int live;
    boolean dropped;

    Database(String name) {
      this.name = name;
    }

    /** The live version of a key, at the latest revision. Caller holds the lock. */
    @Nullable Version current(String storedKey, Instant now) {
      Version v = versions.get(storedKey);
      return v != null && v.liveAt(now) ? v : null;
    }

    /**
     * Adds a version of a key, invisible to readers until published; a delete of a key that has no
     * record adds nothing. Caller holds the lock.
     */
    void install(String storedKey, @Nullable Record stored, long rev, @Nullable Instant expiresAt) {
      Version newest = versions.get(storedKey);
      boolean had = newest != null && newest.record != null;
      if (stored == null && !had) {
        return;
      }
      versions.put(storedKey, new Version(stored, rev, expiresAt, newest));
      if (newest != null) {
        purgeable.add(storedKey);
      }
      if (had) {
        garbage++;
      }
      if (stored == null) {
        garbage++;
        live--;
      } else if (!had) {
        live++;
      }
    }

    /**
     * Makes every version up to {@code rev} visible, then purges when enough versions are
     * superseded. Caller holds the lock and has installed every change up to {@code rev}.
     */
    void publish(long rev) {
      published = rev;
      if (garbage >= Math.max(purgeAtLeast, live)) {
        purge();
      }
    }

    /**
     * Drops superseded versions and tombstones, unless a reader holds the purge gate (then a later
     * change purges). Caller holds the lock, and every installed version is published.
     */
    private void purge() {
      long stamp = purgeGate.tryWriteLock();
      if (stamp == 0) {
        return;
      }
      try {
        for (String storedKey : purgeable) {
          Version newest = versions.get(storedKey);
          if (newest == null) {
            continue;
          }
          if (newest.record == null) {
            versions.remove(storedKey, newest);
          } else {
            newest.older = null;
          }
        }
        purgeable.clear();
        garbage = 0;
      } finally {
        purgeGate.unlockWrite(stamp);
      }
    }

    /**
     * Runs a read at one snapshot, the published revision: optimistically, then again under the
     * read lock of the purge gate if a purge ran meanwhile and may have dropped a version the
     * snapshot needed. Never waits for a writer, only for a purge in progress.
     */
    <T> T read(LongFunction<T> atSnapshot) {
      long stamp = purgeGate.tryOptimisticRead();
      if (stamp != 0) {
        T result = atSnapshot.apply(published);
        if (purgeGate.validate(stamp)) {
          return result;
        }
      }
      stamp = purgeGate.readLock();
      try {
        return atSnapshot.apply(published);
      } finally {
        purgeGate.unlockRead(stamp);
      }
    }

    /** Removes records whose expiry has passed, reporting each. Caller holds the lock. */
    void sweep(Instant now) {
      Expiry due;
      while ((due = expiries.peek()) != null && !due.at.isAfter(now)) {
        expiries.poll();
        Version v = versions.get(due.storedKey);
        if (v != null && v.record != null && v.revision == due.revision) {
          long rev = ++revision;
          install(due.storedKey, null, rev, null);
          publish(rev);
          changed(ChangeEvent.Op.EXPIRE, due.storedKey, rev, null);
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
      held.put(rev, event);
      while (revisions.size() > historyDepth) {
        held.remove(revisions.removeFirst().revision());
      }
      for (MemoryWatches.Subscription s : watches.of(name)) {
        String rel = s.relative(storedKey);
        if (rel != null) {
          s.live(relativeEvent(event, rel, null), this);
        }
      }
    }

    /**
     * Why a watch cannot deliver every change from revision {@code next} on, or null when it can:
     * some revision from {@code next} on existed but is no longer held, because it is below the
     * lowest held revision. Caller holds the lock.
     */
    @Nullable String gap(long next) {
      if (next > revision) {
        return null;
      }
      Long first = held.isEmpty() ? null : held.firstKey();
      if (first != null && next >= first) {
        return null;
      }
      long resumable = first == null ? revision + 1 : first;
      return "database \""
          + name
          + "\" no longer holds revision "
          + next
          + (first == null
              ? ": it holds no revisions (its newest was " + revision + ")"
              : ": the lowest revision it holds is " + first)
          + "; older revisions were removed, replaced by newer revisions of their keys beyond the"
          + " history depth of "
          + historyDepth
          + " per key. Start again from the current records with includeInitial, or accept the"
          + " loss and watch from revision "
          + resumable
          + " or later";
    }

    @Override
    public void catchUp(MemoryWatches.Subscription s) {
      lock.lock();
      try {
        if (dropped || s.isOver()) {
          return; // deleteDatabase has ended the watch
        }
        sweep(clock.instant());
        long after = s.resumeAfter();
        String gap = gap(after + 1);
        if (gap != null) {
          s.error(new WatchGapException(name, after + 1, gap));
          return;
        }
        int examined = 0;
        for (ChangeEvent e : held.tailMap(after, false).values()) {
          if (examined++ == CATCH_UP_STEP) {
            return; // let writers in; the delivery thread comes back
          }
          String rel = s.relative(e.key());
          if (rel == null) {
            s.skippedTo(e.revision());
          } else if (!s.caughtUp(relativeEvent(e, rel, null))) {
            return; // the buffer is full; the rest once the listener took it
          }
        }
        s.goLive();
      } finally {
        lock.unlock();
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
      String storedKey = scope + key;
      Version v = db == null ? null : db.read(at -> Version.at(db.versions.get(storedKey), at));
      if (v == null || !v.liveAt(now)) {
        throw new NotFoundException(key, dbName);
      }
      return List.of(toRecord(key, v, now));
    }
    if (db == null) {
      return List.of();
    }
    db.trySweep(now);
    return db.read(at -> scanRecords(db, at, key, scope, options, now));
  }

  private List<Record> scanRecords(
      Database db, long snapshot, String key, String scope, ReadOptions options, Instant now) {
    String start = scope + (options.prefix() ? key : "");
    List<Record> out = new ArrayList<>();
    int skip = options.offset();
    int limit = options.limit();
    for (Map.Entry<String, Version> me : db.versions.tailMap(start, true).entrySet()) {
      String storedKey = me.getKey();
      if (!storedKey.startsWith(start)) {
        break;
      }
      String relative = storedKey.substring(scope.length());
      Version v = Version.at(me.getValue(), snapshot);
      if (v == null || (options.suffix() && !relative.endsWith(key)) || !v.liveAt(now)) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.add(toRecord(relative, v, now));
      if (limit > 0 && out.size() == limit) {
        break;
      }
    }
    return out;
  }

  /** Reads every key at one snapshot, so a batch is seen whole or not at all. */
  @Override
  public Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    Objects.requireNonNull(keys, "keys");
    Checks.exactReadAll(keys, options);
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String scope = scope(options.table().orElse(defaultTable));
    Database db = databases.get(dbName);
    if (db == null) {
      return new LinkedHashMap<>();
    }
    Instant now = clock.instant();
    return db.read(
        at -> {
          Map<String, Record> out = new LinkedHashMap<>();
          for (String k : keys) {
            Version v = Version.at(db.versions.get(scope + k), at);
            if (v != null && v.liveAt(now) && !out.containsKey(k)) {
              out.put(k, toRecord(k, v, now));
            }
          }
          return out;
        });
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
        Version current = db.current(storedKey, now);
        if (options.ifAbsent() && current != null) {
          throw conflict(record.key(), current, "to be absent");
        }
        if (options.ifRevision().isPresent()
            && (current == null || current.revision != options.ifRevision().getAsLong())) {
          throw conflict(
              record.key(), current, "to have revision " + options.ifRevision().getAsLong());
        }
        long revision = ++db.revision;
        db.install(storedKey, stored, revision, expiresAt);
        db.publish(revision);
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
      Version current = db.current(storedKey, now);
      if (options.ifRevision().isPresent()
          && (current == null || current.revision != options.ifRevision().getAsLong())) {
        throw conflict(key, current, "to have revision " + options.ifRevision().getAsLong());
      }
      if (current != null) {
        long revision = ++db.revision;
        db.install(storedKey, null, revision, null);
        db.publish(revision);
        db.changed(ChangeEvent.Op.DELETE, storedKey, revision, null);
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
          Version current = db.current(scope + op.key(), now);
          if (c.isIfAbsent() && current != null) {
            throw batchConflict(op.key(), current, "to be absent");
          }
          if (c.revision().isPresent()
              && (current == null || current.revision != c.revision().getAsLong())) {
            throw batchConflict(op.key(), current, "to have revision " + c.revision().getAsLong());
          }
        }
        long first = db.revision + 1;
        for (int i = 0; i < ops.size(); i++) {
          Record r = stored.get(i);
          Duration ttl = r == null ? Duration.ZERO : ops.get(i).record().orElseThrow().expiry();
          db.install(scope + ops.get(i).key(), r, first + i, ttl.isZero() ? null : now.plus(ttl));
        }
        db.revision = first + ops.size() - 1;
        db.publish(db.revision);
        Map<String, Long> revisions = new LinkedHashMap<>();
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
      String key, @Nullable Version current, String wanted) {
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
    return db.read(at -> scanKeys(db, at, scope, options, now));
  }

  private static List<String> scanKeys(
      Database db, long snapshot, String scope, ListOptions options, Instant now) {
    String start = scope + options.prefix();
    List<String> out = new ArrayList<>();
    int skip = options.offset();
    int limit = options.limit();
    for (Map.Entry<String, Version> me : db.versions.tailMap(start, true).entrySet()) {
      String storedKey = me.getKey();
      if (!storedKey.startsWith(start)) {
        break;
      }
      String relative = storedKey.substring(scope.length());
      Version v = Version.at(me.getValue(), snapshot);
      if (v == null || !relative.endsWith(options.suffix()) || !v.liveAt(now)) {
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

  // ---------------------------------------------------------------- scan

  /**
   * Streams the matching records at one snapshot, in key order, one at a time from the version
   * chains. The scan holds the read side of the database's purge gate until it is closed or read to
   * its end, so the versions its snapshot needs stay (purges are skipped meanwhile, and done by a
   * later change); it never blocks a writer.
   */
  @Override
  public java.util.stream.Stream<Record> scan(ListOptions options) {
    Objects.requireNonNull(options, "options");
    return scanStream(options, (relative, v, now) -> toRecord(relative, v, now));
  }

  @Override
  public java.util.stream.Stream<String> scanKeys(ListOptions options) {
    Objects.requireNonNull(options, "options");
    return scanStream(options, (relative, v, now) -> relative);
  }

  /** What a scan hands over for a live version of a key. */
  private interface ScanElement<T> {
    T of(String relativeKey, Version v, Instant now);
  }

  private <T> java.util.stream.Stream<T> scanStream(ListOptions options, ScanElement<T> element) {
    checkOpen();
    Database db = databases.get(options.database().orElse(defaultDatabase));
    if (db == null) {
      return java.util.stream.Stream.empty();
    }
    Instant now = clock.instant();
    db.trySweep(now);
    String scope = scope(options.table().orElse(defaultTable));
    String start = scope + options.prefix();
    String suffix = options.suffix();
    long stamp = db.purgeGate.readLock();
    long snapshot = db.published;
    java.util.Iterator<Map.Entry<String, Version>> range =
        db.versions.tailMap(start, true).entrySet().iterator();
    java.util.Iterator<T> matches =
        new java.util.Iterator<>() {
          private @Nullable T next;
          private boolean done;

          @Override
          public boolean hasNext() {
            while (next == null && !done) {
              if (!range.hasNext()) {
                done = true;
                break;
              }
              Map.Entry<String, Version> me = range.next();
              String storedKey = me.getKey();
              if (!storedKey.startsWith(start)) {
                done = true;
                break;
              }
              String relative = storedKey.substring(scope.length());
              Version v = Version.at(db.versions.get(storedKey), snapshot);
              if (v != null && relative.endsWith(suffix) && v.liveAt(now)) {
                next = element.of(relative, v, now);
              }
            }
            return next != null;
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new java.util.NoSuchElementException();
            }
            T t = next;
            next = null;
            return t;
          }
        };
    return dev.microstore.internal.ScanStreams.of(
        matches, options.offset(), options.limit(), () -> db.purgeGate.unlockRead(stamp));
  }

  // ---------------------------------------------------------------- watch, history, info

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    String dbName = options.database().orElse(defaultDatabase);
    String scope = scope(options.table().orElse(defaultTable));
    long from = options.fromRevision().orElse(0);
    MemoryWatches.Subscription s =
        watches.create(dbName, scope, options.prefix(), listener, options.bufferSize());
    s.hold();
    List<ChangeEvent> initial = new ArrayList<>();
    while (true) {
      Database db = databases.get(dbName);
      if (db == null) {
        synchronized (creation) {
          if (databases.get(dbName) == null) {
            s.from(from);
            watches.register(s);
            break;
          }
        }
        continue;
      }
      db.lock.lock();
      try {
        if (db.dropped) {
          continue;
        }
        if (from > 0) {
          String gap = db.gap(from);
          if (gap != null) {
            s.error(new WatchGapException(dbName, from, gap));
            break;
          }
          if (from > db.revision) {
            s.from(from);
          } else {
            s.behind(from - 1, db);
          }
        } else if (options.includeInitial()) {
          Instant now = clock.instant();
          for (Map.Entry<String, Version> me :
              db.versions.tailMap(scope + options.prefix(), true).entrySet()) {
            String rel = s.relative(me.getKey());
            if (rel == null) {
              break;
            }
            Version e = me.getValue();
            if (e.liveAt(now)) {
              initial.add(
                  new ChangeEvent(
                      ChangeEvent.Op.PUT, dbName, rel, e.revision, toRecord(rel, e, now)));
            }
          }
        }
        watches.register(s);
        break;
      } finally {
        db.lock.unlock();
      }
    }
    // the initial data on this thread, outside the lock; live changes wait in the queue
    try {
      for (ChangeEvent e : initial) {
        if (s.isOver()) {
          break;
        }
        try {
          listener.onEvent(e);
        } catch (RuntimeException listenerFailure) {
          // a failing listener must not stop the watch
        }
      }
      try {
        listener.onInitialDataDone();
      } catch (RuntimeException listenerFailure) {
        // a failing listener must not stop the watch
      }
    } finally {
      s.release();
    }
    return s;
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
    Instant now = clock.instant();
    return Optional.of(
        db.read(
            at -> {
              long bytes = 0;
              int count = 0;
              for (Map.Entry<String, Version> me : db.versions.entrySet()) {
                Version v = Version.at(me.getValue(), at);
                if (v != null && v.liveAt(now)) {
                  count++;
                  bytes += me.getKey().length() + Objects.requireNonNull(v.record).valueSize();
                }
              }
              return new DatabaseInfo(
                  database, count, bytes, Duration.ZERO, historyDepth, "memory", 1, at);
            }));
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
      watches.dropped(database, db.revision + 1);
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
  public String defaultDatabase() {
    return defaultDatabase;
  }

  /** Connected until closed; no reconnects and no near cache. */
  @Override
  public StoreStats stats() {
    return StoreStats.builder("memory").connected(!closed).openWatches(watches.open()).build();
  }

  @Override
  public String toString() {
    return "memory:?database="
        + defaultDatabase
        + (defaultTable == null ? "" : "&table=" + defaultTable);
  }

  // ---------------------------------------------------------------- helpers

  /** The record of a live version, with its key relative to the table and its time left. */
  private static Record toRecord(String key, Version v, Instant now) {
    Duration left = v.expiresAt == null ? Duration.ZERO : Duration.between(now, v.expiresAt);
    return Objects.requireNonNull(v.record).toBuilder()
        .key(key)
        .expiry(left)
        .revision(v.revision)
        .build();
  }

  private static ConflictException conflict(String key, @Nullable Version current, String wanted) {
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
