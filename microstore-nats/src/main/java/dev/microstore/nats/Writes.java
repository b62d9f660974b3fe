package dev.microstore.nats;

import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.Record;
import dev.microstore.StoreException;
import dev.microstore.WriteOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The one write pipeline: every write and delete — single, conditional, bulk, asynchronous — is a
 * {@link PreparedWrite} published here and, once acknowledged, handed to {@link Acknowledged}.
 *
 * <p>A publish is retried only as a resend of the same message (the same {@code Nats-Msg-Id}), and
 * only within the store's timeout: after a request with no reply (the first attempt waits half the
 * timeout), after the connection came back, or when nobody listened (the bucket is looked up again
 * and, for a write, created). A resend of a message the stream stored already is answered with the
 * first acknowledgement. A conditional resend may instead be refused because the first attempt
 * changed the key's revision: then the key's messages tell whether that attempt was stored (it is
 * the first message after the expected revision and carries this write's message id). What cannot
 * be told is reported as {@link OutcomeUnknownException}, never as a conflict.
 *
 * <p>Thread-safe.
 */
final class Writes {
  /** The shortest wait of a first attempt, however short the timeout. */
  private static final long MIN_FIRST_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The pause before resending after "no responders" or a retriable server error. */
  private static final long BACKOFF_MILLIS = 25;

  /** The headroom for headers and subject checked against the server's maximum payload. */
  private static final int HEADER_ROOM = 192;

  private final Backend backend;
  private final StoredMessages messages;
  private final Acknowledged acknowledged;

  Writes(Backend backend, StoredMessages messages, Acknowledged acknowledged) {
    this.backend = backend;
    this.messages = messages;
    this.acknowledged = acknowledged;
  }

  /** A write checked and encoded; throws when its value is over the server's maximum payload. */
  PreparedWrite put(Target t, Record record, WriteOptions options, Instant now) {
    Duration ttl = options.effectiveTtl(record, now);
    byte[] body = EnvelopeCodec.encode(record.key(), record.value(), record.metadata());
    checkPayload(t, body);
    long condition =
        options.ifAbsent()
            ? 0
            : options.ifRevision().isPresent() ? options.ifRevision().getAsLong() : -1;
    return new PreparedWrite(
        t, record, body, ttl, ttl.isZero() ? null : now.plus(ttl), now, condition);
  }

  /** A delete marker for the key. */
  PreparedWrite delete(Target t, DeleteOptions options, Instant now) {
    long condition = options.ifRevision().isPresent() ? options.ifRevision().getAsLong() : -1;
    return new PreparedWrite(t, null, DirectGet.EMPTY, Duration.ZERO, null, now, condition);
  }

  /** Refuses a value over the server's max payload, with room for the subject and headers. */
  void checkPayload(Target t, byte[] body) {
    long maxPayload = backend.connection.getServerInfo().getMaxPayload();
    if (maxPayload > 0 && body.length + t.subject.length() + HEADER_ROOM > maxPayload) {
      throw new StoreException(
          "value of key \""
              + t.key
              + "\" is "
              + body.length
              + " bytes once stored (JSON envelope, base64 value), over the server's max payload"
              + " of "
              + maxPayload
              + " bytes");
    }
  }

  /**
   * Publishes a prepared write; the future completes with the revision the server stored it at (0
   * for a delete in a database that does not exist), or with the store's exception: a {@link
   * ConflictException} (nothing was written), an {@link OutcomeUnknownException}, or another {@link
   * StoreException} (nothing was written). Never later than the store's timeout.
   */
  CompletableFuture<Long> publish(PreparedWrite w) {
    Publication p = new Publication(w);
    p.start();
    return p.result;
  }

  /** Publishes and waits: {@link #publish} for synchronous callers. */
  long publishAndWait(PreparedWrite w) {
    try {
      return publish(w).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException(w.what() + ": interrupted while waiting", e, 0);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = NatsErrors.unwrap(e);
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw NatsErrors.wrap(w.what(), cause);
    }
  }

  /**
   * The stream sequence of a publish acknowledgement. The usual reply, {@code
   * {"stream":"KV_x","seq":42}} (perhaps with {@code "domain"} or {@code "duplicate"}), is read
   * straight from its bytes on the thread that completes every write of the connection; anything
   * else (an error, a status) goes through jnats' {@link PublishAck}, which throws the server's
   * error.
   */
  static long sequenceOf(Message reply) throws IOException, JetStreamApiException {
    byte[] d = reply.getData();
    if (!reply.isStatusMessage() && d != null && d.length > 8 && d[0] == '{') {
      long seq = quickSequence(d);
      if (seq > 0) {
        return seq;
      }
    }
    return new PublishAck(reply).getSeqno();
  }

  private static final byte[] SEQ = "\"seq\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] ERROR =
      "\"error\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The number after {@code "seq":} in a reply without {@code "error"}, or -1. */
  static long quickSequence(byte[] d) {
    if (indexOf(d, ERROR, 0) >= 0) {
      return -1;
    }
    int at = indexOf(d, SEQ, 0);
    if (at < 0) {
      return -1;
    }
    int i = at + SEQ.length;
    long v = 0;
    int digits = 0;
    while (i < d.length && d[i] >= '0' && d[i] <= '9' && digits < 19) {
      v = v * 10 + (d[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 || i >= d.length || (d[i] != ',' && d[i] != '}') ? -1 : v;
  }

  private static int indexOf(byte[] data, byte[] wanted, int from) {
    outer:
    for (int i = from; i <= data.length - wanted.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (data[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The attempts to publish one prepared write. */
  private final class Publication {
    final PreparedWrite w;
    final long deadline;
    final CompletableFuture<Long> result = new CompletableFuture<>();
    Buckets.@Nullable Bucket bucket;
    long expected;
    int attempts;

    /** An earlier attempt got no reply: it may have been stored. */
    boolean mayBeStored;

    Publication(PreparedWrite w) {
      this.w = w;
      this.deadline = System.nanoTime() + backend.timeout.toNanos();
      this.expected = w.condition;
    }

    void start() {
      try {
        if (w.isDelete()) {
          Optional<Buckets.Bucket> found = backend.buckets.find(w.target.db);
          if (found.isEmpty()) {
            nothingToDelete();
            return;
          }
          bucket = found.get();
        } else {
          bucket = backend.buckets.findOrCreate(w.target.db);
        }
      } catch (RuntimeException e) {
        fail(NatsErrors.wrap(w.what(), e));
        return;
      }
      send();
    }

    /** A delete in a database that does not exist: done, or a conflict with a condition. */
    void nothingToDelete() {
      if (w.condition < 0) {
        result.complete(0L);
        return;
      }
      fail(
          new ConflictException(
              w.target.key,
              0,
              "key \""
                  + w.target.key
                  + "\" was expected "
                  + w.wanted()
                  + " but is absent (database \""
                  + w.target.db
                  + "\" does not exist)",
              0));
    }

    void send() {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        giveUp(null);
        return;
      }
      long wait =
          attempts == 0
              ? Math.max(remaining / 2, Math.min(remaining, MIN_FIRST_ATTEMPT_NANOS))
              : remaining;
      attempts++;
      Buckets.Bucket b = bucket;
      Requests.send(backend.connection, w.message(b, expected), Duration.ofNanos(wait))
          .whenComplete(
              (reply, failure) -> {
                if (failure == null) {
                  try {
                    stored(sequenceOf(reply));
                  } catch (IOException | JetStreamApiException | RuntimeException refused) {
                    later(refused);
                  }
                } else {
                  later(failure);
                }
              });
    }

    /** Handles a failure off the jnats thread it arrived on: what follows may block. */
    void later(Throwable failure) {
      try {
        backend.worker.get().execute(() -> onFailure(failure));
      } catch (RejectedExecutionException closed) {
        fail(outcome(failure));
      }
    }

    void onFailure(Throwable failure) {
      try {
        switch (NatsErrors.classify(failure)) {
          case CONFLICT:
            onConflict(failure);
            return;
          case NO_REPLY:
            mayBeStored = true;
            resendWhenConnected(failure);
            return;
          case NOT_CONNECTED:
            if (mayBeStored) {
              resendWhenConnected(failure);
            } else {
              // nothing was sent: fail fast rather than wait for the connection
              giveUp(failure);
            }
            return;
          case NO_RESPONDERS:
          case BUCKET_GONE:
            onBucketMaybeGone(failure);
            return;
          case RETRIABLE:
          case BUSY:
            // nothing was stored; a BUSY condition is decided once the other write is
            pause();
            resendOrGiveUp(failure);
            return;
          case TOO_LARGE:
            fail(
                new StoreException(
                    "value of key \""
                        + w.target.key
                        + "\" is "
                        + w.body.length
                        + " bytes once stored, over the maximum value size of database \""
                        + w.target.db
                        + "\"",
                    failure,
                    NatsErrors.MESSAGE_TOO_LARGE,
                    false));
            return;
          default:
            fail(outcome(failure));
        }
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        fail(outcome(e));
      }
    }

    void onConflict(Throwable failure) throws IOException, JetStreamApiException {
      if (mayBeStored) {
        resolve(failure);
        return;
      }
      if (w.ifAbsent()) {
        // a delete marker or an expired record counts as absent: replace exactly that revision
        DirectGet.Stored last = messages.leaderLast(w.target);
        long absentAt = last == null || !Records.live(last.headers, w.now) ? sequence(last) : -1;
        if (absentAt >= 0 && absentAt != expected) {
          expected = absentAt;
          resendOrGiveUp(failure);
          return;
        }
        if (last != null && Records.live(last.headers, w.now)) {
          fail(NatsErrors.conflict(w.target.key, w.wanted(), last.sequence, "", failure));
          return;
        }
      }
      fail(NatsErrors.conflict(w.target.key, failure, w.wanted()));
    }

    /**
     * A conditional resend was refused after an attempt that may have been stored: that attempt was
     * stored exactly when it is the key's first message after the expected revision. When older
     * messages of the key may have been removed since (history, rollups), it cannot be told.
     */
    void resolve(Throwable failure) throws IOException, JetStreamApiException {
      DirectGet.Stored last = messages.leaderLast(w.target);
      if (last != null && isOurs(last)) {
        stored(last.sequence);
        return;
      }
      DirectGet.Stored next = messages.leaderNext(w.target, expected + 1);
      if (next != null && isOurs(next)) {
        stored(next.sequence);
        return;
      }
      if (next == null) {
        fail(NatsErrors.conflict(w.target.key, failure, w.wanted()));
        return;
      }
      DirectGet.Stored first = messages.leaderNext(w.target, 1);
      if (expected > 0 && first != null && first.sequence <= expected) {
        // nothing after the expected revision was removed, and another message follows it
        fail(NatsErrors.conflict(w.target.key, failure, w.wanted()));
        return;
      }
      fail(
          new OutcomeUnknownException(
              w.what()
                  + ": an attempt got no reply in time, and the key changed since; that attempt"
                  + " may or may not have been stored",
              failure,
              NatsErrors.apiCode(failure)));
    }

    long sequence(DirectGet.@Nullable Stored m) {
      return m == null ? 0 : m.sequence;
    }

    boolean isOurs(DirectGet.Stored m) {
      return m.headers != null && w.messageId.equals(m.headers.getFirst(Wire.MSG_ID));
    }

    void onBucketMaybeGone(Throwable failure) {
      backend.buckets.forget(w.target.db);
      Optional<Buckets.Bucket> found = backend.buckets.find(w.target.db);
      if (found.isEmpty()) {
        if (w.isDelete()) {
          nothingToDelete();
          return;
        }
        bucket = backend.buckets.findOrCreate(w.target.db);
      } else {
        bucket = found.get();
        pause();
      }
      resendOrGiveUp(failure);
    }

    void resendWhenConnected(Throwable failure) {
      while (backend.connection.getStatus() != Connection.Status.CONNECTED
          && System.nanoTime() - deadline < 0) {
        if (backend.connection.getStatus() == Connection.Status.CLOSED) {
          break;
        }
        pause();
      }
      resendOrGiveUp(failure);
    }

    void resendOrGiveUp(Throwable failure) {
      if (System.nanoTime() - deadline >= 0) {
        giveUp(failure);
      } else {
        send();
      }
    }

    void pause() {
      try {
        Thread.sleep(BACKOFF_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void giveUp(@Nullable Throwable failure) {
      String why =
          " within "
              + backend.timeout.toMillis()
              + " ms"
              + (failure == null ? "" : " (" + failure.getMessage() + ")");
      if (mayBeStored) {
        fail(
            new OutcomeUnknownException(
                w.what() + ": no acknowledgement" + why + "; it may or may not have been stored",
                failure,
                0));
      } else if (failure != null && NatsErrors.classify(failure) == NatsErrors.Kind.BUSY) {
        fail(
            new StoreException(
                w.what()
                    + ": another write to the key was being replicated"
                    + why
                    + "; nothing was written",
                failure,
                NatsErrors.WRONG_LAST_SEQUENCE_CLUSTERED,
                true));
      } else if (failure != null && NatsErrors.classify(failure) == NatsErrors.Kind.NOT_CONNECTED) {
        fail(
            new StoreException(
                w.what() + ": " + failure.getMessage() + "; nothing was written",
                failure,
                0,
                true));
      } else {
        fail(
            new StoreException(
                w.what() + ": the server could not be reached" + why + "; nothing was written",
                failure,
                0,
                true));
      }
    }

    /** The exception of a failure that ends the publication. */
    StoreException outcome(Throwable failure) {
      if (mayBeStored) {
        return new OutcomeUnknownException(
            w.what() + ": an attempt got no reply, and a resend failed: " + failure.getMessage(),
            failure,
            NatsErrors.apiCode(failure));
      }
      return NatsErrors.wrap(w.what(), failure);
    }

    void stored(long revision) {
      acknowledged.stored(w, bucket, revision);
      result.complete(revision);
    }

    void fail(StoreException e) {
      result.completeExceptionally(e);
    }
  }
}
