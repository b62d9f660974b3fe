package dev.microstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;

/**
 * A key-value store with Go-Micro's semantics: records in databases and tables.
 *
 * <p>A <em>database</em> is a named keyspace (for NATS, a Key-Value bucket); it comes into being
 * with its first write. A <em>table</em> is the key prefix {@code <table>_} inside a database: key
 * {@code K} in table {@code T} is the same record as key {@code T_K} without a table. Options that
 * name no database or table use the store's defaults (database {@code default}, no table, unless
 * the store was built with others).
 *
 * <p>Results of prefix and suffix reads and of lists are sorted by key ({@link String#compareTo}
 * order) before offset and limit apply, so paging is stable. Streaming scans ({@link
 * #scan(ListOptions)}, {@link #scanKeys(ListOptions)}) do not hold the results, so they are in the
 * store's own order instead. Reads, lists and scans never create a database; a database that does
 * not exist reads as empty.
 *
 * <p>Implementations are thread-safe. A store is ready when it is returned by its builder or by
 * {@link Stores#open(String)}; each implementation documents whether it connects eagerly. After
 * {@link #close()}, every method except {@code close}, {@link #stats()} and {@link
 * #defaultDatabase()} throws {@link IllegalStateException}.
 *
 * <p>Failures are {@link StoreException}s: {@link NotFoundException} for an exact read of a missing
 * key, {@link ConflictException} for a failed condition. Invalid arguments throw {@link
 * IllegalArgumentException} naming the value and the rule, and nothing is written.
 *
 * <p>Bulk operations ({@link #writeAll}, {@link #deleteAll}, {@link #readAll}) handle many keys in
 * one call; stores may pipeline them. They are not atomic: each element succeeds or fails on its
 * own. The asynchronous forms ({@link #readAsync}, {@link #writeAsync}, {@link #deleteAsync})
 * report every failure, invalid arguments and a closed store included, through the returned future,
 * with the same exception types as the synchronous forms ({@link
 * java.util.concurrent.CompletableFuture#join()} wraps them in a {@link
 * java.util.concurrent.CompletionException}).
 */
public interface Store extends AutoCloseable {

  /**
   * Reads one exact key from the default database and table (Go: {@code Read(key)}).
   *
   * @param key the key
   * @return a list holding the one record
   * @throws NotFoundException if the key has no live record
   * @throws IllegalArgumentException if the key is empty or invalid for this store
   * @throws StoreException if the backend fails
   */
  default List<Record> read(String key) {
    return read(key, ReadOptions.defaults());
  }

  /**
   * Reads records: one exact key, or every key with {@code key} as prefix and/or suffix, according
   * to the options.
   *
   * @param key the exact key, or the prefix/suffix to match (may be empty for a prefix read, which
   *     then matches every key of the table)
   * @param options where to read and how to match
   * @return the records, sorted by key, after offset and limit; keys are without the table prefix
   * @throws NotFoundException if an exact read finds no live record
   * @throws IllegalArgumentException if the key is invalid for this store
   * @throws StoreException if the backend fails
   */
  List<Record> read(String key, ReadOptions options);

  /**
   * Reads one exact key from the default database and table, answering an absent key with an empty
   * result instead of an exception.
   *
   * @param key the key
   * @return the record, or empty if the key has no live record
   * @throws IllegalArgumentException if the key is empty or invalid for this store
   * @throws StoreException if the backend fails
   */
  default Optional<Record> find(String key) {
    return find(key, ReadOptions.defaults());
  }

  /**
   * Reads one exact key, answering an absent key with an empty result instead of {@link
   * NotFoundException}.
   *
   * @param key the key
   * @param options where to read; must be an exact read
   * @return the record, or empty if the key has no live record
   * @throws IllegalArgumentException if the options ask for a prefix or suffix read (use {@link
   *     #read(String, ReadOptions)}), or the key is invalid for this store
   * @throws StoreException if the backend fails
   */
  default Optional<Record> find(String key, ReadOptions options) {
    Objects.requireNonNull(options, "options");
    if (!options.exact()) {
      throw new IllegalArgumentException(
          "options "
              + (options.prefix() ? "prefix()" : "suffix()")
              + " are invalid for find: find reads one exact key; use read(key, options) for"
              + " prefix and suffix reads");
    }
    try {
      List<Record> found = read(key, options);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    } catch (NotFoundException absent) {
      return Optional.empty();
    }
  }

  /**
   * Writes (creates or replaces) a record in the default database and table.
   *
   * @param record the record
   * @return the record's new revision
   * @throws IllegalArgumentException if the record is invalid for this store
   * @throws StoreException if the backend fails
   */
  default long write(Record record) {
    return write(record, WriteOptions.defaults());
  }

  /**
   * Writes (creates or replaces) a record, creating the database if it does not exist.
   *
   * @param record the record; its key is relative to the table of the options
   * @param options where to write, the record's lifetime and an optional condition
   * @return the record's new revision
   * @throws ConflictException if a condition of the options does not hold; nothing was written
   * @throws IllegalArgumentException if the record or options are invalid for this store
   * @throws StoreException if the backend fails
   */
  long write(Record record, WriteOptions options);

  /**
   * Deletes a key from the default database and table; deleting a missing key is not an error.
   *
   * @param key the key
   * @throws IllegalArgumentException if the key is empty or invalid for this store
   * @throws StoreException if the backend fails
   */
  default void delete(String key) {
    delete(key, DeleteOptions.defaults());
  }

  /**
   * Deletes a key; deleting a missing key, or a key of a missing database, is not an error (unless
   * a revision condition is set).
   *
   * @param key the key, relative to the table of the options
   * @param options where to delete and an optional condition
   * @throws ConflictException if the revision condition does not hold; nothing was deleted
   * @throws IllegalArgumentException if the key is invalid for this store
   * @throws StoreException if the backend fails
   */
  void delete(String key, DeleteOptions options);

  /**
   * Applies the operations of a batch atomically: every put and delete, or none. The conditions of
   * all operations are checked together at commit time; when one does not hold, nothing is applied.
   * A missing database is created.
   *
   * <p>Nothing of a refused batch is ever visible. An exact read sees a key before or after the
   * batch; a watch receives all changes of a committed batch, in the batch's order, with
   * consecutive revisions. Whether a prefix read or list that overlaps the commit sees it whole
   * depends on the store: the in-memory store's scans are snapshots, NATS scans are not. Each
   * operation gets its own revision, deletes included (also the delete of a missing key).
   *
   * <p>Limits (enforced by {@link Batch.Builder}, before anything is sent): one database and table
   * per batch, at most {@value Batch#MAX_OPERATIONS} operations, each key at most once. Backends
   * may have more requirements; the NATS store needs nats-server 2.12 or newer and never falls back
   * to writes that are not atomic.
   *
   * <p>The default implementation throws {@link UnsupportedOperationException}: a store that cannot
   * apply batches atomically must not pretend to.
   *
   * @param batch the operations
   * @return the new revision of every key, in the batch's order
   * @throws ConflictException if a condition does not hold, naming the key (the first failing one
   *     in batch order, as far as the store can tell) and, when known, its current revision;
   *     nothing was applied
   * @throws IllegalArgumentException if a key or the database is invalid for this store; nothing
   *     was applied
   * @throws UnsupportedOperationException if the store does not support atomic batches
   * @throws StoreException if the backend fails or cannot apply batches atomically (for NATS, a
   *     server older than 2.12); a retriable failure means the batch may or may not have been
   *     applied, as a whole
   */
  default BatchResult commit(Batch batch) {
    throw new UnsupportedOperationException("store " + this + " does not support atomic batches");
  }

  /**
   * Writes many records with the same options. Not atomic: each record succeeds or fails on its
   * own, and the successes stay written when others fail (a failed condition, a value over the
   * database's size limit). Implementations may pipeline the writes; records with the same key are
   * written in input order.
   *
   * <p>Every record is checked before anything is written: an invalid record fails the whole call
   * with {@link IllegalArgumentException} and nothing is written. The default implementation writes
   * one record at a time with {@link #write(Record, WriteOptions)}.
   *
   * @param records the records; keys are relative to the table of the options
   * @param options where to write, the records' lifetime and an optional condition for each
   * @return one outcome per record, in input order, with its revision or its failure
   * @throws IllegalArgumentException if a record or the options are invalid for this store
   * @throws StoreException if the backend cannot be used at all (for example it is unreachable)
   */
  default BulkResult writeAll(Collection<Record> records, WriteOptions options) {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(options, "options");
    List<BulkResult.Outcome> out = new ArrayList<>(records.size());
    for (Record r : records) {
      Objects.requireNonNull(r, "record");
      try {
        out.add(BulkResult.Outcome.success(r.key(), write(r, options)));
      } catch (StoreException e) {
        out.add(BulkResult.Outcome.failure(r.key(), e));
      }
    }
    return new BulkResult(out);
  }

  /**
   * Deletes many keys with the same options. Not atomic: each key succeeds or fails on its own.
   * Every key is checked before anything is deleted. The default implementation deletes one key at
   * a time with {@link #delete(String, DeleteOptions)}.
   *
   * @param keys the keys, relative to the table of the options
   * @param options where to delete and an optional condition for each key
   * @return one outcome per key, in input order; the revision is the delete's revision when the
   *     store reports one, else 0
   * @throws IllegalArgumentException if a key or the options are invalid for this store
   * @throws StoreException if the backend cannot be used at all
   */
  default BulkResult deleteAll(Collection<String> keys, DeleteOptions options) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(options, "options");
    List<BulkResult.Outcome> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      Objects.requireNonNull(k, "key");
      try {
        delete(k, options);
        out.add(BulkResult.Outcome.success(k, 0));
      } catch (StoreException e) {
        out.add(BulkResult.Outcome.failure(k, e));
      }
    }
    return new BulkResult(out);
  }

  /**
   * Reads many exact keys. Implementations may pipeline the reads. The default implementation reads
   * one key at a time with {@link #read(String, ReadOptions)}.
   *
   * @param keys the exact keys, relative to the table of the options
   * @param options the database and table; prefix, suffix, offset and limit must not be set
   * @return the live records by key, in the order of the keys given; keys without a live record are
   *     absent
   * @throws IllegalArgumentException if a key is invalid, or prefix, suffix, offset or limit is set
   * @throws StoreException if the backend fails
   */
  default Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    Objects.requireNonNull(keys, "keys");
    Checks.exactReadAll(keys, options);
    Map<String, Record> out = new LinkedHashMap<>();
    for (String k : keys) {
      if (out.containsKey(k)) {
        continue;
      }
      try {
        out.put(k, read(k, options).get(0));
      } catch (NotFoundException missing) {
        // absent from the result
      }
    }
    return out;
  }

  /**
   * Reads asynchronously: {@link #read(String, ReadOptions)} as a future. Every failure, including
   * {@link NotFoundException}, invalid arguments and a closed store, completes the future
   * exceptionally. The default implementation runs the synchronous read on {@link
   * ForkJoinPool#commonPool()}; stores with asynchronous I/O do not block a thread per call.
   *
   * @param key the exact key, or the prefix/suffix to match
   * @param options where to read and how to match
   * @return the future records
   */
  default CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    return CompletableFuture.supplyAsync(() -> read(key, options), ForkJoinPool.commonPool());
  }

  /**
   * Writes asynchronously: {@link #write(Record, WriteOptions)} as a future of the new revision.
   * Every failure completes the future exceptionally. The default implementation runs the
   * synchronous write on {@link ForkJoinPool#commonPool()}.
   *
   * @param record the record
   * @param options where to write, lifetime and condition
   * @return the future revision
   */
  default CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    return CompletableFuture.supplyAsync(() -> write(record, options), ForkJoinPool.commonPool());
  }

  /**
   * Deletes asynchronously: {@link #delete(String, DeleteOptions)} as a future. Every failure
   * completes the future exceptionally. The default implementation runs the synchronous delete on
   * {@link ForkJoinPool#commonPool()}.
   *
   * @param key the key
   * @param options where to delete and an optional condition
   * @return a future completed when the key is deleted
   */
  default CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    return CompletableFuture.runAsync(() -> delete(key, options), ForkJoinPool.commonPool());
  }

  /**
   * Lists every key of the default database and table, sorted.
   *
   * @return the keys
   * @throws StoreException if the backend fails
   */
  default List<String> list() {
    return list(ListOptions.defaults());
  }

  /**
   * Lists keys, sorted, after filtering, offset and limit.
   *
   * @param options where to list and which keys to keep
   * @return the keys; without the table prefix when a table is given
   * @throws StoreException if the backend fails
   */
  List<String> list(ListOptions options);

  /**
   * Streams the records of a database (or table) whose keys match the options, pulling them from
   * the backend as the stream is consumed, so that memory stays the same whatever the size of the
   * database: for exports, migrations and batch jobs over more records than fit in a {@code List}.
   *
   * <p><b>Close the stream</b>: it holds resources of the store (for NATS a consumer on the server
   * and a subscription; for the in-memory store a snapshot that keeps superseded versions) until it
   * is closed or read to its end. Use try-with-resources:
   *
   * <pre>{@code
   * try (Stream<Record> records = store.scan(ListOptions.builder().table("orders").build())) {
   *   records.forEach(r -> export(r));
   * }
   * }</pre>
   *
   * <p>The options mean what they mean for {@link #list(ListOptions)}: the database and table, keys
   * with the prefix and the suffix (relative to the table), and {@code offset} and {@code limit}.
   * Records carry their keys as {@link #list(ListOptions)} lists them, their revision and time
   * left, like {@link #read(String, ReadOptions)}.
   *
   * <p><b>Order.</b> Unlike {@code read} and {@code list}, a scan does not promise sorted results:
   * sorting would hold every key. The order is the store's, and the same for an unchanged database,
   * so offset and limit cut the same elements each time; for sorted pages use {@code read} and
   * {@code list}. The in-memory store, and a NATS store answering from its near cache, stream in
   * key order; a NATS store reading from the server streams in the order of the keys' last changes,
   * oldest first.
   *
   * <p><b>Consistency.</b> A key that exists unchanged while the scan runs appears exactly once. A
   * key created or deleted while it runs may or may not appear; a key changed while it runs appears
   * at least once, and may appear twice (old state, then new), which offset and limit count like
   * any other element. The in-memory store's scans are snapshots (each key once, at the revision of
   * the scan's start); NATS scans are not.
   *
   * <p>Failures of the backend while the stream is consumed are thrown by the stream's operations,
   * as {@link StoreException}s. The stream is sequential; use it from one thread at a time.
   *
   * <p>The default implementation lists the keys ({@link #list(ListOptions)}) and reads the records
   * in chunks ({@link #readAll}); stores override it to stream without holding the keys.
   *
   * @param options where to scan and which keys to keep
   * @return the records; must be closed
   * @throws IllegalArgumentException if the options are invalid for this store
   * @throws StoreException if the backend fails when the scan starts
   */
  default Stream<Record> scan(ListOptions options) {
    Objects.requireNonNull(options, "options");
    List<String> keys = list(options);
    ReadOptions.Builder b = ReadOptions.builder();
    options.database().ifPresent(b::database);
    options.table().ifPresent(b::table);
    ReadOptions from = b.build();
    int chunk = 256;
    return java.util.stream.IntStream.range(0, (keys.size() + chunk - 1) / chunk)
        .mapToObj(
            i -> readAll(keys.subList(i * chunk, Math.min(keys.size(), (i + 1) * chunk)), from))
        .flatMap(m -> m.values().stream());
  }

  /**
   * Streams the keys of a database (or table) that match the options: {@link #scan(ListOptions)}
   * without the values, with the same order, consistency and duty to close the stream.
   *
   * <pre>{@code
   * try (Stream<String> keys = store.scanKeys(ListOptions.builder().prefix("2024-").build())) {
   *   long n = keys.count();
   * }
   * }</pre>
   *
   * <p>The default implementation returns the keys of {@link #list(ListOptions)}.
   *
   * @param options where to scan and which keys to keep
   * @return the keys, as {@link #list(ListOptions)} lists them; must be closed
   * @throws IllegalArgumentException if the options are invalid for this store
   * @throws StoreException if the backend fails when the scan starts
   */
  default Stream<String> scanKeys(ListOptions options) {
    Objects.requireNonNull(options, "options");
    return list(options).stream();
  }

  /**
   * The names of the databases that exist, sorted.
   *
   * @return the database names
   * @throws StoreException if the backend fails
   */
  List<String> databases();

  /**
   * Deletes a whole database and every record in it (Go: {@code Delete(name, DeleteBucket())}).
   *
   * @param database the database name
   * @return true if the database existed
   * @throws IllegalArgumentException if the name is empty or invalid for this store
   * @throws StoreException if the backend fails
   */
  boolean deleteDatabase(String database);

  /**
   * Watches the changes of a database, optionally narrowed to a table and a key prefix. Events
   * arrive in revision order, none lost or duplicated, including changes made by other clients of
   * the same backend. Watching a database that does not exist yet is allowed; its changes are
   * delivered once it is created.
   *
   * @param options what to watch and whether to start with the current records
   * @param listener receives the events, one at a time
   * @return the running watch; close it to stop
   * @throws IllegalArgumentException if the options are invalid for this store
   * @throws StoreException if the backend fails
   */
  Watch watch(WatchOptions options, WatchListener listener);

  /**
   * The changes of a watch as a {@link Flow.Publisher}, for reactive pipelines. The publisher is
   * cold: each {@link Flow.Publisher#subscribe subscribe} starts a watch of its own with these
   * options (with {@link #watch(WatchOptions, WatchListener)}), and {@link
   * Flow.Subscription#cancel() cancel} closes it.
   *
   * <ul>
   *   <li>Events are signalled only as requested. The watch's listener waits for demand on the
   *       watch's own delivery thread, so back-pressure reaches the watch's bounded {@linkplain
   *       WatchOptions#bufferSize() buffer}: a subscriber that stops requesting holds up its own
   *       watch only, and nothing is lost or repeated when it requests again.
   *   <li>A watch error, such as a {@link WatchGapException}, is signalled with {@code onError}.
   *       The stream never completes otherwise.
   *   <li>The end of the initial data is not signalled: with {@link
   *       WatchOptions.Builder#includeInitial()} the current records are ordinary {@code PUT}
   *       events before the live changes.
   *   <li>Without {@code includeInitial} and {@code fromRevision}, the watch is running when {@code
   *       subscribe} returns, so every later change is delivered. With either of them it is started
   *       on a new thread, so that delivering the first events (which a store may do on the thread
   *       calling {@code watch}) waits for demand without blocking the subscribing thread; nothing
   *       is lost by starting later.
   *   <li>Reactive Streams rules: {@code onSubscribe} comes first; signals are serial (rule 1.3);
   *       {@code request(n)} with {@code n <= 0} ends the subscription with {@code onError(}{@link
   *       IllegalArgumentException}{@code )} (rule 3.9); demand adds up to {@link Long#MAX_VALUE};
   *       {@code cancel} is idempotent and no signal starts after it; the listener's wait for
   *       demand ends on cancel and when its thread is interrupted, as a store does when it closes.
   *       A subscriber that throws is considered cancelled (rule 2.13).
   * </ul>
   *
   * <p>The publisher is a {@code java.util.concurrent.Flow.Publisher}; the usual libraries adapt it
   * in one line:
   *
   * <ul>
   *   <li>Reactor: {@code JdkFlowAdapter.flowPublisherToFlux(store.changes(options))}
   *   <li>RxJava 3: {@code
   *       Flowable.fromPublisher(FlowAdapters.toPublisher(store.changes(options)))} ({@code
   *       FlowAdapters} of {@code org.reactivestreams:reactive-streams})
   *   <li>Mutiny: {@code Multi.createFrom().publisher(store.changes(options))}
   * </ul>
   *
   * @param options what to watch, where to start and the watch's buffer size
   * @return a publisher of the watch's events; it never completes
   * @throws NullPointerException if the options are null (a null subscriber makes {@code subscribe}
   *     throw it too)
   */
  default Flow.Publisher<ChangeEvent> changes(WatchOptions options) {
    return new WatchPublisher(this, options);
  }

  /**
   * The kept revisions of one key, oldest first: writes as {@link ChangeEvent.Op#PUT} with the
   * record, deletes as {@link ChangeEvent.Op#DELETE}. How many revisions are kept is a setting of
   * the database (its history depth).
   *
   * @param key the key
   * @param options the database and table; a {@link ReadOptions.Builder#limit(int) limit} keeps
   *     only the newest revisions; prefix, suffix and offset must not be set
   * @return the revisions, oldest first; empty when the key never existed
   * @throws IllegalArgumentException if the key is invalid or prefix, suffix or offset is set
   * @throws StoreException if the backend fails
   */
  List<ChangeEvent> history(String key, ReadOptions options);

  /**
   * Size and configuration of a database.
   *
   * @param database the database name
   * @return the info, or empty when the database does not exist
   * @throws IllegalArgumentException if the name is invalid for this store
   * @throws StoreException if the backend fails
   */
  Optional<DatabaseInfo> info(String database);

  /**
   * The database used when options name none (Go: {@code Options().Database}).
   *
   * @return the default database's name
   */
  default String defaultDatabase() {
    return "default";
  }

  /**
   * A snapshot of the store's state and counters: connection, reconnects, open watches, near cache.
   * Cheap enough to call from a gauge.
   *
   * @return the current stats; implementations that keep none report their kind as {@code custom},
   *     connected, and every count zero
   */
  default StoreStats stats() {
    return StoreStats.builder("custom").build();
  }

  /**
   * Releases the store's resources. Idempotent; afterwards every other method throws {@link
   * IllegalStateException}.
   */
  @Override
  void close();

  /**
   * A readable description of the store: its kind and its defaults, never secrets.
   *
   * @return the description, for example {@code memory:?database=default}
   */
  @Override
  String toString();
}
