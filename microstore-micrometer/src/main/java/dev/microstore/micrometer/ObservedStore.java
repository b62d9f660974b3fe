package dev.microstore.micrometer;

import static java.util.Objects.requireNonNull;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.BulkResult;
import dev.microstore.ChangeEvent;
import dev.microstore.DatabaseInfo;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreStats;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A store whose every operation runs inside an observation; everything else is the delegate's. Each
 * method delegates to the same method of the delegate, so its own implementations (pipelined bulk
 * calls, native asynchronous calls) stay in use.
 */
@SuppressWarnings("try") // an observation's scope is open for the call, unreferenced
final class ObservedStore implements Store {
  private final Store delegate;
  private final ObservationRegistry registry;
  private final StoreObservationConvention convention;
  private final StoreObservationConvention defaultConvention;
  private final String kind;
  private final String defaultDatabase;

  ObservedStore(
      Store delegate,
      ObservationRegistry registry,
      StoreObservationConvention convention,
      StoreObservationConvention defaultConvention) {
    this.delegate = delegate;
    this.registry = registry;
    this.convention = convention;
    this.defaultConvention = defaultConvention;
    this.kind = delegate.stats().kind();
    this.defaultDatabase = delegate.defaultDatabase();
  }

  /** Whether {@code store} is already observed by {@code registry}. */
  static boolean observedBy(Store store, ObservationRegistry registry) {
    return store instanceof ObservedStore && ((ObservedStore) store).registry == registry;
  }

  @Override
  public List<Record> read(String key, ReadOptions options) {
    String operation = requireNonNull(options, "options").exact() ? "read" : "read-matching";
    return observe(operation, db(options.database()), () -> delegate.read(key, options));
  }

  @Override
  public Optional<Record> find(String key, ReadOptions options) {
    Observation observation = start("find", db(requireNonNull(options, "options").database()));
    try (Observation.Scope ignored = observation.openScope()) {
      Optional<Record> found = delegate.find(key, options);
      if (found.isEmpty()) {
        context(observation).outcome(StoreOperationContext.NOT_FOUND);
      }
      return found;
    } catch (RuntimeException e) {
      observation.error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }

  @Override
  public long write(Record record, WriteOptions options) {
    return observe(
        "write",
        db(requireNonNull(options, "options").database()),
        () -> delegate.write(record, options));
  }

  @Override
  public void delete(String key, DeleteOptions options) {
    observe(
        "delete",
        db(requireNonNull(options, "options").database()),
        () -> {
          delegate.delete(key, options);
          return null;
        });
  }

  @Override
  public BatchResult commit(Batch batch) {
    return observe(
        "commit", db(requireNonNull(batch, "batch").database()), () -> delegate.commit(batch));
  }

  @Override
  public BulkResult writeAll(Collection<Record> records, WriteOptions options) {
    return observe(
        "write-all",
        db(requireNonNull(options, "options").database()),
        () -> delegate.writeAll(records, options));
  }

  @Override
  public BulkResult deleteAll(Collection<String> keys, DeleteOptions options) {
    return observe(
        "delete-all",
        db(requireNonNull(options, "options").database()),
        () -> delegate.deleteAll(keys, options));
  }

  @Override
  public Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    return observe(
        "read-all",
        db(requireNonNull(options, "options").database()),
        () -> delegate.readAll(keys, options));
  }

  @Override
  public CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    return observeAsync(
        "read-async",
        db(requireNonNull(options, "options").database()),
        () -> delegate.readAsync(key, options));
  }

  @Override
  public CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    return observeAsync(
        "write-async",
        db(requireNonNull(options, "options").database()),
        () -> delegate.writeAsync(record, options));
  }

  @Override
  public CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    return observeAsync(
        "delete-async",
        db(requireNonNull(options, "options").database()),
        () -> delegate.deleteAsync(key, options));
  }

  @Override
  public List<String> list(ListOptions options) {
    return observe(
        "list", db(requireNonNull(options, "options").database()), () -> delegate.list(options));
  }

  @Override
  public Stream<Record> scan(ListOptions options) {
    return observeStream(
        "scan", db(requireNonNull(options, "options").database()), () -> delegate.scan(options));
  }

  @Override
  public Stream<String> scanKeys(ListOptions options) {
    return observeStream(
        "scan-keys",
        db(requireNonNull(options, "options").database()),
        () -> delegate.scanKeys(options));
  }

  @Override
  public List<String> databases() {
    return observe("databases", "all", delegate::databases);
  }

  @Override
  public boolean deleteDatabase(String database) {
    return observe(
        "delete-database", String.valueOf(database), () -> delegate.deleteDatabase(database));
  }

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    return observe(
        "watch",
        db(requireNonNull(options, "options").database()),
        () -> delegate.watch(options, listener));
  }

  @Override
  public Flow.Publisher<ChangeEvent> changes(WatchOptions options) {
    return delegate.changes(options);
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    return observe(
        "history",
        db(requireNonNull(options, "options").database()),
        () -> delegate.history(key, options));
  }

  @Override
  public Optional<DatabaseInfo> info(String database) {
    return observe("info", String.valueOf(database), () -> delegate.info(database));
  }

  @Override
  public String defaultDatabase() {
    return defaultDatabase;
  }

  @Override
  public StoreStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  // ---------------------------------------------------------------- observing

  private String db(Optional<String> named) {
    return named.orElse(defaultDatabase);
  }

  private Observation start(String operation, String database) {
    StoreOperationContext context = new StoreOperationContext(operation, database, kind);
    return Observation.createNotStarted(convention, defaultConvention, () -> context, registry)
        .start();
  }

  private static StoreOperationContext context(Observation observation) {
    return (StoreOperationContext) observation.getContext();
  }

  private <T> T observe(String operation, String database, Supplier<T> call) {
    Observation observation = start(operation, database);
    try (Observation.Scope ignored = observation.openScope()) {
      return call.get();
    } catch (RuntimeException e) {
      observation.error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }

  private <T> CompletableFuture<T> observeAsync(
      String operation, String database, Supplier<CompletableFuture<T>> call) {
    Observation observation = start(operation, database);
    CompletableFuture<T> future;
    try (Observation.Scope ignored = observation.openScope()) {
      future = call.get();
    } catch (RuntimeException e) {
      observation.error(e);
      observation.stop();
      throw e;
    }
    return future.whenComplete(
        (result, failure) -> {
          if (failure != null) {
            observation.error(unwrap(failure));
          }
          observation.stop();
        });
  }

  private <T> Stream<T> observeStream(String operation, String database, Supplier<Stream<T>> call) {
    Observation observation = start(operation, database);
    try (Observation.Scope ignored = observation.openScope()) {
      return call.get().onClose(observation::stop);
    } catch (RuntimeException e) {
      observation.error(e);
      observation.stop();
      throw e;
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
