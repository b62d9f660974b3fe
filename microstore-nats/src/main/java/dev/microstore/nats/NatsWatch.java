package dev.microstore.nats;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.WatchGapException;
import dev.microstore.WatchListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A watch over a bucket. With the initial data, it first reads the last message of every key in one
 * pass (on the caller's thread), then follows the stream from the sequence after the highest one
 * the pass saw or the stream held before it, so no change is lost or delivered twice; from a
 * revision, it follows the stream from there. Live changes come from a {@link StreamFollower} (a
 * consumer of the store's own, started again after the last delivered sequence when messages are
 * lost or the server forgot it) and reach the listener through the watch's own {@link
 * WatchDelivery}, so a slow listener holds back only its own watch, and a full buffer pauses the
 * follower instead of growing. When the stream no longer holds what the watch still has to deliver,
 * or the bucket is deleted, the listener gets a {@link WatchGapException} after the events before
 * it. The server filters on the longest whole-token prefix of {@code <table>_<prefix>} when keys
 * are not encoded; the rest is filtered here.
 */
final class NatsWatch implements dev.microstore.Watch {
  private final String db;
  private final WatchDelivery delivery;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable StreamFollower follower;
  // the last stream sequence the follower handed over (matching or not)
  private volatile long lastSeen;

  private NatsWatch(String db, WatchDelivery delivery, Runnable onClose, long startAfter) {
    this.db = db;
    this.delivery = delivery;
    this.onClose = onClose;
    this.lastSeen = startAfter;
  }

  String database() {
    return db;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Stops the watch because its bucket was deleted, and tells the listener after its events. */
  void bucketDeleted() {
    StreamFollower f = follower;
    if (f != null) {
      f.close();
    }
    delivery.fail(deleted(db, lastSeen + 1));
  }

  private static WatchGapException deleted(String db, long next) {
    return new WatchGapException(
        db,
        next,
        "database \""
            + db
            + "\" was deleted: the watch cannot deliver revision "
            + next
            + " or any later one");
  }

  private static WatchGapException gap(String db, long next, long firstHeld) {
    return new WatchGapException(
        db,
        next,
        "database \""
            + db
            + "\" no longer holds revision "
            + next
            + " (the lowest it holds is "
            + firstHeld
            + "): its limits (maximum age, messages or bytes) removed it, it was purged, or newer"
            + " revisions of its key replaced it beyond the database's history; the watch cannot"
            + " deliver revisions "
            + next
            + " to "
            + (firstHeld - 1)
            + ". Start again with the current records (includeInitial) or from revision "
            + firstHeld
            + " or later");
  }

  /** What the watch needs from the store to turn a message into an event. */
  interface Decoder {
    /** The full key of a stored key, or null when it is not a key of this store's encoding. */
    @Nullable String fullKey(String storedKey);

    /** The record of a put message, or null when it has expired. */
    @Nullable Record record(String relativeKey, Message m, long revision, Instant now);
  }

  /** Where and how to watch: the bucket, the keys, where to start, the buffer. */
  static final class Spec {
    final String db;
    final String scope;
    final String prefix;
    final boolean includeInitial;
    final long fromRevision;
    final int bufferSize;
    final boolean keysEncoded;

    Spec(
        String db,
        String scope,
        String prefix,
        boolean includeInitial,
        long fromRevision,
        int bufferSize,
        boolean keysEncoded) {
      this.db = db;
      this.scope = scope;
      this.prefix = prefix;
      this.includeInitial = includeInitial;
      this.fromRevision = fromRevision;
      this.bufferSize = bufferSize;
      this.keysEncoded = keysEncoded;
    }
  }

  static NatsWatch start(
      Backend backend,
      boolean lastPerSubject,
      StreamInfo before,
      Spec spec,
      Decoder decoder,
      WatchListener listener,
      Consumer<NatsWatch> onClose) {
    String db = spec.db;
    String subjectPrefix = Wire.subjectPrefix(db);
    String wanted = spec.scope + spec.prefix;
    String filter = Wire.scanFilter(db, wanted, spec.keysEncoded);
    String stream = Wire.streamName(db);
    long startAfter =
        spec.fromRevision > 0 ? spec.fromRevision - 1 : before.getStreamState().getLastSequence();
    if (spec.includeInitial) {
      // a key already reported and deleted during the pass is reported deleted, as the live
      // events start after the pass
      Set<String> reported = new HashSet<>();
      long highest =
          BucketScan.scan(
              backend.connection,
              backend.jsm,
              stream,
              filter,
              false,
              lastPerSubject,
              backend.timeout,
              (m, revision) -> {
                ChangeEvent e =
                    toEvent(m, revision, subjectPrefix, wanted, spec.scope, db, decoder);
                if (e == null) {
                  return;
                }
                if (e.op() == ChangeEvent.Op.PUT) {
                  reported.add(e.key());
                } else if (!reported.remove(e.key())) {
                  return;
                }
                deliver(listener, e);
              });
      startAfter = Math.max(startAfter, highest);
    }
    AtomicReference<NatsWatch> self = new AtomicReference<>();
    WatchDelivery delivery =
        new WatchDelivery(
            listener,
            backend.watchDelivery.get(),
            spec.bufferSize,
            () -> {
              NatsWatch w = self.get();
              if (w != null) {
                w.close();
              }
            });
    NatsWatch watch = new NatsWatch(db, delivery, () -> onClose.accept(self.get()), startAfter);
    self.set(watch);
    StreamFollower.Handler live =
        new StreamFollower.Handler() {
          @Override
          public boolean onMessage(Message m, long revision) {
            watch.lastSeen = revision;
            ChangeEvent e = toEvent(m, revision, subjectPrefix, wanted, spec.scope, db, decoder);
            return e == null || delivery.offer(e);
          }

          @Override
          public void onStreamLost() {
            delivery.fail(deleted(db, watch.lastSeen + 1));
          }

          @Override
          public void onGap(long next, long firstHeld) {
            delivery.fail(gap(db, next, firstHeld));
          }
        };
    try {
      StreamFollower f =
          StreamFollower.start(
              backend.connection,
              backend.jsm,
              backend.watchDispatcher.get(),
              backend.followTimer.get(),
              before,
              filter,
              startAfter,
              StreamFollower.HEARTBEAT,
              live);
      watch.follower = f;
      delivery.source(f::resume);
    } catch (IOException | JetStreamApiException e) {
      throw NatsErrors.wrap("watching database \"" + db + "\"", e);
    }
    try {
      listener.onInitialDataDone();
    } catch (RuntimeException listenerFailure) {
      // a failing listener must not stop the watch
    }
    delivery.start();
    return watch;
  }

  private static void deliver(WatchListener listener, ChangeEvent e) {
    try {
      listener.onEvent(e);
    } catch (RuntimeException listenerFailure) {
      // a failing listener must not stop the watch
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    onClose.run();
    StreamFollower f = follower;
    if (f != null) {
      f.close();
    }
    delivery.close();
  }
}
