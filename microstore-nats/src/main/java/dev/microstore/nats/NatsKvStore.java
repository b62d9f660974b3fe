package dev.microstore.nats;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.BulkResult;
import dev.microstore.ChangeEvent;
import dev.microstore.ConflictException;
import dev.microstore.DatabaseInfo;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import dev.microstore.internal.OptionChecks;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusException;
import io.nats.client.KeyValueManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The NATS JetStream KV store; see {@link NatsStore}. */
final class NatsKvStore implements Store {
  static final String KV_OPERATION = "KV-Operation";
  static final String MARKER_REASON = "Nats-Marker-Reason";
  static final int NO_MESSAGE_FOUND = 10037;

  private final Connection connection;
  private final boolean ownsConnection;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final KeyValueManagement kvm;
  private final Buckets buckets;
  private final KeyCodec keys;
  private final String defaultDatabase;
  private final @Nullable String defaultTable;
  private final Duration timeout;
  private final String description;
  private final String apiPrefix;
  private final PermissionViolations violations;
  private final WrittenRevisions written = new WrittenRevisions();
  private final NearCache nearCache;
  private final Clock clock = Clock.systemUTC();
  private final AtomicBatchPublisher batches;
  private volatile Runnable beforeBatchCommit = () -> {};

  /** The dispatcher of watches, created on first use. */
  private final Lazy<Dispatcher> dispatcher;

  /** The timer checking the heartbeats of watches and near-cache replicas. */
  private final Lazy<ScheduledExecutorService> followTimer =
      new Lazy<>(
          () ->
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread thread = new Thread(r, "microstore-nats-follow");
                    thread.setDaemon(true);
                    return thread;
                  }));

  private final java.util.Set<NatsWatch> watches =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The dispatcher of near-cache replicas (apart from watches, whose listeners may be slow). */
  private final Lazy<Dispatcher> cacheDispatcher;

  private volatile boolean closed;

  NatsKvStore(
      Connection connection,
      boolean ownsConnection,
      JetStream js,
      JetStreamManagement jsm,
      KeyValueManagement kvm,
      Buckets buckets,
      KeyCodec keys,
      String defaultDatabase,
      @Nullable String defaultTable,
      Duration timeout,
      String description,
      String apiPrefix,
      PermissionViolations violations,
      NearCache nearCache) {
    this.connection = connection;
    this.dispatcher = new Lazy<>(connection::createDispatcher);
    this.cacheDispatcher = new Lazy<>(connection::createDispatcher);
    this.ownsConnection = ownsConnection;
    this.js = js;
    this.jsm = jsm;
    this.kvm = kvm;
    this.buckets = buckets;
    this.keys = keys;
    this.defaultDatabase = defaultDatabase;
    this.defaultTable = defaultTable;
    this.timeout = timeout;
    this.description = description;
    this.batches = new AtomicBatchPublisher(connection, js, timeout);
    this.apiPrefix = apiPrefix;
    this.violations = violations;
    this.nearCache = nearCache;
    buckets.onForget(nearCache::drop);
  }

  // ---------------------------------------------------------------- read

  @Override
  public List<Record> read(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    long started = System.nanoTime();
    try {
      return read(key, options, db);
    } catch (StoreException e) {
      throw violations.explain(db, started, e);
    }
  }

  private List<Record> read(String key, ReadOptions options, String db) {
    String table = options.table().orElse(defaultTable);
    String scope = scope(table);
    if (options.exact()) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      String stored = storedKey(scope + key, key, table);
      Record r = readExact(db, stored, key);
      if (r == null) {
        throw new NotFoundException(key, db);
      }
      return List.of(r);
    }
    int keep = options.limit() == 0 ? Integer.MAX_VALUE : options.offset() + options.limit();
    if (keep < 0) {
      keep = Integer.MAX_VALUE;
    }
    TreeMap<String, Record> page = new TreeMap<>();
    int cap = keep;
    Instant now = clock.instant();
    boolean scanned =
        scan(
            db,
            false,
            new ScanSink() {
              @Override
              public void accept(String relative, Message msg, long revision) {
                if ((options.prefix() && !relative.startsWith(key))
                    || (options.suffix() && !relative.endsWith(key))) {
                  return;
                }
                if (page.size() >= cap && relative.compareTo(page.lastKey()) > 0) {
                  return;
                }
                Record r = toRecord(relative, msg.getData(), msg.getHeaders(), revision, now);
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
            scope,
            options.prefix() ? key : "");
    if (!scanned) {
      return List.of();
    }
    return page(new ArrayList<>(page.values()), options.offset());
  }

  private @Nullable Record readExact(String db, String stored, String key) {
    for (int attempt = 0; ; attempt++) {
      Optional<Buckets.Bucket> found = buckets.find(db);
      if (found.isEmpty()) {
        return null;
      }
      Buckets.Bucket bucket = found.get();
      NearCache.Entry cached = cached(db, bucket, stored);
      if (cached != null) {
        Record r = fromCache(cached, key);
        if (r != null || cached.record == null) {
          return r;
        }
        // expired: the server path below removes it where the server keeps it
      }
      DirectGet.Stored last;
      try {
        last = lastMessage(bucket, db, stored);
        long expected = written.expected(db, stored);
        if (expected > 0 && (last == null || last.sequence < expected)) {
          // a replica that has not applied this store's own write answered: ask the leader
          last = leaderLastOrNull(db, stored);
        }
      } catch (JetStreamApiException | IOException | RuntimeException e) {
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what("reading", key, db), e);
      }
      return toLiveRecord(db, stored, key, last);
    }
  }

  /** The record of a key's last message, or null for none, a delete marker or an expired record. */
  private @Nullable Record toLiveRecord(
      String db, String stored, String key, DirectGet.@Nullable Stored last) {
    if (last == null || isDeleteMarker(last.headers)) {
      return null;
    }
    Record r = toRecord(key, last.data, last.headers, last.sequence, clock.instant());
    if (r == null) {
      removeExpired(db, stored, last.sequence);
    }
    return r;
  }

  /**
   * The last message of a key, or null when it has none: a direct get (a plain request, as jnats'
   * KeyValue.get sends it), or the stream's message-get API when the bucket refuses direct gets.
   */
  private DirectGet.@Nullable Stored lastMessage(Buckets.Bucket bucket, String db, String stored)
      throws IOException, JetStreamApiException {
    if (bucket.allowDirect) {
      Message reply;
      try {
        reply =
            connection.request(
                DirectGet.subject(apiPrefix, db, stored), null, DirectGet.EMPTY, timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("reading from database \"" + db + "\": interrupted", e);
      }
      return DirectGet.parse(reply);
    }
    try {
      MessageInfo mi = jsm.getLastMessage(streamName(db), subject(db, stored));
      if (mi == null) {
        return null;
      }
      byte[] data = mi.getData();
      return new DirectGet.Stored(
          data == null ? DirectGet.EMPTY : data, mi.getHeaders(), mi.getSeq());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Deletes a record whose expiry passed but which the server keeps (no native TTL), unless it
   * changed meanwhile. Best effort: readers skip expired records anyway.
   */
  private void removeExpired(String db, String stored, long revision) {
    try {
      js.publishAsync(
          subject(db, stored),
          new Headers().put(KV_OPERATION, "DEL").put(TtlHeaders.EXPIRED, "true"),
          new byte[0],
          PublishOptions.builder().expectedLastSubjectSequence(revision).build());
    } catch (RuntimeException ignored) {
      // another reader or writer got there first, or the connection is down: nothing to do
    }
  }

  /** The time left before a record expires: null when it has expired, zero for never. */
  static @Nullable Duration timeLeft(@Nullable Headers headers, Instant now) {
    String at = headers == null ? null : headers.getFirst(TtlHeaders.EXPIRES_AT);
    if (at == null) {
      return Duration.ZERO;
    }
    try {
      Duration left = Duration.between(now, Instant.parse(at));
      return left.isNegative() || left.isZero() ? null : left;
    } catch (java.time.format.DateTimeParseException malformed) {
      return Duration.ZERO;
    }
  }

  /** Decodes a stored value into a record, or null when it has expired. */
  private @Nullable Record toRecord(
      String key, byte @Nullable [] stored, @Nullable Headers headers, long revision, Instant now) {
    Duration left = timeLeft(headers, now);
    if (left == null) {
      return null;
    }
    return decodeRecord(key, stored, revision, left);
  }

  private static Record decodeRecord(
      String key, byte @Nullable [] stored, long revision, Duration left) {
    EnvelopeCodec.Decoded d = EnvelopeCodec.decode(stored == null ? DirectGet.EMPTY : stored);
    Record.Builder b = Record.builder(key).value(d.data).expiry(left).revision(revision);
    if (!d.metadata.isEmpty()) {
      try {
        b.metadata(d.metadata);
      } catch (IllegalArgumentException tooDeep) {
        // metadata this API cannot represent (nested deeper than its limit): the value is kept
      }
    }
    return b.build();
  }

  // ---------------------------------------------------------------- write

  @Override
  public long write(Record record, WriteOptions options) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    long started = System.nanoTime();
    try {
      return write(record, options, db);
    } catch (StoreException e) {
      throw violations.explain(db, started, e);
    }
  }

  private long write(Record record, WriteOptions options, String db) {
    PreparedWrite w =
        prepare(record, db, options.table().orElse(defaultTable), options, clock.instant());
    if (w.tooLarge != null) {
      throw w.tooLarge;
    }
    for (int attempt = 0; ; attempt++) {
      Buckets.Bucket bucket = buckets.findOrCreate(db);
      Headers headers = TtlHeaders.forWrite(w.ttl, w.expiresAt, bucket);
      try {
        long revision = publish(db, w.stored, record.key(), w.body, headers, options, w.now);
        written.wrote(db, w.stored, revision);
        cacheWrite(db, bucket, w, revision);
        return revision;
      } catch (JetStreamApiException | IOException | RuntimeException e) {
        if (e instanceof StoreException) {
          throw (StoreException) e;
        }
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw writeFailure(record.key(), db, w.body.length, e);
      }
    }
  }

  /**
   * The stored value of a record, checked against the server's maximum payload with room for the
   * subject and {@code headerRoom} bytes of headers.
   */
  private byte[] encodeWithinPayload(String db, String stored, Record record, int headerRoom) {
    byte[] body = EnvelopeCodec.encode(record.key(), record.value(), record.metadata());
    StoreException tooLarge = tooLarge(record.key(), subject(db, stored), body, headerRoom);
    if (tooLarge != null) {
      throw tooLarge;
    }
    return body;
  }

  /** The failure of a value over the server's max payload, or null when it fits. */
  private @Nullable StoreException tooLarge(
      String key, String subject, byte[] body, int headerRoom) {
    long maxPayload = connection.getServerInfo().getMaxPayload();
    if (maxPayload <= 0 || body.length + subject.length() + headerRoom <= maxPayload) {
      return null;
    }
    return new StoreException(
        "value of key \""
            + key
            + "\" is "
            + body.length
            + " bytes once stored (JSON envelope, base64 value), over the server's max payload"
            + " of "
            + maxPayload
            + " bytes");
  }

  /** A write checked and encoded, ready to publish. */
  private static final class PreparedWrite {
    final Record record;
    final String stored;
    final String subject;
    final byte[] body;
    final Duration ttl;
    final @Nullable Instant expiresAt;
    final Instant now;
    final @Nullable StoreException tooLarge;

    PreparedWrite(
        Record record,
        String stored,
        String subject,
        byte[] body,
        Duration ttl,
        @Nullable Instant expiresAt,
        Instant now,
        @Nullable StoreException tooLarge) {
      this.record = record;
      this.stored = stored;
      this.subject = subject;
      this.body = body;
      this.ttl = ttl;
      this.expiresAt = expiresAt;
      this.now = now;
      this.tooLarge = tooLarge;
    }
  }

  /**
   * Checks the key (throwing IllegalArgumentException), computes the lifetime and encodes the
   * envelope; a value over the server's max payload is reported in {@code tooLarge}, not thrown.
   */
  private PreparedWrite prepare(
      Record record, String db, @Nullable String table, WriteOptions options, Instant now) {
    String stored = storedKey(scope(table) + record.key(), record.key(), table);
    Duration ttl = options.effectiveTtl(record, now);
    Instant expiresAt = ttl.isZero() ? null : now.plus(ttl);
    byte[] body = EnvelopeCodec.encode(record.key(), record.value(), record.metadata());
    String subject = subject(db, stored);
    StoreException tooLarge = tooLarge(record.key(), subject, body, 128);
    return new PreparedWrite(record, stored, subject, body, ttl, expiresAt, now, tooLarge);
  }

  private static @Nullable PublishOptions condition(WriteOptions options) {
    if (options.ifAbsent()) {
      return PublishOptions.builder().expectedLastSubjectSequence(0).build();
    }
    if (options.ifRevision().isPresent()) {
      return PublishOptions.builder()
          .expectedLastSubjectSequence(options.ifRevision().getAsLong())
          .build();
    }
    return null;
  }

  private static String wanted(WriteOptions options) {
    return options.ifAbsent()
        ? "to be absent"
        : "to have revision " + options.ifRevision().orElse(0);
  }

  private long publish(
      String db,
      String stored,
      String key,
      byte[] body,
      @Nullable Headers headers,
      WriteOptions options,
      Instant now)
      throws IOException, JetStreamApiException {
    String subject = subject(db, stored);
    if (options.ifAbsent()) {
      try {
        return publishAck(
            subject, headers, body, PublishOptions.builder().expectedLastSubjectSequence(0));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != NatsErrors.WRONG_LAST_SEQUENCE) {
          throw e;
        }
        // a delete marker or an expired record counts as absent: replace exactly that revision
        DirectGet.Stored last = leaderLastOrNull(db, stored);
        if (last == null) {
          throw NatsErrors.conflict(key, e, "to be absent");
        }
        if (!isDeleteMarker(last.headers) && timeLeft(last.headers, now) != null) {
          throw new ConflictException(
              key,
              last.sequence,
              "key \"" + key + "\" was expected to be absent but has revision " + last.sequence,
              NatsErrors.WRONG_LAST_SEQUENCE);
        }
        try {
          return publishAck(
              subject,
              headers,
              body,
              PublishOptions.builder().expectedLastSubjectSequence(last.sequence));
        } catch (JetStreamApiException again) {
          if (again.getApiErrorCode() == NatsErrors.WRONG_LAST_SEQUENCE) {
            throw NatsErrors.conflict(key, again, "to be absent");
          }
          throw again;
        }
      }
    }
    if (options.ifRevision().isPresent()) {
      long expected = options.ifRevision().getAsLong();
      try {
        return publishAck(
            subject, headers, body, PublishOptions.builder().expectedLastSubjectSequence(expected));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NatsErrors.WRONG_LAST_SEQUENCE) {
          throw NatsErrors.conflict(key, e, "to have revision " + expected);
        }
        throw e;
      }
    }
    return publishAck(subject, headers, body, null);
  }

  private long publishAck(
      String subject,
      @Nullable Headers headers,
      byte[] body,
      PublishOptions.@Nullable Builder options)
      throws IOException, JetStreamApiException {
    PublishAck ack =
        options == null
            ? js.publish(subject, headers, body)
            : js.publish(subject, headers, body, options.build());
    return ack.getSeqno();
  }

  private StoreException writeFailure(String key, String db, int size, Throwable e) {
    if (NatsErrors.apiCode(e) == NatsErrors.MESSAGE_TOO_LARGE) {
      return new StoreException(
          "value of key \""
              + key
              + "\" is "
              + size
              + " bytes once stored, over the maximum value size of database \""
              + db
              + "\"",
          e,
          NatsErrors.MESSAGE_TOO_LARGE,
          false);
    }
    return NatsErrors.wrap(what("writing", key, db), e);
  }

  /** The key's last message by direct get (any replica may answer), or null when there is none. */
  private DirectGet.@Nullable Stored lastOrNull(String db, String stored)
      throws IOException, JetStreamApiException {
    Buckets.Bucket bucket = buckets.find(db).orElse(null);
    return bucket == null ? null : lastMessage(bucket, db, stored);
  }

  /**
   * The key's last message as the stream leader has it ({@code STREAM.MSG.GET}, never a direct
   * get), or null when there is none. The leader acknowledges a write only after applying it, so
   * this sees every acknowledged write.
   */
  private DirectGet.@Nullable Stored leaderLastOrNull(String db, String stored)
      throws IOException, JetStreamApiException {
    String stream = streamName(db);
    Message response;
    try {
      response =
          connection.request(
              apiPrefix + "STREAM.MSG.GET." + stream,
              MessageGetRequest.lastForSubject(subject(db, stored)).serialize(),
              timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the leader of stream " + stream, e);
    }
    if (response == null) {
      throw new IOException(
          "timeout: the leader of stream " + stream + " did not answer within " + timeout);
    }
    if (response.isStatusMessage()) {
      throw new JetStreamStatusException(response.getStatus());
    }
    MessageInfo mi = new MessageInfo(response, stream, false);
    if (mi.hasError()) {
      if (mi.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return null;
      }
      mi.throwOnHasError();
    }
    byte[] data = mi.getData();
    return new DirectGet.Stored(
        data == null ? DirectGet.EMPTY : data, mi.getHeaders(), mi.getSeq());
  }

  // ---------------------------------------------------------------- delete

  @Override
  public void delete(String key, DeleteOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    checkOpen();
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    long started = System.nanoTime();
    try {
      delete(key, options, db);
    } catch (StoreException e) {
      throw violations.explain(db, started, e);
    }
  }

  private void delete(String key, DeleteOptions options, String db) {
    String table = options.table().orElse(defaultTable);
    String stored = storedKey(scope(table) + key, key, table);
    for (int attempt = 0; ; attempt++) {
      if (buckets.find(db).isEmpty()) {
        if (options.ifRevision().isPresent()) {
          throw new ConflictException(
              key,
              0,
              "key \""
                  + key
                  + "\" was expected to have revision "
                  + options.ifRevision().getAsLong()
                  + " but is absent (database \""
                  + db
                  + "\" does not exist)",
              0);
        }
        return;
      }
      Headers h = new Headers().put(KV_OPERATION, "DEL");
      try {
        long revision;
        if (options.ifRevision().isPresent()) {
          long expected = options.ifRevision().getAsLong();
          try {
            revision =
                publishAck(
                    subject(db, stored),
                    h,
                    DirectGet.EMPTY,
                    PublishOptions.builder().expectedLastSubjectSequence(expected));
          } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsErrors.WRONG_LAST_SEQUENCE) {
              throw NatsErrors.conflict(key, e, "to have revision " + expected);
            }
            throw e;
          }
        } else {
          revision = publishAck(subject(db, stored), h, DirectGet.EMPTY, null);
        }
        written.wrote(db, stored, revision);
        cacheDelete(db, stored, revision);
        return;
      } catch (JetStreamApiException | IOException | RuntimeException e) {
        if (e instanceof StoreException) {
          throw (StoreException) e;
        }
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what("deleting", key, db), e);
      }
    }
  }

  // ---------------------------------------------------------------- batch

  /**
   * Commits a batch as one JetStream atomic batch ({@link AtomicBatchPublisher}): every operation
   * is the message a single write or delete would publish, with its condition as an
   * expected-last-subject-sequence header, so the server decides all conditions at once.
   */
  @Override
  public BatchResult commit(Batch batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    String db = KeyRules.database(batch.database().orElse(defaultDatabase));
    String table = batch.table().orElse(defaultTable);
    List<Batch.Operation> ops = batch.operations();
    String[] stored = new String[ops.size()];
    byte[][] bodies = new byte[ops.size()][];
    for (int i = 0; i < ops.size(); i++) {
      Batch.Operation op = ops.get(i);
      stored[i] = storedKey(scope(table) + op.key(), op.key(), table);
      Record r = op.record().orElse(null);
      bodies[i] = r == null ? new byte[0] : encodeWithinPayload(db, stored[i], r, 256);
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
    for (int attempt = 0; ; attempt++) {
      Buckets.Bucket bucket = buckets.findOrCreate(db);
      if (!bucket.atomicBatches) {
        bucket = buckets.allowAtomicBatches(db);
      }
      Instant now = clock.instant();
      try {
        List<AtomicBatchPublisher.Entry> entries = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
          entries.add(batchEntry(db, bucket, ops.get(i), stored[i], bodies[i], now));
        }
        long first = batches.publish(entries, beforeBatchCommit);
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
          revisions.put(ops.get(i).key(), first + i);
        }
        return new BatchResult(revisions);
      } catch (JetStreamApiException
          | IOException
          | InterruptedException
          | java.util.concurrent.TimeoutException
          | RuntimeException e) {
        if (e instanceof StoreException) {
          throw (StoreException) e;
        }
        int code = NatsErrors.apiCode(e);
        if (code == NatsErrors.WRONG_LAST_SEQUENCE) {
          throw batchConflict(db, ops, stored, e);
        }
        if (attempt == 0
            && (code == AtomicBatchPublisher.ATOMIC_PUBLISH_DISABLED || NatsErrors.bucketGone(e))) {
          // the bucket was reconfigured, or deleted and perhaps recreated, by another client
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(
            "committing a batch of " + ops.size() + " operations to database \"" + db + "\"", e);
      }
    }
  }

  /** The message of one operation of a batch, as the single write or delete would publish it. */
  private AtomicBatchPublisher.Entry batchEntry(
      String db, Buckets.Bucket bucket, Batch.Operation op, String stored, byte[] body, Instant now)
      throws IOException, JetStreamApiException {
    String subject = subject(db, stored);
    Batch.Condition c = op.condition();
    long expected = c.revision().orElse(-1);
    if (c.isIfAbsent()) {
      expected = absentSequence(db, stored, op.key(), now);
    }
    Record r = op.record().orElse(null);
    if (r == null) {
      return new AtomicBatchPublisher.Entry(
          subject, new Headers().put(KV_OPERATION, "DEL"), body, expected);
    }
    Duration ttl = r.expiry();
    Headers headers = TtlHeaders.forWrite(ttl, ttl.isZero() ? null : now.plus(ttl), bucket);
    return new AtomicBatchPublisher.Entry(subject, headers, body, expected);
  }

  /**
   * The last sequence of a key that counts as absent: 0 when it has no message, the sequence of its
   * delete marker or expired record otherwise.
   *
   * @throws ConflictException when the key has a live record; nothing was sent
   */
  private long absentSequence(String db, String stored, String key, Instant now)
      throws IOException, JetStreamApiException {
    DirectGet.Stored last = lastOrNull(db, stored);
    if (last == null) {
      return 0;
    }
    if (isDeleteMarker(last.headers) || timeLeft(last.headers, now) == null) {
      return last.sequence;
    }
    throw new ConflictException(
        key,
        last.sequence,
        "key \""
            + key
            + "\" was expected to be absent but has revision "
            + last.sequence
            + "; the batch was not applied",
        NatsErrors.WRONG_LAST_SEQUENCE);
  }

  /**
   * The conflict of a batch the server refused with "wrong last sequence", which does not say which
   * message failed: the keys with a condition are read again, in batch order, and the first whose
   * condition does not hold is named. When none fails any more (the keys changed again meanwhile),
   * the exception names the first conditional key and an unknown current revision.
   */
  private ConflictException batchConflict(
      String db, List<Batch.Operation> ops, String[] stored, Throwable cause) {
    Instant now = clock.instant();
    String firstConditional = null;
    for (int i = 0; i < ops.size(); i++) {
      Batch.Condition c = ops.get(i).condition();
      if (!c.isConditional()) {
        continue;
      }
      String key = ops.get(i).key();
      if (firstConditional == null) {
        firstConditional = key;
      }
      DirectGet.Stored last;
      try {
        last = lastOrNull(db, stored[i]);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        break;
      }
      long current = last == null ? 0 : last.sequence;
      boolean live =
          last != null && !isDeleteMarker(last.headers) && timeLeft(last.headers, now) != null;
      if (c.isIfAbsent() && live) {
        return new ConflictException(
            key,
            current,
            "key \""
                + key
                + "\" was expected to be absent but has revision "
                + current
                + "; the batch was not applied",
            NatsErrors.WRONG_LAST_SEQUENCE,
            cause);
      }
      long wanted = c.revision().orElse(-1);
      if (wanted > 0 && current != wanted) {
        return new ConflictException(
            key,
            current,
            "key \""
                + key
                + "\" was expected to have revision "
                + wanted
                + " but "
                + (current == 0 ? "is absent" : "has revision " + current)
                + "; the batch was not applied",
            NatsErrors.WRONG_LAST_SEQUENCE,
            cause);
      }
    }
    String key = firstConditional == null ? ops.get(0).key() : firstConditional;
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

  /** Runs a hook after all messages of a batch but the commit were sent. For tests only. */
  void beforeBatchCommit(Runnable hook) {
    this.beforeBatchCommit = Objects.requireNonNull(hook, "hook");
  }

  // ---------------------------------------------------------------- bulk

  /** How many publishes or gets a bulk operation keeps in flight. */
  static final int WINDOW = 256;

  /**
   * Publishes every record without waiting for each acknowledgement, at most {@value #WINDOW} in
   * flight; records with the same key are published, and so applied, in input order.
   */
  @Override
  public BulkResult writeAll(Collection<Record> records, WriteOptions options) {
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String table = options.table().orElse(defaultTable);
    Instant now = clock.instant();
    List<PreparedWrite> writes = new ArrayList<>(records.size());
    for (Record r : records) {
      writes.add(prepare(Objects.requireNonNull(r, "record"), db, table, options, now));
    }
    BulkResult.Outcome[] out = new BulkResult.Outcome[writes.size()];
    if (writes.isEmpty()) {
      return new BulkResult(List.of());
    }
    Buckets.Bucket bucket = buckets.findOrCreate(db);
    PublishOptions condition = condition(options);
    boolean[] retry = new boolean[out.length];
    Window window = new Window(WINDOW);
    for (int i = 0; i < out.length; i++) {
      PreparedWrite w = writes.get(i);
      String key = w.record.key();
      if (w.tooLarge != null) {
        out[i] = BulkResult.Outcome.failure(key, w.tooLarge);
        continue;
      }
      int index = i;
      Headers headers = TtlHeaders.forWrite(w.ttl, w.expiresAt, bucket);
      window.run(
          () -> publishAsync(w.subject, headers, w.body, condition),
          (ack, failure) -> {
            if (failure == null) {
              cacheWrite(db, bucket, w, ack.getSeqno());
              out[index] = BulkResult.Outcome.success(key, ack.getSeqno());
              return;
            }
            Throwable cause = NatsErrors.unwrap(failure);
            if (NatsErrors.apiCode(cause) == NatsErrors.WRONG_LAST_SEQUENCE) {
              if (options.ifAbsent()) {
                retry[index] = true; // a delete marker or an expired record counts as absent
              } else {
                out[index] =
                    BulkResult.Outcome.failure(
                        key, NatsErrors.conflict(key, cause, wanted(options)));
              }
            } else if (NatsErrors.maybeGone(cause)) {
              retry[index] = true;
            } else {
              out[index] =
                  BulkResult.Outcome.failure(key, writeFailure(key, db, w.body.length, cause));
            }
          });
    }
    window.awaitAll();
    for (int i = 0; i < out.length; i++) {
      if (retry[i]) {
        Record r = writes.get(i).record;
        try {
          out[i] = BulkResult.Outcome.success(r.key(), write(r, options));
        } catch (StoreException e) {
          out[i] = BulkResult.Outcome.failure(r.key(), e);
        }
      }
    }
    return new BulkResult(Arrays.asList(out));
  }

  /** Publishes every delete marker without waiting for each acknowledgement. */
  @Override
  public BulkResult deleteAll(Collection<String> keys, DeleteOptions options) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String table = options.table().orElse(defaultTable);
    List<String> given = new ArrayList<>(keys.size());
    List<String> storedKeys = new ArrayList<>(keys.size());
    for (String key : keys) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      given.add(key);
      storedKeys.add(storedKey(scope(table) + key, key, table));
    }
    BulkResult.Outcome[] out = new BulkResult.Outcome[given.size()];
    Optional<Buckets.Bucket> found = buckets.find(db);
    if (found.isEmpty() || out.length == 0) {
      // nothing to delete; with a revision condition each delete is a conflict, as in delete()
      List<BulkResult.Outcome> none = new ArrayList<>();
      for (String key : given) {
        try {
          delete(key, options);
          none.add(BulkResult.Outcome.success(key, 0));
        } catch (StoreException e) {
          none.add(BulkResult.Outcome.failure(key, e));
        }
      }
      return new BulkResult(none);
    }
    PublishOptions condition =
        options.ifRevision().isPresent()
            ? PublishOptions.builder()
                .expectedLastSubjectSequence(options.ifRevision().getAsLong())
                .build()
            : null;
    boolean[] retry = new boolean[out.length];
    Window window = new Window(WINDOW);
    for (int i = 0; i < out.length; i++) {
      String key = given.get(i);
      String stored = storedKeys.get(i);
      int index = i;
      window.run(
          () ->
              publishAsync(
                  subject(db, stored),
                  new Headers().put(KV_OPERATION, "DEL"),
                  DirectGet.EMPTY,
                  condition),
          (ack, failure) -> {
            if (failure == null) {
              cacheDelete(db, stored, ack.getSeqno());
              out[index] = BulkResult.Outcome.success(key, ack.getSeqno());
              return;
            }
            Throwable cause = NatsErrors.unwrap(failure);
            if (NatsErrors.apiCode(cause) == NatsErrors.WRONG_LAST_SEQUENCE) {
              out[index] =
                  BulkResult.Outcome.failure(
                      key,
                      NatsErrors.conflict(
                          key, cause, "to have revision " + options.ifRevision().orElse(0)));
            } else if (NatsErrors.maybeGone(cause)) {
              retry[index] = true;
            } else {
              out[index] =
                  BulkResult.Outcome.failure(
                      key, NatsErrors.wrap(what("deleting", key, db), cause));
            }
          });
    }
    window.awaitAll();
    for (int i = 0; i < out.length; i++) {
      if (retry[i]) {
        try {
          delete(given.get(i), options);
          out[i] = BulkResult.Outcome.success(given.get(i), 0);
        } catch (StoreException e) {
          out[i] = BulkResult.Outcome.failure(given.get(i), e);
        }
      }
    }
    return new BulkResult(Arrays.asList(out));
  }

  /**
   * Reads every key with direct gets sent without waiting for each reply, at most {@value #WINDOW}
   * in flight; keys held by the near cache are answered from it.
   */
  @Override
  public Map<String, Record> readAll(Collection<String> keys, ReadOptions options) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(options, "options");
    OptionChecks.readAll(options);
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String table = options.table().orElse(defaultTable);
    LinkedHashMap<String, String> storedByKey = new LinkedHashMap<>();
    for (String key : keys) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      storedByKey.put(key, storedKey(scope(table) + key, key, table));
    }
    Optional<Buckets.Bucket> found = buckets.find(db);
    if (found.isEmpty() || storedByKey.isEmpty()) {
      return Map.of();
    }
    Buckets.Bucket bucket = found.get();
    List<String> given = new ArrayList<>(storedByKey.keySet());
    Record[] records = new Record[given.size()];
    boolean[] fromServer = new boolean[given.size()];
    Object[] replies = new Object[given.size()];
    Window window = new Window(WINDOW);
    for (int i = 0; i < records.length; i++) {
      String key = given.get(i);
      String stored = storedByKey.get(key);
      NearCache.Entry cached = cached(db, bucket, stored);
      if (cached != null) {
        Record r = fromCache(cached, key);
        if (r != null || cached.record == null) {
          records[i] = r;
          continue;
        }
      }
      fromServer[i] = true;
      if (!bucket.allowDirect) {
        records[i] = readExact(db, stored, key);
        fromServer[i] = false;
        continue;
      }
      int index = i;
      window.run(
          () ->
              connection.requestWithTimeout(
                  DirectGet.subject(apiPrefix, db, stored), null, DirectGet.EMPTY, timeout),
          (reply, failure) -> replies[index] = failure != null ? failure : reply);
    }
    window.awaitAll();
    Map<String, Record> out = new LinkedHashMap<>();
    for (int i = 0; i < records.length; i++) {
      String key = given.get(i);
      Record r = records[i];
      if (fromServer[i]) {
        String stored = storedByKey.get(key);
        Object reply = replies[i];
        try {
          if (reply instanceof Throwable) {
            throw (Throwable) reply;
          }
          r = toLiveRecord(db, stored, key, DirectGet.parse((Message) reply));
        } catch (Throwable failure) {
          Throwable cause = NatsErrors.unwrap(failure);
          if (!NatsErrors.maybeGone(cause)) {
            throw NatsErrors.wrap(what("reading", key, db), cause);
          }
          r = readExact(db, stored, key);
        }
      }
      if (r != null) {
        out.put(key, r);
      }
    }
    return out;
  }

  /**
   * At most {@code size} asynchronous operations in flight: {@link #run} waits for a free slot,
   * {@link #awaitAll} for every operation to complete. Completion handlers run before the slot is
   * released, so what they write is visible after {@link #awaitAll}.
   */
  private final class Window {
    private final int size;
    private final java.util.concurrent.Semaphore slots;

    Window(int size) {
      this.size = size;
      this.slots = new java.util.concurrent.Semaphore(size);
    }

    <T> void run(
        java.util.function.Supplier<CompletableFuture<T>> operation,
        java.util.function.BiConsumer<@Nullable T, @Nullable Throwable> done) {
      acquire(1);
      CompletableFuture<T> f;
      try {
        f = operation.get().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        try {
          done.accept(null, e);
        } finally {
          slots.release();
        }
        return;
      }
      f.whenComplete(
          (value, failure) -> {
            try {
              done.accept(value, failure);
            } finally {
              slots.release();
            }
          });
    }

    void awaitAll() {
      acquire(size);
      slots.release(size);
    }

    private void acquire(int n) {
      try {
        slots.acquire(n);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("bulk operation on " + description + ": interrupted", e);
      }
    }
  }

  private CompletableFuture<PublishAck> publishAsync(
      String subject, @Nullable Headers headers, byte[] body, @Nullable PublishOptions options) {
    return options == null
        ? js.publishAsync(subject, headers, body)
        : js.publishAsync(subject, headers, body, options);
  }

  // ---------------------------------------------------------------- async

  /**
   * An exact read is one asynchronous direct get (answered from the near cache when it holds the
   * key); prefix and suffix reads run the synchronous scan on the common pool.
   */
  @Override
  public CompletableFuture<List<Record>> readAsync(String key, ReadOptions options) {
    try {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(options, "options");
      checkOpen();
      if (!options.exact()) {
        return CompletableFuture.supplyAsync(() -> read(key, options), ForkJoinPool.commonPool());
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      String db = KeyRules.database(options.database().orElse(defaultDatabase));
      String table = options.table().orElse(defaultTable);
      String stored = storedKey(scope(table) + key, key, table);
      Optional<Buckets.Bucket> found = buckets.find(db);
      if (found.isEmpty()) {
        throw new NotFoundException(key, db);
      }
      Buckets.Bucket bucket = found.get();
      NearCache.Entry cached = cached(db, bucket, stored);
      if (cached != null) {
        Record r = fromCache(cached, key);
        if (r != null) {
          return CompletableFuture.completedFuture(List.of(r));
        }
        if (cached.record == null) {
          throw new NotFoundException(key, db);
        }
      }
      if (!bucket.allowDirect) {
        return CompletableFuture.supplyAsync(() -> read(key, options), ForkJoinPool.commonPool());
      }
      CompletableFuture<List<Record>> result = new CompletableFuture<>();
      connection
          .requestWithTimeout(
              DirectGet.subject(apiPrefix, db, stored), null, DirectGet.EMPTY, timeout)
          .whenComplete(
              (reply, failure) -> {
                try {
                  if (failure != null) {
                    throw failure;
                  }
                  Record r = toLiveRecord(db, stored, key, DirectGet.parse(reply));
                  if (r == null) {
                    result.completeExceptionally(new NotFoundException(key, db));
                  } else {
                    result.complete(List.of(r));
                  }
                } catch (Throwable t) {
                  Throwable cause = NatsErrors.unwrap(t);
                  if (NatsErrors.maybeGone(cause)) {
                    // the bucket may be gone: look again, off the client's thread
                    buckets.forget(db);
                    relay(
                        CompletableFuture.supplyAsync(
                            () -> read(key, options), ForkJoinPool.commonPool()),
                        result);
                  } else {
                    result.completeExceptionally(NatsErrors.wrap(what("reading", key, db), cause));
                  }
                }
              });
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One asynchronous publish; the future completes with the acknowledged revision. */
  @Override
  public CompletableFuture<Long> writeAsync(Record record, WriteOptions options) {
    try {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(options, "options");
      checkOpen();
      String db = KeyRules.database(options.database().orElse(defaultDatabase));
      PreparedWrite w =
          prepare(record, db, options.table().orElse(defaultTable), options, clock.instant());
      if (w.tooLarge != null) {
        throw w.tooLarge;
      }
      Buckets.Bucket bucket = buckets.findOrCreate(db);
      Headers headers = TtlHeaders.forWrite(w.ttl, w.expiresAt, bucket);
      CompletableFuture<Long> result = new CompletableFuture<>();
      publishAsync(w.subject, headers, w.body, condition(options))
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ack, failure) -> {
                if (failure == null) {
                  cacheWrite(db, bucket, w, ack.getSeqno());
                  result.complete(ack.getSeqno());
                  return;
                }
                Throwable cause = NatsErrors.unwrap(failure);
                String key = record.key();
                if (NatsErrors.apiCode(cause) == NatsErrors.WRONG_LAST_SEQUENCE
                    && !options.ifAbsent()) {
                  result.completeExceptionally(NatsErrors.conflict(key, cause, wanted(options)));
                } else if (NatsErrors.apiCode(cause) == NatsErrors.WRONG_LAST_SEQUENCE
                    || NatsErrors.maybeGone(cause)) {
                  // ifAbsent over a delete marker, or a bucket that may be gone: the synchronous
                  // path handles both, off the client's thread
                  if (NatsErrors.maybeGone(cause)) {
                    buckets.forget(db);
                  }
                  relay(
                      CompletableFuture.supplyAsync(
                          () -> write(record, options), ForkJoinPool.commonPool()),
                      result);
                } else {
                  result.completeExceptionally(writeFailure(key, db, w.body.length, cause));
                }
              });
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One asynchronous publish of a delete marker. */
  @Override
  public CompletableFuture<Void> deleteAsync(String key, DeleteOptions options) {
    try {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(options, "options");
      checkOpen();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      String db = KeyRules.database(options.database().orElse(defaultDatabase));
      String table = options.table().orElse(defaultTable);
      String stored = storedKey(scope(table) + key, key, table);
      if (buckets.find(db).isEmpty()) {
        delete(key, options); // nothing to delete: succeeds, or a conflict with a condition
        return CompletableFuture.completedFuture(null);
      }
      PublishOptions condition =
          options.ifRevision().isPresent()
              ? PublishOptions.builder()
                  .expectedLastSubjectSequence(options.ifRevision().getAsLong())
                  .build()
              : null;
      CompletableFuture<Void> result = new CompletableFuture<>();
      publishAsync(
              subject(db, stored),
              new Headers().put(KV_OPERATION, "DEL"),
              DirectGet.EMPTY,
              condition)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ack, failure) -> {
                if (failure == null) {
                  cacheDelete(db, stored, ack.getSeqno());
                  result.complete(null);
                  return;
                }
                Throwable cause = NatsErrors.unwrap(failure);
                if (NatsErrors.apiCode(cause) == NatsErrors.WRONG_LAST_SEQUENCE) {
                  result.completeExceptionally(
                      NatsErrors.conflict(
                          key, cause, "to have revision " + options.ifRevision().orElse(0)));
                } else if (NatsErrors.maybeGone(cause)) {
                  buckets.forget(db);
                  relay(
                      CompletableFuture.runAsync(
                          () -> delete(key, options), ForkJoinPool.commonPool()),
                      result);
                } else {
                  result.completeExceptionally(NatsErrors.wrap(what("deleting", key, db), cause));
                }
              });
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T> void relay(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            to.completeExceptionally(NatsErrors.unwrap(failure));
          } else {
            to.complete(value);
          }
        });
  }

  // ---------------------------------------------------------------- near cache

  /** The near cache's entry for a key, or null when the database is not cached (or not yet). */
  private NearCache.@Nullable Entry cached(String db, Buckets.Bucket bucket, String stored) {
    NearCache.Replica replica = nearCache.replica(db, bucket, this::startReplica);
    if (replica == null) {
      return null;
    }
    NearCache.Entry e = replica.get(stored);
    return e != null ? e : ABSENT;
  }

  /** A synced replica without an entry: the key has no record. */
  private static final NearCache.Entry ABSENT = new NearCache.Entry(null, 0, null);

  /** The record of a cache entry under the key asked for; null when deleted or expired. */
  private @Nullable Record fromCache(NearCache.Entry e, String key) {
    Record r = e.record;
    if (r == null) {
      return null;
    }
    Duration left = e.timeLeft(clock.instant());
    if (left == null) {
      return null;
    }
    return r.toBuilder().key(key).expiry(left).build();
  }

  private void cacheWrite(String db, Buckets.Bucket bucket, PreparedWrite w, long revision) {
    NearCache.Replica replica = nearCache.running(db);
    if (replica == null || replica.bucket != bucket) {
      return;
    }
    Instant expiresAt = w.expiresAt;
    if (!bucket.maxAge.isZero()) {
      Instant aged = w.now.plus(bucket.maxAge);
      expiresAt = expiresAt == null || aged.isBefore(expiresAt) ? aged : expiresAt;
    }
    Record stored = w.record.toBuilder().revision(revision).expiry(Duration.ZERO).build();
    replica.apply(w.stored, new NearCache.Entry(stored, revision, expiresAt));
  }

  private void cacheDelete(String db, String stored, long revision) {
    NearCache.Replica replica = nearCache.running(db);
    if (replica != null) {
      replica.apply(stored, new NearCache.Entry(null, revision, null));
    }
  }

  /**
   * Starts a replica: follows the bucket's stream from its current end, then fills the replica with
   * one pass over the latest message of every key. Returns false when it cannot start (reads then
   * go to the server and the next read tries again).
   */
  private boolean startReplica(NearCache.Replica replica) {
    Buckets.Bucket bucket = replica.bucket;
    String db = bucket.name;
    String stream = streamName(db);
    String filter = "$KV." + db + ".>";
    int prefixLength = filter.length() - 1;
    BucketScan.Sink apply =
        (m, revision) -> {
          String stored = m.getSubject().substring(prefixLength);
          Headers h = m.getHeaders();
          if (isDeleteMarker(h)) {
            replica.apply(stored, new NearCache.Entry(null, revision, null));
            return;
          }
          Instant expiresAt = expiresAt(h);
          if (!bucket.maxAge.isZero()) {
            Instant aged = m.metaData().timestamp().toInstant().plus(bucket.maxAge);
            expiresAt = expiresAt == null || aged.isBefore(expiresAt) ? aged : expiresAt;
          }
          Record r = decodeRecord(stored, m.getData(), revision, Duration.ZERO);
          replica.apply(stored, new NearCache.Entry(r, revision, expiresAt));
        };
    try {
      StreamInfo info = jsm.getStreamInfo(stream);
      StreamFollower live =
          StreamFollower.start(
              connection,
              jsm,
              cacheDispatcher.get(),
              followTimer.get(),
              info,
              filter,
              info.getStreamState().getLastSequence(),
              StreamFollower.HEARTBEAT,
              new StreamFollower.Handler() {
                @Override
                public void onMessage(Message m, long revision) {
                  apply.accept(m, revision);
                }

                @Override
                public void onStreamLost() {
                  nearCache.drop(db, replica);
                }
              });
      replica.follow(live);
      BucketScan.scan(
          connection, jsm, stream, filter, false, bucket.keepsOlderMessages(), timeout, apply);
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      return false;
    }
  }

  private static @Nullable Instant expiresAt(@Nullable Headers headers) {
    String at = headers == null ? null : headers.getFirst(TtlHeaders.EXPIRES_AT);
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (java.time.format.DateTimeParseException malformed) {
      return null;
    }
  }

  // ---------------------------------------------------------------- list

  @Override
  public List<String> list(ListOptions options) {
    Objects.requireNonNull(options, "options");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    long started = System.nanoTime();
    try {
      return list(options, db);
    } catch (StoreException e) {
      throw violations.explain(db, started, e);
    }
  }

  private List<String> list(ListOptions options, String db) {
    String scope = scope(options.table().orElse(defaultTable));
    Instant now = clock.instant();
    TreeSet<String> found = new TreeSet<>();
    boolean scanned =
        scan(
            db,
            true,
            new ScanSink() {
              @Override
              public void accept(String relative, Message msg, long revision) {
                if (relative.startsWith(options.prefix())
                    && relative.endsWith(options.suffix())
                    && timeLeft(msg.getHeaders(), now) != null) {
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
            scope,
            options.prefix());
    if (!scanned) {
      return List.of();
    }
    List<String> paged = page(new ArrayList<>(found), options.offset());
    return options.limit() > 0 && paged.size() > options.limit()
        ? List.copyOf(paged.subList(0, options.limit()))
        : paged;
  }

  /** What a scan hands over: the key relative to the table and the message. */
  interface ScanSink {
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
   * <table>_<keyPrefix>} (tokens are separated by {@code .}), and the rest is checked on the
   * subject before anything is allocated; with encoded keys every stored key is decoded.
   */
  private boolean scan(String db, boolean keysOnly, ScanSink sink, String scope, String keyPrefix) {
    String subjectPrefix = "$KV." + db + ".";
    String filter = scanFilter(subjectPrefix, scope + keyPrefix);
    String wantedSubject = subjectPrefix + scope + keyPrefix;
    int relativeStart = subjectPrefix.length() + scope.length();
    boolean plain = !keys.encodes();
    for (int attempt = 0; ; attempt++) {
      Optional<Buckets.Bucket> bucket = buckets.find(db);
      if (bucket.isEmpty()) {
        return false;
      }
      try {
        BucketScan.scan(
            connection,
            jsm,
            streamName(db),
            filter,
            keysOnly,
            bucket.get().keepsOlderMessages(),
            timeout,
            (msg, revision) -> {
              String subject = msg.getSubject();
              String relative;
              if (plain) {
                if (!subject.startsWith(wantedSubject)) {
                  return;
                }
                relative = subject.substring(relativeStart);
              } else {
                String full = keys.fromStored(subject.substring(subjectPrefix.length()));
                if (full == null || !full.startsWith(scope)) {
                  return;
                }
                relative = full.substring(scope.length());
              }
              if (isDeleteMarker(msg.getHeaders())) {
                sink.removed(relative);
              } else {
                sink.accept(relative, msg, revision);
              }
            });
        return true;
      } catch (RuntimeException e) {
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap("scanning database \"" + db + "\"", e);
      }
    }
  }

  /**
   * The subject filter of a scan for keys starting with {@code wanted}: the whole bucket, or when
   * keys are not encoded and {@code wanted} has a valid whole-token prefix (up to its last {@code
   * .}), only the subjects under that prefix.
   */
  private String scanFilter(String subjectPrefix, String wanted) {
    if (!keys.encodes()) {
      int dot = wanted.lastIndexOf('.');
      if (dot > 0 && KeyRules.problem(wanted.substring(0, dot)) == null) {
        return subjectPrefix + wanted.substring(0, dot + 1) + ">";
      }
    }
    return subjectPrefix + ">";
  }

  // ---------------------------------------------------------------- watch, history, info

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String scope = scope(options.table().orElse(defaultTable));
    Buckets.Bucket bucket = buckets.findOrCreate(db);
    StreamInfo before;
    try {
      before = jsm.getStreamInfo(streamName(db));
    } catch (IOException | JetStreamApiException e) {
      buckets.forget(db);
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
            return toRecord(relativeKey, m.getData(), m.getHeaders(), revision, now);
          }
        };
    return track(
        NatsWatch.start(
            connection,
            jsm,
            bucket.keepsOlderMessages(),
            dispatcher.get(),
            followTimer.get(),
            before,
            db,
            scope,
            options.prefix(),
            options.includeInitial(),
            keys.encodes(),
            timeout,
            decoder,
            listener,
            watches::remove));
  }

  /** Registers a started watch, so that the deletion of its bucket can end it. */
  private Watch track(NatsWatch w) {
    watches.add(w);
    return w;
  }

  /** Whether exact reads of {@code db} are answered from a synced near-cache replica now. */
  boolean nearCacheServes(String db) {
    NearCache.Replica r = nearCache.running(db);
    return r != null && r.synced();
  }

  /** Called when the server announces that a bucket was deleted. */
  void bucketDeleted(String db) {
    for (NatsWatch w : watches) {
      if (w.database().equals(db)) {
        w.bucketDeleted();
      }
    }
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
    OptionChecks.history(options);
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String table = options.table().orElse(defaultTable);
    String stored = storedKey(scope(table) + key, key, table);
    Optional<Buckets.Bucket> bucket = buckets.find(db);
    if (bucket.isEmpty()) {
      return List.of();
    }
    List<ChangeEvent> out = new ArrayList<>();
    try {
      for (KeyValueEntry e : bucket.get().kv().history(stored)) {
        if (e.getOperation() == KeyValueOperation.PUT) {
          Record r = decodeRecord(key, e.getValue(), e.getRevision(), Duration.ZERO);
          out.add(new ChangeEvent(ChangeEvent.Op.PUT, db, key, e.getRevision(), r));
        } else {
          out.add(new ChangeEvent(ChangeEvent.Op.DELETE, db, key, e.getRevision(), null));
        }
      }
    } catch (IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
      if (NatsErrors.bucketGone(e)) {
        buckets.forget(db);
        return List.of();
      }
      throw NatsErrors.wrap(what("reading the history of", key, db), e);
    }
    int limit = options.limit();
    return limit > 0 && out.size() > limit
        ? List.copyOf(out.subList(out.size() - limit, out.size()))
        : out;
  }

  @Override
  public Optional<DatabaseInfo> info(String database) {
    Objects.requireNonNull(database, "database");
    KeyRules.database(database);
    checkOpen();
    try {
      KeyValueStatus st = kvm.getStatus(database);
      return Optional.of(
          new DatabaseInfo(
              database,
              st.getEntryCount(),
              st.getByteCount(),
              st.getTtl() == null ? Duration.ZERO : st.getTtl(),
              (int) st.getMaxHistoryPerKey(),
              st.getStorageType() == StorageType.Memory ? "memory" : "file",
              st.getReplicas()));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsErrors.STREAM_NOT_FOUND) {
        return Optional.empty();
      }
      throw NatsErrors.wrap("reading the info of database \"" + database + "\"", e);
    } catch (IOException | RuntimeException e) {
      throw NatsErrors.wrap("reading the info of database \"" + database + "\"", e);
    }
  }

  // ---------------------------------------------------------------- databases

  @Override
  public List<String> databases() {
    checkOpen();
    try {
      List<String> names = new ArrayList<>(kvm.getBucketNames());
      names.sort(null);
      return names;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsErrors.wrap("listing databases", e);
    }
  }

  @Override
  public boolean deleteDatabase(String database) {
    Objects.requireNonNull(database, "database");
    KeyRules.database(database);
    checkOpen();
    buckets.forget(database);
    try {
      kvm.delete(database);
      bucketDeleted(database);
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsErrors.STREAM_NOT_FOUND) {
        return false;
      }
      throw NatsErrors.wrap("deleting database \"" + database + "\"", e);
    } catch (IOException | RuntimeException e) {
      throw NatsErrors.wrap("deleting database \"" + database + "\"", e);
    } finally {
      buckets.forget(database);
      written.forget(database);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    buckets.close();
    for (NatsWatch w : watches) {
      w.close();
    }
    nearCache.close();
    followTimer.ifCreated(ScheduledExecutorService::shutdownNow);
    cacheDispatcher.ifCreated(this::closeDispatcher);
    dispatcher.ifCreated(this::closeDispatcher);
    if (ownsConnection) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeDispatcher(Dispatcher d) {
    try {
      connection.closeDispatcher(d);
    } catch (RuntimeException alreadyClosed) {
      // the connection is closed already
    }
  }

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------- helpers

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store " + description + " is closed");
    }
    if (connection.getStatus() == Connection.Status.CLOSED) {
      throw new StoreException(
          "the connection of store " + description + " to NATS is closed; open a new store");
    }
  }

  private String storedKey(String fullKey, String key, @Nullable String table) {
    if (keys.encodes()) {
      for (int i = 0; i < fullKey.length(); i++) {
        char c = fullKey.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < fullKey.length()
            && Character.isLowSurrogate(fullKey.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          String where = table != null && i < table.length() ? "table \"" + table : "key \"" + key;
          throw new IllegalArgumentException(
              where
                  + "\" is invalid: it holds an unpaired surrogate (U+"
                  + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                  + "), which has no UTF-8 form, so it cannot be encoded");
        }
      }
      return keys.toStored(fullKey);
    }
    KeyRules.plainKey(fullKey, key, table);
    return fullKey;
  }

  private static String scope(@Nullable String table) {
    return table == null ? "" : table + "_";
  }

  static String streamName(String db) {
    return "KV_" + db;
  }

  static String subject(String db, String storedKey) {
    return "$KV." + db + "." + storedKey;
  }

  static boolean isDeleteMarker(@Nullable Headers headers) {
    if (headers == null) {
      return false;
    }
    String op = headers.getFirst(KV_OPERATION);
    // markers the server leaves when a TTL or max age removes a key carry only a reason
    return "DEL".equals(op) || "PURGE".equals(op) || headers.getFirst(MARKER_REASON) != null;
  }

  private static <T> List<T> page(List<T> sorted, int offset) {
    if (offset >= sorted.size()) {
      return List.of();
    }
    return offset == 0 ? sorted : new ArrayList<>(sorted.subList(offset, sorted.size()));
  }

  private static String what(String verb, String key, String db) {
    return verb + " key \"" + key + "\" in database \"" + db + "\"";
  }
}
