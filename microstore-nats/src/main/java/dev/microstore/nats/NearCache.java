package dev.microstore.nats;

import dev.microstore.Record;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The opt-in near cache: for each chosen database, a local replica of the latest value of every
 * key, filled by one pass over the bucket and kept current by a {@link StreamFollower}. Exact reads
 * are answered from the replica once its initial pass is done.
 *
 * <p>Every entry carries the revision (stream sequence) that wrote it, and an entry only ever
 * replaces one with a lower revision. So a write or delete through the same store, applied with its
 * acknowledged revision before the call returns, is visible to the next read at once, and the
 * consumer's later delivery of the same change (or of an older one) changes nothing. Deletes are
 * kept as entries without a record, so that an older put arriving late cannot resurrect a key.
 */
final class NearCache {
  private static final System.Logger LOG = System.getLogger(NearCache.class.getName());

  /** A synced replica without an entry: the key has no record. */
  private static final Entry ABSENT = new Entry(null, 0, null);

  private final Backend backend;
  private final boolean all;
  private final Set<String> databases;
  private final ConcurrentHashMap<String, Replica> replicas = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Object> starting = new ConcurrentHashMap<>();

  NearCache(Backend backend, boolean all, Set<String> databases) {
    this.backend = backend;
    this.all = all;
    this.databases = Set.copyOf(databases);
  }

  boolean enabledFor(String db) {
    return all || databases.contains(db);
  }

  /** The replica of a database if one is running or starting: writes are applied to it. */
  @Nullable Replica running(String db) {
    return replicas.get(db);
  }

  /**
   * The entry of a key in the synced replica of its database: {@link #ABSENT} when the replica has
   * none, null when the database is not cached, while its replica starts, or when the start failed
   * (reads then go to the server and the next read tries again).
   */
  @Nullable Entry lookup(Buckets.Bucket bucket, String storedKey) {
    Replica replica = replica(bucket);
    if (replica == null) {
      return null;
    }
    Entry e = replica.get(storedKey);
    return e != null ? e : ABSENT;
  }

  /**
   * The synced replica of a database's bucket, started when there is none (or only one of an
   * earlier bucket of the same name); null when the database is not cached, while another thread
   * starts the replica, or when the start failed.
   *
   * <p>A replica is registered before it starts, so that writes through the store during its start
   * are applied to it too; it answers reads only once its initial pass is done. Only starts of the
   * same database wait for each other.
   */
  @Nullable Replica replica(Buckets.Bucket bucket) {
    String db = bucket.name;
    if (!enabledFor(db)) {
      return null;
    }
    Replica r = replicas.get(db);
    if (r != null && r.bucket.sameStream(bucket)) {
      return r.synced ? r : null;
    }
    synchronized (starting.computeIfAbsent(db, k -> new Object())) {
      r = replicas.get(db);
      if (r != null && r.bucket.sameStream(bucket)) {
        return r.synced ? r : null;
      }
      if (r != null) {
        drop(db);
      }
      Replica started = new Replica(bucket);
      replicas.put(db, started);
      if (!start(started) || started.stopped) {
        replicas.remove(db, started);
        started.stop();
        return null;
      }
      started.synced = true;
      return started;
    }
  }

  /**
   * Starts a replica: follows the bucket's stream from its current end, then fills the replica with
   * one pass over the latest message of every key. Returns false when it cannot start.
   */
  private boolean start(Replica replica) {
    Buckets.Bucket bucket = replica.bucket;
    String db = bucket.name;
    String stream = Wire.streamName(db);
    String filter = Wire.allKeys(db);
    int prefixLength = filter.length() - 1;
    BucketScan.Sink apply =
        (m, revision) -> {
          String stored = m.getSubject().substring(prefixLength);
          Headers h = m.getHeaders();
          if (Wire.isDeleteMarker(h)) {
            replica.apply(stored, new Entry(null, revision, null));
            return;
          }
          Instant expiresAt = Records.expiresAt(h);
          if (!bucket.maxAge.isZero()) {
            Instant aged = m.metaData().timestamp().toInstant().plus(bucket.maxAge);
            expiresAt = expiresAt == null || aged.isBefore(expiresAt) ? aged : expiresAt;
          }
          Record r = Records.decode(stored, m.getData(), revision, Duration.ZERO);
          replica.apply(stored, new Entry(r, revision, expiresAt));
        };
    try {
      StreamInfo info = backend.jsm.getStreamInfo(stream);
      StreamFollower live =
          StreamFollower.start(
              backend.connection,
              backend.jsm,
              backend.cacheDispatcher.get(),
              backend.followTimer.get(),
              info,
              filter,
              info.getStreamState().getLastSequence(),
              StreamFollower.HEARTBEAT,
              new StreamFollower.Handler() {
                @Override
                public boolean onMessage(Message m, long revision) {
                  apply.accept(m, revision);
                  return true;
                }

                @Override
                public void onStreamLost() {
                  drop(db, replica);
                  backend.buckets.forget(db); // the next read looks the bucket up again
                }

                @Override
                public void onGap(long next, long firstHeld) {
                  // the replica may hold keys whose messages were removed: start over on next use
                  drop(db, replica);
                }
              });
      replica.follow(live);
      BucketScan.scan(
          backend.connection,
          backend.jsm,
          stream,
          filter,
          false,
          bucket.keepsOlderMessages(),
          backend.timeout,
          apply);
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "near cache of database \"" + db + "\" could not start; reads go to the server: " + e);
      return false;
    }
  }

  /** Stops and forgets a database's replica (the bucket was deleted or is gone). */
  void drop(String db) {
    Replica r = replicas.remove(db);
    if (r != null) {
      r.stop();
    }
  }

  /** Stops {@code replica} and forgets it if it is still the database's replica. */
  void drop(String db, Replica replica) {
    replicas.remove(db, replica);
    replica.stop();
  }

  void close() {
    for (String db : replicas.keySet()) {
      drop(db);
    }
  }

  /** The latest change of one key: a record, or a delete when {@link #record} is null. */
  static final class Entry {
    final @Nullable Record record;
    final long revision;
    final @Nullable Instant expiresAt;

    Entry(@Nullable Record record, long revision, @Nullable Instant expiresAt) {
      this.record = record;
      this.revision = revision;
      this.expiresAt = expiresAt;
    }

    /** The record under the key asked for, with its time left; null when deleted or expired. */
    @Nullable Record recordAt(String key, Instant now) {
      Record r = record;
      Duration left = r == null ? null : timeLeft(now);
      return r == null || left == null ? null : r.toBuilder().key(key).expiry(left).build();
    }

    /** The time left at {@code now}: null when expired, zero for never. */
    @Nullable Duration timeLeft(Instant now) {
      if (expiresAt == null) {
        return Duration.ZERO;
      }
      Duration left = Duration.between(now, expiresAt);
      return left.isNegative() || left.isZero() ? null : left;
    }
  }

  /** The replica of one database, keyed by stored key. */
  static final class Replica {
    final Buckets.Bucket bucket;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile @Nullable StreamFollower live;
    private volatile boolean stopped;
    private volatile boolean synced;

    Replica(Buckets.Bucket bucket) {
      this.bucket = bucket;
    }

    void follow(StreamFollower live) {
      this.live = live;
      if (stopped) {
        live.close();
      }
    }

    /** Applies a change unless the entry already holds this revision or a newer one. */
    void apply(String storedKey, Entry e) {
      if (stopped) {
        return;
      }
      entries.merge(storedKey, e, (old, now) -> old.revision >= now.revision ? old : now);
    }

    /** Whether the initial pass is done, so that reads are answered from the replica. */
    boolean synced() {
      return synced && !stopped;
    }

    @Nullable Entry get(String storedKey) {
      return entries.get(storedKey);
    }

    int size() {
      return entries.size();
    }

    void stop() {
      stopped = true;
      StreamFollower f = live;
      if (f != null) {
        f.close();
      }
      entries.clear();
    }
  }
}
