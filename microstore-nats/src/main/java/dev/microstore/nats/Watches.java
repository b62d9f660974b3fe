package dev.microstore.nats;

import dev.microstore.Record;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The store's watches: started on a bucket (created when missing), registered so that the deletion
 * of their bucket or the store's close ends them.
 *
 * <p>Thread-safe.
 */
final class Watches {
  private final Backend backend;
  private final WatchRegistry running;

  Watches(Backend backend, WatchRegistry running) {
    this.backend = backend;
    this.running = running;
  }

  Watch start(String db, @Nullable String table, WatchOptions options, WatchListener listener) {
    KeyCodec keys = backend.addressing.keys();
    Buckets.Bucket bucket = backend.buckets.findOrCreate(db);
    StreamInfo before;
    try {
      before = backend.jsm.getStreamInfo(Wire.streamName(db));
    } catch (IOException | JetStreamApiException e) {
      backend.buckets.forget(db);
      throw NatsErrors.wrap("watching database \"" + db + "\"", e);
    }
    NatsWatch.Decoder decoder =
        new NatsWatch.Decoder() {
          @Override
          public @Nullable String fullKey(String storedKey) {
            return keys.fromStored(storedKey);
          }

          @Override
          public @Nullable Record record(
              String relativeKey, Message m, long revision, Instant now) {
            return Records.toRecord(relativeKey, m.getData(), m.getHeaders(), revision, now);
          }
        };
    NatsWatch.Spec spec =
        new NatsWatch.Spec(
            db,
            Addressing.scope(table),
            options.prefix(),
            options.includeInitial(),
            options.fromRevision().orElse(0),
            options.bufferSize(),
            keys.encodes());
    NatsWatch w;
    try {
      w =
          NatsWatch.start(
              backend,
              bucket.keepsOlderMessages(),
              before,
              spec,
              decoder,
              listener,
              running::remove);
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw NatsErrors.wrap("watching database \"" + db + "\"", e);
    }
    running.add(w);
    if (w.isClosed()) {
      running.remove(w); // it ended before it was registered
    }
    return w;
  }

  void close() {
    running.closeAll();
  }
}
