package dev.microstore.tck.workload;

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
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A store that passes every call to another; subclasses break the calls they override. */
class ForwardingStore implements Store {
  final Store delegate;

  ForwardingStore(Store delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<Record> read(String key, ReadOptions options) {
    return delegate.read(key, options);
  }

  @Override
  public long write(Record record, WriteOptions options) {
    return delegate.write(record, options);
  }

  @Override
  public void delete(String key, DeleteOptions options) {
    delegate.delete(key, options);
  }

  @Override
  public BatchResult commit(Batch batch) {
    return delegate.commit(batch);
  }

  @Override
  public BulkResult writeAll(Collection<Record> records, WriteOptions options) {
    return delegate.writeAll(records, options);
  }

  @Override
  public BulkResult deleteAll(Collection<String> keys, DeleteOptions options) {
    return delegate.deleteAll(keys, options);
  }

  @Override
  public Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    return delegate.readAll(keys, options);
  }

  @Override
  public CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    return delegate.readAsync(key, options);
  }

  @Override
  public CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    return delegate.writeAsync(record, options);
  }

  @Override
  public CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    return delegate.deleteAsync(key, options);
  }

  @Override
  public List<String> list(ListOptions options) {
    return delegate.list(options);
  }

  @Override
  public List<String> databases() {
    return delegate.databases();
  }

  @Override
  public boolean deleteDatabase(String database) {
    return delegate.deleteDatabase(database);
  }

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    return delegate.watch(options, listener);
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    return delegate.history(key, options);
  }

  @Override
  public Optional<DatabaseInfo> info(String database) {
    return delegate.info(database);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }

  @Override
  public String defaultDatabase() {
    return delegate.defaultDatabase();
  }

  @Override
  public dev.microstore.StoreStats stats() {
    return delegate.stats();
  }
}
