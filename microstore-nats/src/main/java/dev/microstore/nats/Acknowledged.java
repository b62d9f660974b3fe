package dev.microstore.nats;

import dev.microstore.Record;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one step after the server acknowledged a write or delete, on every path (single, conditional,
 * bulk, asynchronous, batch): the revision is remembered for read-your-writes, and a running
 * near-cache replica of the database applies the change before the caller hears of it.
 *
 * <p>Thread-safe.
 */
final class Acknowledged {
  private final WrittenRevisions written;
  private final NearCache nearCache;

  Acknowledged(WrittenRevisions written, NearCache nearCache) {
    this.written = written;
    this.nearCache = nearCache;
  }

  /** The server stored {@code w} at {@code revision} in {@code bucket}. */
  void stored(PreparedWrite w, Buckets.Bucket bucket, long revision) {
    written.wrote(w.target.db, w.target.stored, revision);
    NearCache.Replica replica = nearCache.running(w.target.db);
    if (replica == null || !replica.bucket.sameStream(bucket)) {
      return;
    }
    Record record = w.record;
    if (record == null) {
      replica.apply(w.target.full, new NearCache.Entry(null, revision, null, null));
      return;
    }
    @Nullable Instant expiresAt = w.expiresAt;
    @Nullable Instant goneAt = expiresAt;
    if (!bucket.maxAge.isZero()) {
      Instant aged = w.now.plus(bucket.maxAge);
      goneAt = goneAt == null || aged.isBefore(goneAt) ? aged : goneAt;
    }
    Record stored = record.toBuilder().revision(revision).expiry(Duration.ZERO).build();
    replica.apply(w.target.full, new NearCache.Entry(stored, revision, expiresAt, goneAt));
  }

  /** Forgets a deleted database. */
  void forget(String db) {
    written.forget(db);
  }
}
