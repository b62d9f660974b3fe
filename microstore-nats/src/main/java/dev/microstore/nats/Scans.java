package dev.microstore.nats;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.internal.ScanStreams;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Prefix and suffix reads and lists: from the synced near-cache replica of the database when it has
 * one, else one pass over the latest message of every key of a table ({@link BucketScan}), keeping
 * only the page asked for, sorted by key.
 *
 * <p>Thread-safe.
 */
final class Scans {
  private final Backend backend;
  private final NearCache nearCache;
  private final Clock clock = Clock.systemUTC();
  private final java.util.concurrent.atomic.AtomicLong serverPasses =
      new java.util.concurrent.atomic.AtomicLong();

  Scans(Backend backend, NearCache nearCache) {
    this.backend = backend;
    this.nearCache = nearCache;
  }

  /**
   * The synced near-cache replica of a database, or null when it has none (not cached, starting, or
   * the database does not exist).
   */
  private NearCache.@Nullable Replica replica(String db) {
    if (!nearCache.enabledFor(db)) {
      return null;
    }
    Optional<Buckets.Bucket> bucket = backend.buckets.find(db);
    return bucket.isEmpty() ? null : nearCache.replica(bucket.get());
  }

  /** The records of a table whose keys match a prefix or suffix read, paged. */
  List<Record> read(String db, @Nullable String table, String key, ReadOptions options) {
    NearCache.Replica replica = replica(db);
    if (replica != null) {
      return replica.read(
          Addressing.scope(table),
          key,
          options.prefix(),
          options.suffix(),
          options.offset(),
          options.limit(),
          clock.instant());
    }
    int keep = options.limit() == 0 ? Integer.MAX_VALUE : options.offset() + options.limit();
    int cap = keep < 0 ? Integer.MAX_VALUE : keep;
    TreeMap<String, Record> page = new TreeMap<>();
    Instant now = clock.instant();
    boolean scanned =
        scan(
            db,
            false,
            new Sink() {
              @Override
              public void accept(String relative, Message msg, long revision) {
                if ((options.prefix() && !relative.startsWith(key))
                    || (options.suffix() && !relative.endsWith(key))) {
                  return;
                }
                if (page.size() >= cap && relative.compareTo(page.lastKey()) > 0) {
                  return;
                }
                Record r =
                    Records.toRecord(relative, msg.getData(), msg.getHeaders(), revision, now);
                if (r == null) {
                  page.remove(relative);
                  return;
                }
                page.put(relative, r);
                if (page.size() > cap) {
                  page.pollLastEntry();
                }
              }

              @Override
              public void removed(String relative) {
                page.remove(relative);
              }
            },
            Addressing.scope(table),
            options.prefix() ? key : "");
    return scanned ? page(new ArrayList<>(page.values()), options.offset()) : List.of();
  }

  /** The keys of a table that match the options, paged. */
  List<String> list(String db, @Nullable String table, ListOptions options) {
    NearCache.Replica replica = replica(db);
    if (replica != null) {
      return replica.list(
          Addressing.scope(table),
          options.prefix(),
          options.suffix(),
          options.offset(),
          options.limit(),
          clock.instant());
    }
    Instant now = clock.instant();
    TreeSet<String> found = new TreeSet<>();
    boolean scanned =
        scan(
            db,
            true,
            new Sink() {
              @Override
              public void accept(String relative, Message msg, long revision) {
                if (relative.startsWith(options.prefix())
                    && relative.endsWith(options.suffix())
                    && Records.timeLeft(msg.getHeaders(), now) != null) {
                  found.add(relative);
                } else {
                  found.remove(relative);
                }
              }

              @Override
              public void removed(String relative) {
                found.remove(relative);
              }
            },
            Addressing.scope(table),
            options.prefix());
    if (!scanned) {
      return List.of();
    }
    List<String> paged = page(new ArrayList<>(found), options.offset());
    return options.limit() > 0 && paged.size() > options.limit()
        ? List.copyOf(paged.subList(0, options.limit()))
        : paged;
  }

  /** How many passes over a bucket this store's reads and lists made on the server. For tests. */
  long serverPasses() {
    return serverPasses.get();
  }

  /** What a scan hands over: the key relative to the table and the message. */
  interface Sink {
    /** A live value of the key; a key may come again when it changes during the scan. */
    void accept(String relativeKey, Message message, long revision);

    /** The key was deleted (or expired) during the scan, after an earlier {@link #accept}. */
    void removed(String relativeKey);
  }

  /**
   * Visits the latest live message of every key of the table that starts with {@code keyPrefix};
   * returns false when the database does not exist.
   *
   * <p>When keys are not encoded, the server filters on the longest whole-token prefix of {@code
   * <table>_<keyPrefix>} ({@link Wire#scanFilter}), and the rest is checked on the subject before
   * anything is allocated; with encoded keys every stored key is decoded.
   */
  private boolean scan(String db, boolean keysOnly, Sink sink, String scope, String keyPrefix) {
    Matcher match = new Matcher(db, scope, keyPrefix);
    for (int attempt = 0; ; attempt++) {
      Optional<Buckets.Bucket> bucket = backend.buckets.find(db);
      if (bucket.isEmpty()) {
        return false;
      }
      try {
        serverPasses.incrementAndGet();
        BucketScan.scan(
            backend.connection,
            backend.jsm,
            Wire.streamName(db),
            match.filter,
            keysOnly,
            bucket.get().keepsOlderMessages(),
            backend.timeout,
            (msg, revision) -> {
              String relative = match.relative(msg.getSubject());
              if (relative == null) {
                return;
              }
              if (Wire.isDeleteMarker(msg.getHeaders())) {
                sink.removed(relative);
              } else {
                sink.accept(relative, msg, revision);
              }
            });
        return true;
      } catch (RuntimeException e) {
        if (NatsErrors.readMayRetry(e) && attempt == 0) {
          backend.buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap("scanning database \"" + db + "\"", e);
      }
    }
  }

  /**
   * Which subjects of a scan belong to the table and start with the key prefix, and their keys
   * relative to the table.
   */
  private final class Matcher {
    final String filter;
    private final KeyCodec keys = backend.addressing.keys();
    private final boolean plain = !keys.encodes();
    private final String subjectPrefix;
    private final String wantedSubject;
    private final String scope;
    private final String keyPrefix;
    private final int relativeStart;

    Matcher(String db, String scope, String keyPrefix) {
      this.subjectPrefix = Wire.subjectPrefix(db);
      this.filter = Wire.scanFilter(db, scope + keyPrefix, keys.encodes());
      this.wantedSubject = subjectPrefix + scope + keyPrefix;
      this.scope = scope;
      this.keyPrefix = keyPrefix;
      this.relativeStart = subjectPrefix.length() + scope.length();
    }

    /**
     * The key relative to the table, or null when the subject is not a key of the table starting
     * with the prefix. Plain keys are compared on the subject before anything is allocated.
     */
    @Nullable String relative(String subject) {
      if (plain) {
        return subject.startsWith(wantedSubject) ? subject.substring(relativeStart) : null;
      }
      String full = keys.fromStored(subject.substring(subjectPrefix.length()));
      if (full == null || !full.startsWith(scope)) {
        return null;
      }
      String relative = full.substring(scope.length());
      return relative.startsWith(keyPrefix) ? relative : null;
    }
  }

  // ---------------------------------------------------------------- streaming scans

  /** The records of a table that match the options, streamed (see {@code Store.scan}). */
  Stream<Record> scan(
      String db, @Nullable String table, ListOptions options, BooleanSupplier closed) {
    return stream(
        db,
        table,
        options,
        false,
        closed,
        (replica, now) ->
            replica.records(Addressing.scope(table), options.prefix(), options.suffix(), now),
        (relative, msg, revision) ->
            Records.toRecord(relative, msg.getData(), msg.getHeaders(), revision, clock.instant()));
  }

  /** The keys of a table that match the options, streamed (see {@code Store.scanKeys}). */
  Stream<String> scanKeys(
      String db, @Nullable String table, ListOptions options, BooleanSupplier closed) {
    return stream(
        db,
        table,
        options,
        true,
        closed,
        (replica, now) ->
            replica.keys(Addressing.scope(table), options.prefix(), options.suffix(), now),
        (relative, msg, revision) ->
            Records.timeLeft(msg.getHeaders(), clock.instant()) != null ? relative : null);
  }

  /** The elements of the near cache's replica. */
  private interface FromReplica<T> {
    Iterator<T> elements(NearCache.Replica replica, Instant now);
  }

  /** What a streaming scan hands over for a live message: null to leave it out (expired). */
  private interface FromMessage<T> {
    @Nullable T element(String relativeKey, Message message, long revision);
  }

  private <T> Stream<T> stream(
      String db,
      @Nullable String table,
      ListOptions options,
      boolean keysOnly,
      BooleanSupplier closed,
      FromReplica<T> fromReplica,
      FromMessage<T> fromMessage) {
    NearCache.Replica replica = replica(db);
    if (replica != null) {
      return ScanStreams.of(
          fromReplica.elements(replica, clock.instant()),
          options.offset(),
          options.limit(),
          () -> {});
    }
    String what = "scanning database \"" + db + "\"";
    Matcher match = new Matcher(db, Addressing.scope(table), options.prefix());
    String suffix = options.suffix();
    ScanCursor cursor = null;
    for (int attempt = 0; cursor == null; attempt++) {
      Optional<Buckets.Bucket> bucket = backend.buckets.find(db);
      if (bucket.isEmpty()) {
        return Stream.empty();
      }
      try {
        serverPasses.incrementAndGet();
        cursor =
            ScanCursor.open(
                backend.connection,
                backend.jsm,
                backend.apiPrefix,
                Wire.streamName(db),
                match.filter,
                keysOnly,
                bucket.get().keepsOlderMessages(),
                backend.timeout);
      } catch (RuntimeException e) {
        if (NatsErrors.readMayRetry(e) && attempt == 0) {
          backend.buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what, e);
      }
    }
    ScanCursor pass = cursor;
    long started = System.nanoTime();
    Iterator<T> elements =
        new Iterator<>() {
          private @Nullable T next;
          private boolean over;

          @Override
          public boolean hasNext() {
            while (next == null && !over) {
              if (closed.getAsBoolean()) {
                pass.close();
                throw new IllegalStateException(
                    "store " + backend.description + " is closed: the scan ended");
              }
              Message m;
              try {
                m = pass.next();
              } catch (RuntimeException e) {
                if (closed.getAsBoolean()) {
                  throw new IllegalStateException(
                      "store " + backend.description + " is closed: the scan ended", e);
                }
                throw backend.violations.explain(db, started, NatsErrors.wrap(what, e));
              }
              if (m == null) {
                over = true;
                break;
              }
              String relative = match.relative(m.getSubject());
              if (relative == null
                  || !relative.endsWith(suffix)
                  || Wire.isDeleteMarker(m.getHeaders())) {
                continue;
              }
              next = fromMessage.element(relative, m, pass.sequence());
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
        };
    return ScanStreams.of(elements, options.offset(), options.limit(), pass::close);
  }

  private static <T> List<T> page(List<T> sorted, int offset) {
    if (offset >= sorted.size()) {
      return List.of();
    }
    return offset == 0 ? sorted : new ArrayList<>(sorted.subList(offset, sorted.size()));
  }
}
