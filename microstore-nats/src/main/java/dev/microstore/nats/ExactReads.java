package dev.microstore.nats;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Exact reads of one key: from a synced near-cache replica when the database has one, else by a
 * direct get, asked again of the stream leader when the replica that answered has not applied this
 * store's own write yet (read-your-writes). A read that finds the bucket gone looks it up again and
 * retries once. An expired record the server keeps (no native TTL) is deleted in passing.
 *
 * <p>Thread-safe.
 */
final class ExactReads {
  private final Backend backend;
  private final StoredMessages messages;
  private final WrittenRevisions written;
  private final NearCache nearCache;
  private final Clock clock = Clock.systemUTC();

  ExactReads(
      Backend backend, StoredMessages messages, WrittenRevisions written, NearCache nearCache) {
    this.backend = backend;
    this.messages = messages;
    this.written = written;
    this.nearCache = nearCache;
  }

  /** The key's live record, or null when it has none (or its database does not exist). */
  @Nullable Record read(Target t) {
    for (int attempt = 0; ; attempt++) {
      Optional<Buckets.Bucket> found = backend.buckets.find(t.db);
      if (found.isEmpty()) {
        return null;
      }
      Buckets.Bucket bucket = found.get();
      NearCache.Entry cached = nearCache.lookup(bucket, t.full);
      if (cached != null) {
        Record r = cached.recordAt(t.key, clock.instant());
        if (r != null || cached.record == null) {
          return r;
        }
        // expired: the server path below removes it where the server keeps it
      }
      try {
        return toLiveRecord(t, fresh(t, messages.last(bucket, t)));
      } catch (JetStreamApiException | IOException | RuntimeException e) {
        if (NatsErrors.readMayRetry(e) && attempt == 0) {
          backend.buckets.forget(t.db);
          continue;
        }
        throw NatsErrors.wrap(t.what("reading"), e);
      }
    }
  }

  /**
   * One asynchronous direct get (answered from the near cache when it holds the key); a read that
   * needs more than one request continues off the client's thread.
   */
  CompletableFuture<List<Record>> readAsync(Target t) {
    Optional<Buckets.Bucket> found = backend.buckets.find(t.db);
    if (found.isEmpty()) {
      throw new NotFoundException(t.key, t.db);
    }
    Buckets.Bucket bucket = found.get();
    NearCache.Entry cached = nearCache.lookup(bucket, t.full);
    if (cached != null) {
      Record r = cached.recordAt(t.key, clock.instant());
      if (r != null) {
        return CompletableFuture.completedFuture(List.of(r));
      }
      if (cached.record == null) {
        throw new NotFoundException(t.key, t.db);
      }
    }
    if (!bucket.directGetsAreCurrent() || written.expected(t.db, t.stored) > 0) {
      return offThread(t);
    }
    CompletableFuture<List<Record>> result = new CompletableFuture<>();
    Message request =
        NatsMessage.builder()
            .subject(DirectGet.subject(backend.apiPrefix, t.db, t.stored))
            .data(DirectGet.EMPTY)
            .build();
    Requests.send(backend.connection, request, backend.timeout)
        .whenComplete(
            (reply, failure) -> {
              try {
                if (failure != null) {
                  throw failure;
                }
                Record r = toLiveRecord(t, DirectGet.parse(reply));
                if (r == null) {
                  result.completeExceptionally(new NotFoundException(t.key, t.db));
                } else {
                  result.complete(List.of(r));
                }
              } catch (Throwable e) {
                if (NatsErrors.readMayRetry(e)) {
                  // the bucket may be gone: look again, off the client's thread
                  backend.buckets.forget(t.db);
                  relay(offThread(t), result);
                } else {
                  result.completeExceptionally(NatsErrors.wrap(t.what("reading"), e));
                }
              }
            });
    return result;
  }

  private CompletableFuture<List<Record>> offThread(Target t) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            Record r = read(t);
            if (r == null) {
              throw new NotFoundException(t.key, t.db);
            }
            return List.of(r);
          },
          backend.worker.get());
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("store " + backend.description + " is closed"));
    }
  }

  static <T> void relay(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            to.completeExceptionally(NatsErrors.unwrap(failure));
          } else {
            to.complete(value);
          }
        });
  }

  /**
   * The key's last message as a direct get answered it, or, when the replica that answered has not
   * applied this store's own write yet, as the stream leader has it (read-your-writes).
   */
  DirectGet.@Nullable Stored fresh(Target t, DirectGet.@Nullable Stored answered)
      throws IOException, JetStreamApiException {
    long expected = written.expected(t.db, t.stored);
    if (expected > 0 && (answered == null || answered.sequence < expected)) {
      return messages.leaderLast(t);
    }
    return answered;
  }

  /** The record of a key's last message, or null for none, a delete marker or an expired record. */
  @Nullable Record toLiveRecord(Target t, DirectGet.@Nullable Stored last) {
    if (last == null || Wire.isDeleteMarker(last.headers)) {
      return null;
    }
    Record r = Records.toRecord(t.key, last.data, last.headers, last.sequence, clock.instant());
    if (r == null) {
      removeExpired(t, last.sequence);
    }
    return r;
  }

  /**
   * Deletes a record whose expiry passed but which the server keeps (no native TTL), unless it
   * changed meanwhile. Best effort: readers skip expired records anyway.
   */
  private void removeExpired(Target t, long revision) {
    try {
      Headers h = Wire.deleteMarker().put(TtlHeaders.EXPIRED, "true");
      backend.js.publishAsync(
          t.subject,
          h,
          DirectGet.EMPTY,
          PublishOptions.builder().expectedLastSubjectSequence(revision).build());
    } catch (RuntimeException ignored) {
      // another reader or writer got there first, or the connection is down: nothing to do
    }
  }
}
