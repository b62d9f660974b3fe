package dev.microstore.nats;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.BulkResult;
import dev.microstore.ChangeEvent;
import dev.microstore.DatabaseInfo;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.StoreStats;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import dev.microstore.internal.OptionChecks;
import io.nats.client.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The NATS JetStream KV store (see {@link NatsStore}): a facade that checks arguments, resolves
 * each operation's target once ({@link Addressing}) and delegates to the class doing that job —
 * {@link Writes} (the one write pipeline), {@link ExactReads}, {@link BulkOps}, {@link
 * BatchCommit}, {@link Scans}, {@link Watches}, {@link Admin} — and closes them in order.
 */
final class NatsKvStore implements Store {
  private final Backend backend;
  private final Addressing addressing;
  private final NearCache nearCache;
  private final Writes writes;
  private final ExactReads reads;
  private final BulkOps bulk;
  private final BatchCommit batches;
  private final Scans scans;
  private final Watches watches;
  private final Admin admin;
  private final WatchRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final AtomicBoolean closed = new AtomicBoolean();

  NatsKvStore(
      Backend backend, WatchRegistry registry, boolean nearCacheAll, Set<String> nearCached) {
    this.backend = backend;
    this.addressing = backend.addressing;
    this.nearCache = new NearCache(backend, nearCacheAll, nearCached);
    WrittenRevisions written = new WrittenRevisions();
    StoredMessages messages = new StoredMessages(backend);
    Acknowledged acknowledged = new Acknowledged(written, nearCache);
    this.writes = new Writes(backend, messages, acknowledged);
    this.reads = new ExactReads(backend, messages, written, nearCache);
    this.bulk = new BulkOps(backend, writes, reads, nearCache);
    this.batches = new BatchCommit(backend, writes, messages, acknowledged);
    this.scans = new Scans(backend, nearCache);
    this.watches = new Watches(backend, registry);
    this.admin = new Admin(backend, acknowledged, registry);
    this.registry = registry;
  }

  @Override
  public List<Record> read(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = addressing.database(options.database());
    @Nullable String table = addressing.table(options.table());
    if (!options.exact()) {
      return explained(db, () -> scans.read(db, table, key, options));
    }
    Target t = addressing.target(db, table, key);
    Record r = explained(db, () -> reads.read(t));
    if (r == null) {
      throw new NotFoundException(key, db);
    }
    return List.of(r);
  }

  @Override
  public long write(Record record, WriteOptions options) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    checkOpen();
    PreparedWrite w = prepare(record, options);
    return explained(w.target.db, () -> writes.publishAndWait(w));
  }

  @Override
  public void delete(String key, DeleteOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    checkOpen();
    PreparedWrite w = prepare(key, options);
    explained(w.target.db, () -> writes.publishAndWait(w));
  }

  @Override
  public BatchResult commit(Batch batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    String db = addressing.database(batch.database());
    return batches.commit(db, addressing.table(batch.table()), batch);
  }

  /** Runs a hook after all messages of a batch but the commit were sent. For tests only. */
  void beforeBatchCommit(Runnable hook) {
    batches.beforeCommit(Objects.requireNonNull(hook, "hook"));
  }

  @Override
  public BulkResult writeAll(Collection<Record> records, WriteOptions options) {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(options, "options");
    checkOpen();
    List<String> keys = new ArrayList<>(records.size());
    List<@Nullable PreparedWrite> prepared = new ArrayList<>(records.size());
    StoreException[] failures = new StoreException[records.size()];
    for (Record r : records) {
      Objects.requireNonNull(r, "record");
      keys.add(r.key());
      try {
        prepared.add(prepare(r, options));
      } catch (StoreException tooLarge) {
        failures[prepared.size()] = tooLarge;
        prepared.add(null);
      }
    }
    return bulk.publishAll(keys, prepared, failures);
  }

  @Override
  public BulkResult deleteAll(Collection<String> keys, DeleteOptions options) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(options, "options");
    checkOpen();
    List<String> given = new ArrayList<>(keys.size());
    List<@Nullable PreparedWrite> prepared = new ArrayList<>(keys.size());
    for (String key : keys) {
      prepared.add(prepare(Objects.requireNonNull(key, "key"), options));
      given.add(key);
    }
    return bulk.publishAll(given, prepared, new StoreException[given.size()]);
  }

  @Override
  public Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(options, "options");
    OptionChecks.readAll(options);
    checkOpen();
    String db = addressing.database(options.database());
    @Nullable String table = addressing.table(options.table());
    Map<String, Target> targets = new java.util.LinkedHashMap<>();
    for (String key : keys) {
      targets.put(key, addressing.target(db, table, Objects.requireNonNull(key, "key")));
    }
    return bulk.readAll(db, new ArrayList<>(targets.values()));
  }

  @Override
  public CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    return async(
        () -> {
          Objects.requireNonNull(key, "key");
          Objects.requireNonNull(options, "options");
          checkOpen();
          if (!options.exact()) {
            return CompletableFuture.supplyAsync(() -> read(key, options), backend.worker.get());
          }
          String db = addressing.database(options.database());
          return reads.readAsync(addressing.target(db, addressing.table(options.table()), key));
        });
  }

  @Override
  public CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    return async(
        () -> {
          Objects.requireNonNull(record, "record");
          Objects.requireNonNull(options, "options");
          checkOpen();
          return writes.publish(prepare(record, options));
        });
  }

  @Override
  public CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    return async(
        () -> {
          Objects.requireNonNull(key, "key");
          Objects.requireNonNull(options, "options");
          checkOpen();
          return writes.publish(prepare(key, options)).thenApply(revision -> null);
        });
  }

  @Override
  public List<String> list(ListOptions options) {
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = addressing.database(options.database());
    return explained(db, () -> scans.list(db, addressing.table(options.table()), options));
  }

  /**
   * Streams from the near cache's replica (in key order) when it serves the database, else from a
   * pull consumer of its own, a chunk at a time as the stream is consumed ({@link ScanCursor}).
   */
  @Override
  public Stream<Record> scan(ListOptions options) {
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = addressing.database(options.database());
    return explained(
        db, () -> scans.scan(db, addressing.table(options.table()), options, closed::get));
  }

  @Override
  public Stream<String> scanKeys(ListOptions options) {
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = addressing.database(options.database());
    return explained(
        db, () -> scans.scanKeys(db, addressing.table(options.table()), options, closed::get));
  }

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    String db = addressing.database(options.database());
    return watches.start(db, addressing.table(options.table()), options, listener);
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
    OptionChecks.history(options);
    checkOpen();
    String db = addressing.database(options.database());
    return admin.history(
        addressing.target(db, addressing.table(options.table()), key), options.limit());
  }

  @Override
  public Optional<DatabaseInfo> info(String database) {
    Objects.requireNonNull(database, "database");
    KeyRules.database(database);
    checkOpen();
    return admin.info(database);
  }

  @Override
  public List<String> databases() {
    checkOpen();
    return admin.databases();
  }

  @Override
  public boolean deleteDatabase(String database) {
    Objects.requireNonNull(database, "database");
    KeyRules.database(database);
    checkOpen();
    return admin.deleteDatabase(database);
  }

  /** Whether exact reads of {@code db} are answered from a synced near-cache replica now. */
  boolean nearCacheServes(String db) {
    NearCache.Replica r = nearCache.running(db);
    return r != null && r.synced();
  }

  /** How many passes over a bucket prefix reads, suffix reads and lists made. For tests. */
  long serverScans() {
    return scans.serverPasses();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    backend.buckets.close();
    watches.close();
    nearCache.close();
    backend.close();
  }

  @Override
  public String defaultDatabase() {
    return addressing.defaultDatabase();
  }

  @Override
  public StoreStats stats() {
    boolean connected =
        !closed.get() && backend.connection.getStatus() == Connection.Status.CONNECTED;
    return StoreStats.builder("nats")
        .connected(connected)
        .reconnects(backend.connection.getStatistics().getReconnects())
        .openWatches(registry.size())
        .nearCache(nearCache.entries(), nearCache.hits(), nearCache.misses())
        .build();
  }

  @Override
  public String toString() {
    return backend.description;
  }

  private PreparedWrite prepare(Record record, WriteOptions options) {
    String db = addressing.database(options.database());
    Target t = addressing.target(db, addressing.table(options.table()), record.key());
    Instant now = clock.instant();
    return writes.put(t, record, options, now);
  }

  private PreparedWrite prepare(String key, DeleteOptions options) {
    String db = addressing.database(options.database());
    Target t = addressing.target(db, addressing.table(options.table()), key);
    return writes.delete(t, options, clock.instant());
  }

  /** Runs a synchronous operation, explaining a permission violation the server reported. */
  private <T> T explained(String db, Supplier<T> operation) {
    long started = System.nanoTime();
    try {
      return operation.get();
    } catch (StoreException e) {
      throw backend.violations.explain(db, started, e);
    }
  }

  /** An asynchronous operation: failures before it starts complete the future, never throw. */
  private static <T> CompletableFuture<T> async(Supplier<CompletableFuture<T>> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("store " + backend.description + " is closed");
    }
    Connection.Status status = backend.connection.getStatus();
    if (status == Connection.Status.CLOSED) {
      throw new StoreException(
          "the connection of store "
              + backend.description
              + " to NATS is closed (its reconnect attempts ran out); open a new store");
    }
    if (status != Connection.Status.CONNECTED) {
      // fail fast while the connection is away: nothing is sent, so nothing can be applied
      throw new StoreException(
          "store "
              + backend.description
              + " is not connected to NATS (connection "
              + status.name().toLowerCase(java.util.Locale.ROOT)
              + "); nothing was sent, retry once it has reconnected",
          new Requests.NotConnected(status),
          0,
          true);
    }
  }
}
