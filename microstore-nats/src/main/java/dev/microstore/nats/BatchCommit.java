package dev.microstore.nats;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.ConflictException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.Record;
import dev.microstore.StoreException;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Commits a batch as one JetStream atomic batch ({@link AtomicBatchPublisher}): every operation is
 * the message a single write or delete would publish, with its condition as an
 * expected-last-subject-sequence header, so the server decides all conditions at once. Once
 * committed, every operation goes through {@link Acknowledged}, as a single write does.
 *
 * <p>A commit that got no answer is reported as {@link OutcomeUnknownException} and never resent: a
 * batch carries no message ids, so a resend could apply it twice.
 *
 * <p>Thread-safe.
 */
final class BatchCommit {
  private final Backend backend;
  private final Writes writes;
  private final StoredMessages messages;
  private final Acknowledged acknowledged;
  private final AtomicBatchPublisher batches;
  private final Clock clock = Clock.systemUTC();
  private volatile Runnable beforeCommit = () -> {};

  BatchCommit(Backend backend, Writes writes, StoredMessages messages, Acknowledged acknowledged) {
    this.backend = backend;
    this.writes = writes;
    this.messages = messages;
    this.acknowledged = acknowledged;
    this.batches = new AtomicBatchPublisher(backend.connection, backend.timeout);
  }

  /** Runs a hook after all messages of a batch but the commit were sent. For tests only. */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  BatchResult commit(String db, @Nullable String table, Batch batch) {
    List<Batch.Operation> ops = batch.operations();
    Instant now = clock.instant();
    List<PreparedWrite> prepared = new ArrayList<>(ops.size());
    for (Batch.Operation op : ops) {
      prepared.add(prepare(backend.addressing.target(db, table, op.key()), op, now));
    }
    if (!batches.serverSupportsBatches()) {
      throw new StoreException(
          "committing a batch to database \""
              + db
              + "\" needs nats-server "
              + AtomicBatchPublisher.MINIMUM_SERVER.substring(0, 4)
              + " or newer (atomic batch publishing), but the server runs "
              + batches.serverVersion()
              + "; nothing was written");
    }
    String what = "committing a batch of " + ops.size() + " operations to database \"" + db + "\"";
    for (int attempt = 0; ; attempt++) {
      Buckets.Bucket bucket = backend.buckets.findOrCreate(db);
      if (!bucket.atomicBatches) {
        bucket = backend.buckets.allowAtomicBatches(db);
      }
      try {
        List<AtomicBatchPublisher.Entry> entries = new ArrayList<>(ops.size());
        for (PreparedWrite w : prepared) {
          entries.add(
              new AtomicBatchPublisher.Entry(
                  w.target.subject, w.headers(bucket), w.body, expected(bucket, w)));
        }
        long first = batches.publish(entries, beforeCommit);
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (int i = 0; i < prepared.size(); i++) {
          acknowledged.stored(prepared.get(i), bucket, first + i);
          revisions.put(ops.get(i).key(), first + i);
        }
        return new BatchResult(revisions);
      } catch (JetStreamApiException | IOException | InterruptedException | RuntimeException e) {
        if (e instanceof StoreException) {
          throw (StoreException) e;
        }
        NatsErrors.Kind kind = NatsErrors.classify(e);
        if (kind == NatsErrors.Kind.CONFLICT) {
          throw conflict(bucket, prepared, e);
        }
        if (kind == NatsErrors.Kind.NO_REPLY) {
          throw new OutcomeUnknownException(
              what + ": the commit got no answer; the batch may or may not have been applied",
              e,
              0);
        }
        if (attempt == 0
            && (NatsErrors.apiCode(e) == NatsErrors.ATOMIC_PUBLISH_DISABLED
                || NatsErrors.bucketGone(e))) {
          // the bucket was reconfigured, or deleted and perhaps recreated, by another client
          backend.buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what, e);
      }
    }
  }

  private PreparedWrite prepare(Target t, Batch.Operation op, Instant now) {
    Batch.Condition c = op.condition();
    long condition = c.isIfAbsent() ? 0 : c.revision().orElse(-1);
    Record r = op.record().orElse(null);
    if (r == null) {
      return new PreparedWrite(t, null, DirectGet.EMPTY, Duration.ZERO, null, now, condition);
    }
    byte[] body = EnvelopeCodec.encode(r.key(), r.value(), r.metadata());
    writes.checkPayload(t, body);
    Duration ttl = r.expiry();
    return new PreparedWrite(t, r, body, ttl, ttl.isZero() ? null : now.plus(ttl), now, condition);
  }

  /**
   * The sequence an operation's key must have: its condition, or for ifAbsent the sequence of the
   * key's delete marker or expired record (0 when it has no message).
   *
   * @throws ConflictException when an ifAbsent key has a live record; nothing was sent
   */
  private long expected(Buckets.Bucket bucket, PreparedWrite w)
      throws IOException, JetStreamApiException {
    if (!w.ifAbsent()) {
      return w.condition;
    }
    DirectGet.Stored last = messages.last(bucket, w.target);
    if (last == null) {
      return 0;
    }
    if (!Records.live(last.headers, w.now)) {
      return last.sequence;
    }
    throw NatsErrors.conflict(
        w.target.key, w.wanted(), last.sequence, "; the batch was not applied", null);
  }

  /**
   * The conflict of a batch the server refused with "wrong last sequence", which does not say which
   * message failed: the keys with a condition are read again, in batch order, and the first whose
   * condition does not hold is named. When none fails any more (the keys changed again meanwhile),
   * the exception names the first conditional key and an unknown current revision.
   */
  private ConflictException conflict(
      Buckets.Bucket bucket, List<PreparedWrite> prepared, Throwable cause) {
    Instant now = clock.instant();
    String firstConditional = null;
    for (PreparedWrite w : prepared) {
      if (w.condition < 0) {
        continue;
      }
      String key = w.target.key;
      if (firstConditional == null) {
        firstConditional = key;
      }
      DirectGet.Stored last;
      try {
        last = messages.last(bucket, w.target);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        break;
      }
      long current = last == null ? 0 : last.sequence;
      boolean live = last != null && Records.live(last.headers, now);
      if (w.ifAbsent() ? live : current != w.condition) {
        return NatsErrors.conflict(key, w.wanted(), current, "; the batch was not applied", cause);
      }
    }
    String key = firstConditional == null ? prepared.get(0).target.key : firstConditional;
    return new ConflictException(
        key,
        -1,
        "a condition of the batch did not hold ("
            + cause.getMessage()
            + "); key \""
            + key
            + "\" or another conditional key changed; the batch was not applied",
        NatsErrors.WRONG_LAST_SEQUENCE,
        cause);
  }
}
