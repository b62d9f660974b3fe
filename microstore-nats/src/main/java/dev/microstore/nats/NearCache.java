package dev.microstore.nats;

import dev.microstore.Record;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The opt-in near cache: for each chosen database, a local replica of the latest value of every
 * key, filled by one pass over the bucket and kept current by a {@link StreamFollower}. Exact
 * reads, prefix and suffix reads, lists and scans are answered from the replica once its initial
 * pass is done.
 *
 * <p>The replica is a sorted map by full key ({@code <table>_<key>}, decoded when the store encodes
 * keys), so a prefix read or the list of a table walks only the matching range, already in the
 * order the server path sorts into, and costs what it returns (a suffix read walks its table).
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
  private static final Entry ABSENT = new Entry(null, 0, null, null);

  private final Backend backend;
  private final boolean all;
  private final Set<String> databases;
  private final ConcurrentHashMap<String, Replica> replicas = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Object> starting = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  NearCache(Backend backend, boolean all, Set<String> databases) {
    this.backend = backend;
    this.all = all;
    this.databases = Set.copyOf(databases);
  }

  /** Reads of a cached database answered from its synced replica. */
  long hits() {
    return hits.sum();
  }

  /** Reads of a cached database that went to the server: its replica was starting or failed. */
  long misses() {
    return misses.sum();
  }

  /** The entries of every replica. */
  long entries() {
    long n = 0;
    for (Replica r : replicas.values()) {
      n += r.size();
    }
    return n;
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
  @Nullable Entry lookup(Buckets.Bucket bucket, String fullKey) {
    Replica replica = replica(bucket);
    if (replica == null) {
      return null;
    }
    Entry e = replica.get(fullKey);
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
    Replica answering = findOrStart(bucket);
    (answering != null ? hits : misses).increment();
    return answering;
  }

  private @Nullable Replica findOrStart(Buckets.Bucket bucket) {
    String db = bucket.name;
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
    KeyCodec keys = backend.addressing.keys();
    BucketScan.Sink apply =
        (m, revision) -> {
          String stored = m.getSubject().substring(prefixLength);
          String full = keys.fromStored(stored);
          if (full == null) {
            return; // not a key of this store's encoding: no read of this store can name it
          }
          Headers h = m.getHeaders();
          if (Wire.isDeleteMarker(h)) {
            replica.apply(full, new Entry(null, revision, null, null));
            return;
          }
          Instant expiresAt = Records.expiresAt(h);
          Instant goneAt = expiresAt;
          if (!bucket.maxAge.isZero()) {
            Instant aged = m.metaData().timestamp().toInstant().plus(bucket.maxAge);
            goneAt = goneAt == null || aged.isBefore(goneAt) ? aged : goneAt;
          }
          Record r = Records.decode(stored, m.getData(), revision, Duration.ZERO);
          replica.apply(full, new Entry(r, revision, expiresAt, goneAt));
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

    /** The record's own expiry, as its message carries it: what a read reports as time left. */
    final @Nullable Instant expiresAt;

    /**
     * When the record stops being live: its own expiry, or earlier when the bucket's maximum age
     * removes its message first; null for never.
     */
    final @Nullable Instant goneAt;

    Entry(
        @Nullable Record record,
        long revision,
        @Nullable Instant expiresAt,
        @Nullable Instant goneAt) {
      this.record = record;
      this.revision = revision;
      this.expiresAt = expiresAt;
      this.goneAt = goneAt;
    }

    /**
     * The record under the key asked for, with its time left as the server path reports it (from
     * its own expiry only); null when deleted or no longer live.
     */
    @Nullable Record recordAt(String key, Instant now) {
      Record r = record;
      if (r == null || !liveAt(now)) {
        return null;
      }
      Duration left = Duration.ZERO; // never
      if (expiresAt != null) {
        left = Duration.between(now, expiresAt);
        if (left.isNegative() || left.isZero()) {
          return null;
        }
      }
      return r.toBuilder().key(key).expiry(left).revision(revision).build();
    }

    /** Whether the entry holds a record that is live at {@code now}. */
    boolean liveAt(Instant now) {
      return record != null && (goneAt == null || now.isBefore(goneAt));
    }
  }

  /**
   * The replica of one database, sorted by full key. Iteration is weakly consistent (that of a
   * {@link ConcurrentSkipListMap}): a read sees every key at one of the revisions applied while it
   * runs, never the same key twice.
   */
  static final class Replica {
    final Buckets.Bucket bucket;
    private final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
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
    void apply(String fullKey, Entry e) {
      if (stopped) {
        return;
      }
      entries.merge(fullKey, e, (old, now) -> old.revision >= now.revision ? old : now);
    }

    /** Whether the initial pass is done, so that reads are answered from the replica. */
    boolean synced() {
      return synced && !stopped;
    }

    @Nullable Entry get(String fullKey) {
      return entries.get(fullKey);
    }

    int size() {
      return entries.size();
    }

    /**
     * The live records of a table whose keys (relative to the table) match, sorted by key, after
     * skipping {@code offset} and keeping at most {@code limit} (0: all): what a prefix or suffix
     * read of the server path returns.
     */
    List<Record> read(
        String scope,
        String key,
        boolean prefix,
        boolean suffix,
        int offset,
        int limit,
        Instant now) {
      List<Record> out = new ArrayList<>();
      Iterator<Record> it = records(scope, prefix ? key : "", suffix ? key : "", now);
      skip(it, offset);
      while (it.hasNext() && (limit == 0 || out.size() < limit)) {
        out.add(it.next());
      }
      return out;
    }

    /** The live keys of a table, relative to it, that match; sorted, then offset and limit. */
    List<String> list(
        String scope, String prefix, String suffix, int offset, int limit, Instant now) {
      List<String> out = new ArrayList<>();
      Iterator<String> it = keys(scope, prefix, suffix, now);
      skip(it, offset);
      while (it.hasNext() && (limit == 0 || out.size() < limit)) {
        out.add(it.next());
      }
      return out;
    }

    /** The live records of a table whose relative keys match, sorted, one at a time. */
    Iterator<Record> records(String scope, String prefix, String suffix, Instant now) {
      return new Matches<>(scope, prefix, suffix, now) {
        @Override
        @Nullable Record accept(String relative, Entry e) {
          return e.recordAt(relative, now);
        }
      };
    }

    /** The live keys of a table, relative to it, that match, sorted, one at a time. */
    Iterator<String> keys(String scope, String prefix, String suffix, Instant now) {
      return new Matches<>(scope, prefix, suffix, now) {
        @Override
        @Nullable String accept(String relative, Entry e) {
          return e.liveAt(now) ? relative : null;
        }
      };
    }

    private static void skip(Iterator<?> it, int n) {
      for (int i = 0; i < n && it.hasNext(); i++) {
        it.next();
      }
    }

    /**
     * Walks the entries from {@code scope + prefix} while their keys start with it, handing over
     * what {@link #accept} makes of the live ones whose relative keys end with {@code suffix}.
     */
    private abstract class Matches<T> implements Iterator<T> {
      private final Iterator<Map.Entry<String, Entry>> range;
      private final String start;
      private final int relativeStart;
      private final String suffix;
      final Instant now;
      private @Nullable T next;

      Matches(String scope, String prefix, String suffix, Instant now) {
        this.start = scope + prefix;
        this.relativeStart = scope.length();
        this.suffix = suffix;
        this.now = now;
        this.range = entries.tailMap(start, true).entrySet().iterator();
      }

      abstract @Nullable T accept(String relative, Entry e);

      @Override
      public boolean hasNext() {
        while (next == null && range.hasNext()) {
          Map.Entry<String, Entry> me = range.next();
          String full = me.getKey();
          if (!full.startsWith(start)) {
            return false;
          }
          Entry e = me.getValue();
          if (e.record == null || !full.endsWith(suffix)) {
            continue;
          }
          next = accept(full.substring(relativeStart), e);
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
      }
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
