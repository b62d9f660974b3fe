package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The base of every group of kit tests: access to the store of the test, fresh database names and
 * shorthands for options. A group is a package-private class whose tests run as a {@code @Nested}
 * class of {@link StoreContract}.
 */
abstract class KitTests {
  static final String DEFAULT_DATABASE = StoreContract.DEFAULT_DATABASE;

  private final StoreContract kit;

  KitTests(StoreContract kit) {
    this.kit = kit;
  }

  final StoreContract kit() {
    return kit;
  }

  final Store store() {
    return kit.store();
  }

  final StoreFactory factory() {
    return kit.storeFactory();
  }

  final String newDatabase() {
    return kit.newDatabase();
  }

  final boolean supports(StoreFeature feature) {
    return kit.supports(feature);
  }

  final void assumeFeature(StoreFeature feature) {
    assumeTrue(supports(feature), () -> "the store does not declare the feature " + feature);
  }

  /** Writes each key into a database and table with the value {@code value-of-<key>}. */
  final void writeKeys(String database, String table, String... keys) {
    for (String key : keys) {
      store().write(Record.of(key, valueOf(key)), to(database, table));
    }
  }

  static String valueOf(String key) {
    return "value-of-" + key;
  }

  /** Reads one exact key and checks that exactly one record came back. */
  final Record readOne(String key, ReadOptions options) {
    List<Record> records = store().read(key, options);
    assertThat(records).as("exact read of %s with %s", key, options).hasSize(1);
    return records.get(0);
  }

  final List<String> databases() {
    return store().databases();
  }

  static List<String> keys(List<Record> records) {
    return records.stream().map(Record::key).collect(Collectors.toList());
  }

  static WriteOptions to(String database) {
    return WriteOptions.builder().database(database).build();
  }

  static WriteOptions to(String database, String table) {
    return WriteOptions.builder().to(database, table).build();
  }

  static ReadOptions from(String database) {
    return ReadOptions.builder().database(database).build();
  }

  static ReadOptions from(String database, String table) {
    return ReadOptions.builder().from(database, table).build();
  }

  static ReadOptions.Builder read(String database) {
    return ReadOptions.builder().database(database);
  }

  static ReadOptions.Builder read(String database, String table) {
    return ReadOptions.builder().from(database, table);
  }

  static ReadOptions prefixIn(String database) {
    return ReadOptions.builder().database(database).prefix().build();
  }

  static ReadOptions prefixIn(String database, String table) {
    return ReadOptions.builder().from(database, table).prefix().build();
  }

  static ReadOptions suffixIn(String database) {
    return ReadOptions.builder().database(database).suffix().build();
  }

  static ListOptions listOf(String database) {
    return ListOptions.builder().database(database).build();
  }

  static ListOptions listOf(String database, String table) {
    return ListOptions.builder().from(database, table).build();
  }

  static ListOptions.Builder list(String database) {
    return ListOptions.builder().database(database);
  }

  static ListOptions.Builder list(String database, String table) {
    return ListOptions.builder().from(database, table);
  }

  static DeleteOptions deleteFrom(String database) {
    return DeleteOptions.builder().database(database).build();
  }

  static DeleteOptions deleteFrom(String database, String table) {
    return DeleteOptions.builder().from(database, table).build();
  }

  /** How long the kit waits for the threads of a concurrent test before failing it. */
  static final long CONCURRENT_TIMEOUT_SECONDS = 120;

  /**
   * Runs one task per thread, all released at once, and returns their results in thread order. A
   * task's exception fails the test with that exception as the cause.
   */
  static <T> List<T> runConcurrently(int threads, IntFunction<Callable<T>> task)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<T> body = task.apply(t);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return body.call();
                }));
      }
      start.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONCURRENT_TIMEOUT_SECONDS);
      List<T> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        try {
          results.add(futures.get(t).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          throw new AssertionError("thread " + t + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
          throw new AssertionError(
              "threads did not finish within " + CONCURRENT_TIMEOUT_SECONDS + " s", e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
