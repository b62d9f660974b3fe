package dev.microstore.nats;

import dev.microstore.ChangeEvent;
import dev.microstore.DatabaseInfo;
import dev.microstore.Record;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Databases as a whole and keys' histories: list, describe and delete buckets, read the revisions a
 * bucket keeps of a key.
 *
 * <p>Thread-safe.
 */
final class Admin {
  private final Backend backend;
  private final Acknowledged acknowledged;
  private final WatchRegistry watches;

  Admin(Backend backend, Acknowledged acknowledged, WatchRegistry watches) {
    this.backend = backend;
    this.acknowledged = acknowledged;
    this.watches = watches;
  }

  /** The revisions the bucket keeps of a key, oldest first, at most {@code limit} (0: all). */
  List<ChangeEvent> history(Target t, int limit) {
    Optional<Buckets.Bucket> bucket = backend.buckets.find(t.db);
    if (bucket.isEmpty()) {
      return List.of();
    }
    List<ChangeEvent> out = new ArrayList<>();
    try {
      for (KeyValueEntry e : bucket.get().kv().history(t.stored)) {
        if (e.getOperation() == KeyValueOperation.PUT) {
          Record r = Records.decode(t.key, e.getValue(), e.getRevision(), Duration.ZERO);
          out.add(new ChangeEvent(ChangeEvent.Op.PUT, t.db, t.key, e.getRevision(), r));
        } else {
          out.add(new ChangeEvent(ChangeEvent.Op.DELETE, t.db, t.key, e.getRevision(), null));
        }
      }
    } catch (IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (NatsErrors.bucketGone(e)) {
        backend.buckets.forget(t.db);
        return List.of();
      }
      throw NatsErrors.wrap(t.what("reading the history of"), e);
    }
    return limit > 0 && out.size() > limit
        ? List.copyOf(out.subList(out.size() - limit, out.size()))
        : out;
  }

  Optional<DatabaseInfo> info(String database) {
    String what = "reading the info of database \"" + database + "\"";
    try {
      KeyValueStatus st = backend.kvm.getStatus(database);
      return Optional.of(
          new DatabaseInfo(
              database,
              st.getEntryCount(),
              st.getByteCount(),
              st.getTtl() == null ? Duration.ZERO : st.getTtl(),
              (int) st.getMaxHistoryPerKey(),
              st.getStorageType() == StorageType.Memory ? "memory" : "file",
              st.getReplicas(),
              st.getBackingStreamInfo().getStreamState().getLastSequence()));
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      if (NatsErrors.apiCode(e) == NatsErrors.STREAM_NOT_FOUND) {
        return Optional.empty();
      }
      throw NatsErrors.wrap(what, e);
    }
  }

  List<String> databases() {
    try {
      List<String> names = new ArrayList<>(backend.kvm.getBucketNames());
      names.sort(null);
      return names;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsErrors.wrap("listing databases", e);
    }
  }

  boolean deleteDatabase(String database) {
    backend.buckets.forget(database);
    try {
      backend.kvm.delete(database);
      watches.bucketDeleted(database);
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      if (NatsErrors.apiCode(e) == NatsErrors.STREAM_NOT_FOUND) {
        return false;
      }
      throw NatsErrors.wrap("deleting database \"" + database + "\"", e);
    } finally {
      backend.buckets.forget(database);
      acknowledged.forget(database);
    }
  }
}
