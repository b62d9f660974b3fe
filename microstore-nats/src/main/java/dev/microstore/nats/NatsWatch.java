package dev.microstore.nats;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.WatchListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A watch over a bucket. With the initial data, it first reads the last message of every key in one
 * pass (on the caller's thread), then follows the stream from the sequence after the highest one
 * the pass saw or the stream held before it, so no change is lost or delivered twice. Live changes
 * come from a {@link StreamFollower} (a consumer of the store's own, started again after the last
 * delivered sequence when messages are lost or the server forgot it) on the store's shared
 * dispatcher, in stream order. The server filters on the longest whole-token prefix of {@code
 * <table>_<prefix>} when keys are not encoded; the rest is filtered here.
 */
final class NatsWatch implements dev.microstore.Watch {
  private final StreamFollower follower;
  private final String db;
  private final WatchListener listener;
  private final Runnable onClose;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private NatsWatch(StreamFollower follower, String db, WatchListener listener, Runnable onClose) {
    this.follower = follower;
    this.db = db;
    this.listener = listener;
    this.onClose = onClose;
  }

  String database() {
    return db;
  }

  /** Stops the watch because its bucket was deleted, and tells the listener. */
  void bucketDeleted() {
    if (!closeOnce()) {
      return;
    }
    try {
      listener.onError(new dev.microstore.StoreException("database \"" + db + "\" was deleted"));
    } catch (RuntimeException listenerFailure) {
      // the watch is over either way
    }
  }

  /** What the watch needs from the store to turn a message into an event. */
  interface Decoder {
    /** The full key of a stored key, or null when it is not a key of this store's encoding. */
    @Nullable String fullKey(String storedKey);

    /** The record of a put message, or null when it has expired. */
    @Nullable Record record(String relativeKey, Message m, long revision, Instant now);
  }

  static NatsWatch start(
      io.nats.client.Connection connection,
      io.nats.client.JetStreamManagement jsm,
      boolean lastPerSubject,
      Dispatcher dispatcher,
      java.util.concurrent.ScheduledExecutorService timer,
      StreamInfo before,
      String db,
      String scope,
      String prefix,
      boolean includeInitial,
      boolean keysEncoded,
      Duration timeout,
      Decoder decoder,
      WatchListener listener,
      java.util.function.Consumer<NatsWatch> onClose) {
    String subjectPrefix = Wire.subjectPrefix(db);
    String wanted = scope + prefix;
    String filter = Wire.scanFilter(db, wanted, keysEncoded);
    String stream = Wire.streamName(db);
    long startAfter = before.getStreamState().getLastSequence();
    if (includeInitial) {
      // a key already reported and deleted during the pass is reported deleted, as the live
      // events start after the pass
      java.util.Set<String> reported = new java.util.HashSet<>();
      long highest =
          BucketScan.scan(
              connection,
              jsm,
              stream,
              filter,
              false,
              lastPerSubject,
              timeout,
              (m, revision) -> {
                ChangeEvent e = toEvent(m, revision, subjectPrefix, wanted, scope, db, decoder);
                if (e == null) {
                  return;
                }
                if (e.op() == ChangeEvent.Op.PUT) {
                  reported.add(e.key());
                } else if (!reported.remove(e.key())) {
                  return;
                }
                listener.onEvent(e);
              });
      startAfter = Math.max(startAfter, highest);
    }
    // live events wait until the listener has heard that the initial data is done
    java.util.concurrent.CountDownLatch initialDone = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<NatsWatch> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean lostEarly =
        new java.util.concurrent.atomic.AtomicBoolean();
    StreamFollower.Handler live =
        new StreamFollower.Handler() {
          @Override
          public void onMessage(Message m, long revision) {
            try {
              initialDone.await();
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
              return;
            }
            ChangeEvent e = toEvent(m, revision, subjectPrefix, wanted, scope, db, decoder);
            if (e != null) {
              try {
                listener.onEvent(e);
              } catch (RuntimeException listenerFailure) {
                // a failing listener must not stop the watch
              }
            }
          }

          @Override
          public void onStreamLost() {
            NatsWatch w = self.get();
            if (w != null) {
              w.bucketDeleted();
            } else {
              lostEarly.set(true); // reported once the watch exists
            }
          }
        };
    try {
      StreamFollower follower =
          StreamFollower.start(
              connection,
              jsm,
              dispatcher,
              timer,
              before,
              filter,
              startAfter,
              StreamFollower.HEARTBEAT,
              live);
      NatsWatch watch = new NatsWatch(follower, db, listener, () -> onClose.accept(self.get()));
      self.set(watch);
      try {
        listener.onInitialDataDone();
      } finally {
        initialDone.countDown();
      }
      if (lostEarly.get()) {
        watch.bucketDeleted();
      }
      return watch;
    } catch (IOException | JetStreamApiException e) {
      throw NatsErrors.wrap("watching database \"" + db + "\"", e);
    }
  }

  private static @Nullable ChangeEvent toEvent(
      Message m,
      long revision,
      String subjectPrefix,
      String wanted,
      String scope,
      String db,
      Decoder decoder) {
    String full = decoder.fullKey(m.getSubject().substring(subjectPrefix.length()));
    if (full == null || !full.startsWith(wanted)) {
      return null;
    }
    String rel = full.substring(scope.length());
    Headers h = m.getHeaders();
    if (Wire.isDeleteMarker(h)) {
      boolean expired =
          h.getFirst(Wire.MARKER_REASON) != null || h.getFirst(TtlHeaders.EXPIRED) != null;
      return new ChangeEvent(
          expired ? ChangeEvent.Op.EXPIRE : ChangeEvent.Op.DELETE, db, rel, revision, null);
    }
    Record r = decoder.record(rel, m, revision, Instant.now());
    return r == null ? null : new ChangeEvent(ChangeEvent.Op.PUT, db, rel, revision, r);
  }

  @Override
  public void close() {
    closeOnce();
  }

  /** Closes the watch; true for the one call that closed it, so the listener hears of it once. */
  private boolean closeOnce() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    onClose.run();
    follower.close();
    return true;
  }
}
