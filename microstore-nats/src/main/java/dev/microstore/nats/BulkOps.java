package dev.microstore.nats;

import dev.microstore.BulkResult;
import dev.microstore.Record;
import dev.microstore.StoreException;
import io.nats.client.Message;
import io.nats.client.impl.NatsMessage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Bulk operations: many writes, deletes or exact reads in flight at once, at most {@value #WINDOW}.
 * Writes and deletes go through the one write pipeline ({@link Writes#publish}), so each is
 * retried, acknowledged and reported exactly as a single write; reads are direct gets, answered
 * from the near cache where it holds the key.
 *
 * <p>Thread-safe.
 */
final class BulkOps {
  /** How many publishes or gets a bulk operation keeps in flight. */
  static final int WINDOW = 256;

  private final Backend backend;
  private final Writes writes;
  private final ExactReads reads;
  private final NearCache nearCache;

  BulkOps(Backend backend, Writes writes, ExactReads reads, NearCache nearCache) {
    this.backend = backend;
    this.writes = writes;
    this.reads = reads;
    this.nearCache = nearCache;
  }

  /**
   * Publishes every prepared write (a write or delete) without waiting for each acknowledgement;
   * writes of the same key are sent, and so applied, in input order. {@code keys} names each
   * write's key; a null prepared write has failed already with {@code failures[i]}.
   */
  BulkResult publishAll(
      List<String> keys, List<@Nullable PreparedWrite> prepared, StoreException[] failures) {
    BulkResult.Outcome[] out = new BulkResult.Outcome[prepared.size()];
    Window window = new Window();
    for (int i = 0; i < out.length; i++) {
      PreparedWrite w = prepared.get(i);
      String key = keys.get(i);
      if (w == null) {
        out[i] = BulkResult.Outcome.failure(key, failures[i]);
        continue;
      }
      int index = i;
      window.run(
          () -> writes.publish(w),
          (revision, failure) ->
              out[index] =
                  failure == null
                      ? BulkResult.Outcome.success(key, revision == null ? 0 : revision)
                      : BulkResult.Outcome.failure(key, NatsErrors.wrap(w.what(), failure)));
    }
    window.awaitAll();
    return new BulkResult(Arrays.asList(out));
  }

  /** Reads every key by direct gets in flight together; keys held by the near cache from it. */
  Map<String, Record> readAll(String db, List<Target> targets) {
    Optional<Buckets.Bucket> found = backend.buckets.find(db);
    if (found.isEmpty() || targets.isEmpty()) {
      return Map.of();
    }
    Buckets.Bucket bucket = found.get();
    Record[] records = new Record[targets.size()];
    Object[] replies = new Object[targets.size()];
    Window window = new Window();
    for (int i = 0; i < records.length; i++) {
      Target t = targets.get(i);
      NearCache.Entry cached = nearCache.lookup(bucket, t.full);
      if (cached != null) {
        Record r = cached.recordAt(t.key, java.time.Instant.now());
        if (r != null || cached.record == null) {
          records[i] = r;
          continue;
        }
      }
      if (!bucket.directGetsAreCurrent()) {
        records[i] = reads.read(t);
        continue;
      }
      int index = i;
      Message request =
          NatsMessage.builder()
              .subject(DirectGet.subject(backend.apiPrefix, t.db, t.stored))
              .data(DirectGet.EMPTY)
              .build();
      window.run(
          () -> Requests.send(backend.connection, request, backend.timeout),
          (reply, failure) -> replies[index] = failure != null ? failure : reply);
    }
    window.awaitAll();
    Map<String, Record> out = new LinkedHashMap<>();
    for (int i = 0; i < records.length; i++) {
      Target t = targets.get(i);
      Record r = records[i];
      Object reply = replies[i];
      if (reply instanceof Message) {
        try {
          r = reads.toLiveRecord(t, reads.fresh(t, DirectGet.parse((Message) reply)));
        } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
          reply = e;
        }
      }
      if (reply instanceof Throwable) {
        Throwable cause = NatsErrors.unwrap((Throwable) reply);
        if (!NatsErrors.readMayRetry(cause)) {
          throw NatsErrors.wrap(t.what("reading"), cause);
        }
        r = reads.read(t);
      }
      if (r != null) {
        out.put(t.key, r);
      }
    }
    return out;
  }

  /**
   * At most {@value #WINDOW} asynchronous operations in flight: {@link #run} waits for a free slot,
   * {@link #awaitAll} for every operation to complete. Completion handlers run before the slot is
   * released, so what they write is visible after {@link #awaitAll}.
   */
  private final class Window {
    private final Semaphore slots = new Semaphore(WINDOW);

    <T> void run(
        Supplier<CompletableFuture<T>> operation,
        BiConsumer<@Nullable T, @Nullable Throwable> done) {
      acquire(1);
      CompletableFuture<T> f;
      try {
        f = operation.get();
      } catch (RuntimeException e) {
        try {
          done.accept(null, e);
        } finally {
          slots.release();
        }
        return;
      }
      f.whenComplete(
          (value, failure) -> {
            try {
              done.accept(value, failure);
            } finally {
              slots.release();
            }
          });
    }

    void awaitAll() {
      acquire(WINDOW);
      slots.release(WINDOW);
    }

    private void acquire(int n) {
      try {
        slots.acquire(n);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("bulk operation on " + backend.description + ": interrupted", e);
      }
    }
  }
}
