package dev.microstore.nats;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
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
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
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
  private final Clock clock = Clock.systemUTC();
  private final AtomicBatchPublisher batches;
  private volatile Runnable beforeBatchCommit = () -> {};
  private volatile @Nullable Dispatcher dispatcher;
  private final java.util.Set<NatsWatch> watches =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
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
      PermissionViolations violations) {
    this.connection = connection;
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
              public void accept(String relative, Message msg) {
                if ((options.prefix() && !relative.startsWith(key))
                    || (options.suffix() && !relative.endsWith(key))) {
                  return;
                }
                if (page.size() >= cap && relative.compareTo(page.lastKey()) > 0) {
                  return;
                }
                Record r =
                    toRecord(
                        relative,
                        msg.getData(),
                        msg.getHeaders(),
                        msg.metaData().streamSequence(),
                        now);
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
            scope);
    if (!scanned) {
      return List.of();
    }
    return page(new ArrayList<>(page.values()), options.offset());
  }

  private @Nullable Record readExact(String db, String stored, String key) {
    for (int attempt = 0; ; attempt++) {
      if (buckets.find(db).isEmpty()) {
        return null;
      }
      MessageInfo mi;
      try {
        mi = lastOrNull(db, stored);
        long expected = written.expected(db, stored);
        if (expected > 0 && (mi == null || mi.getSeq() < expected)) {
          // a replica that has not applied this store's own write answered: ask the leader
          mi = leaderLastOrNull(db, stored);
        }
      } catch (JetStreamApiException e) {
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what("reading", key, db), e);
      } catch (IOException | RuntimeException e) {
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw NatsErrors.wrap(what("reading", key, db), e);
      }
      if (mi == null || isDeleteMarker(mi.getHeaders())) {
        return null;
      }
      Record r = toRecord(key, mi.getData(), mi.getHeaders(), mi.getSeq(), clock.instant());
      if (r == null) {
        removeExpired(db, stored, mi.getSeq());
      }
      return r;
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
    return decode(key, stored, revision).expiry(left).build();
  }

  /** A record builder holding a stored value's data and metadata and its revision. */
  private static Record.Builder decode(String key, byte @Nullable [] stored, long revision) {
    EnvelopeCodec.Decoded d = EnvelopeCodec.decode(stored == null ? new byte[0] : stored);
    Record.Builder b = Record.builder(key).value(d.data).revision(revision);
    try {
      b.metadata(d.metadata);
    } catch (IllegalArgumentException tooDeep) {
      // metadata this API cannot represent (nested deeper than its limit): the value is kept
    }
    return b;
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
    String table = options.table().orElse(defaultTable);
    String stored = storedKey(scope(table) + record.key(), record.key(), table);
    Instant now = clock.instant();
    Duration ttl = options.effectiveTtl(record, now);
    Instant expiresAt = ttl.isZero() ? null : now.plus(ttl);
    byte[] body = encodeWithinPayload(db, stored, record, 128);
    for (int attempt = 0; ; attempt++) {
      Buckets.Bucket bucket = buckets.findOrCreate(db);
      Headers headers = TtlHeaders.forWrite(ttl, expiresAt, bucket);
      try {
        long revision = publish(db, stored, record.key(), body, headers, options, now);
        written.wrote(db, stored, revision);
        return revision;
      } catch (JetStreamApiException | IOException | RuntimeException e) {
        if (e instanceof StoreException) {
          throw (StoreException) e;
        }
        if (NatsErrors.maybeGone(e) && attempt == 0) {
          buckets.forget(db);
          continue;
        }
        throw writeFailure(record.key(), db, body.length, e);
      }
    }
  }

  /**
   * The stored value of a record, checked against the server's maximum payload with room for the
   * subject and {@code headerRoom} bytes of headers.
   */
  private byte[] encodeWithinPayload(String db, String stored, Record record, int headerRoom) {
    byte[] body = EnvelopeCodec.encode(record.key(), record.value(), record.metadata());
    long maxPayload = connection.getServerInfo().getMaxPayload();
    int overhead = subject(db, stored).length() + headerRoom;
    if (maxPayload > 0 && body.length + overhead > maxPayload) {
      throw new StoreException(
          "value of key \""
              + record.key()
              + "\" is "
              + body.length
              + " bytes once stored (JSON envelope, base64 value), over the server's max payload"
              + " of "
              + maxPayload
              + " bytes");
    }
    return body;
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
        MessageInfo last = leaderLastOrNull(db, stored);
        if (last == null) {
          throw NatsErrors.conflict(key, e, "to be absent");
        }
        if (!isDeleteMarker(last.getHeaders()) && timeLeft(last.getHeaders(), now) != null) {
          throw new ConflictException(
              key,
              last.getSeq(),
              "key \"" + key + "\" was expected to be absent but has revision " + last.getSeq(),
              NatsErrors.WRONG_LAST_SEQUENCE);
        }
        try {
          return publishAck(
              subject,
              headers,
              body,
              PublishOptions.builder().expectedLastSubjectSequence(last.getSeq()));
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
  private @Nullable MessageInfo lastOrNull(String db, String stored)
      throws IOException, JetStreamApiException {
    try {
      return jsm.getLastMessage(streamName(db), subject(db, stored));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /**
   * The key's last message as the stream leader has it ({@code STREAM.MSG.GET}, never a direct
   * get), or null when there is none. The leader acknowledges a write only after applying it, so
   * this sees every acknowledged write.
   */
  private @Nullable MessageInfo leaderLastOrNull(String db, String stored)
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
    return mi;
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
        if (options.ifRevision().isPresent()) {
          long expected = options.ifRevision().getAsLong();
          try {
            written.wrote(
                db,
                stored,
                publishAck(
                    subject(db, stored),
                    h,
                    new byte[0],
                    PublishOptions.builder().expectedLastSubjectSequence(expected)));
          } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsErrors.WRONG_LAST_SEQUENCE) {
              throw NatsErrors.conflict(key, e, "to have revision " + expected);
            }
            throw e;
          }
        } else {
          written.wrote(db, stored, publishAck(subject(db, stored), h, new byte[0], null));
        }
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
    MessageInfo last = lastOrNull(db, stored);
    if (last == null) {
      return 0;
    }
    if (isDeleteMarker(last.getHeaders()) || timeLeft(last.getHeaders(), now) == null) {
      return last.getSeq();
    }
    throw new ConflictException(
        key,
        last.getSeq(),
        "key \""
            + key
            + "\" was expected to be absent but has revision "
            + last.getSeq()
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
      MessageInfo last;
      try {
        last = lastOrNull(db, stored[i]);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        break;
      }
      long current = last == null ? 0 : last.getSeq();
      boolean live =
          last != null
              && !isDeleteMarker(last.getHeaders())
              && timeLeft(last.getHeaders(), now) != null;
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
              public void accept(String relative, Message msg) {
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
            scope);
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
    void accept(String relativeKey, Message message);

    /** The key was deleted (or expired) during the scan, after an earlier {@link #accept}. */
    void removed(String relativeKey);
  }

  /**
   * Visits the latest live message of every key of the table; returns false when the database does
   * not exist.
   */
  private boolean scan(String db, boolean keysOnly, ScanSink sink, String scope) {
    String prefix = "$KV." + db + ".";
    for (int attempt = 0; ; attempt++) {
      if (buckets.find(db).isEmpty()) {
        return false;
      }
      try {
        BucketScan.scan(
            js,
            streamName(db),
            prefix + ">",
            keysOnly,
            timeout,
            msg -> {
              String full = keys.fromStored(msg.getSubject().substring(prefix.length()));
              if (full != null && full.startsWith(scope)) {
                String relative = full.substring(scope.length());
                if (isDeleteMarker(msg.getHeaders())) {
                  sink.removed(relative);
                } else {
                  sink.accept(relative, msg);
                }
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

  // ---------------------------------------------------------------- watch, history, info

  @Override
  public Watch watch(WatchOptions options, WatchListener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    String db = KeyRules.database(options.database().orElse(defaultDatabase));
    String scope = scope(options.table().orElse(defaultTable));
    buckets.findOrCreate(db);
    long last;
    try {
      last = jsm.getStreamInfo(streamName(db)).getStreamState().getLastSequence();
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
          public @Nullable Record record(String relativeKey, Message m, Instant now) {
            return toRecord(
                relativeKey, m.getData(), m.getHeaders(), m.metaData().streamSequence(), now);
          }
        };
    return track(
        NatsWatch.start(
            js,
            dispatcher(),
            last,
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

  /** Called when the server announces that a bucket was deleted. */
  void bucketDeleted(String db) {
    for (NatsWatch w : watches) {
      if (w.database().equals(db)) {
        w.bucketDeleted();
      }
    }
  }

  private Dispatcher dispatcher() {
    Dispatcher d = dispatcher;
    if (d == null) {
      synchronized (this) {
        d = dispatcher;
        if (d == null) {
          d = connection.createDispatcher();
          dispatcher = d;
        }
      }
    }
    return d;
  }

  @Override
  public List<ChangeEvent> history(String key, ReadOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(options, "options");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
    if (!options.exact() || options.offset() != 0) {
      throw new IllegalArgumentException(
          "history options "
              + options
              + " are invalid: history reads one exact key, so prefix, suffix and offset must"
              + " not be set");
    }
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
          Record r = decode(key, e.getValue(), e.getRevision()).build();
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
    Dispatcher d = dispatcher;
    if (d != null) {
      try {
        connection.closeDispatcher(d);
      } catch (RuntimeException alreadyClosed) {
        // the connection is closed already
      }
    }
    if (ownsConnection) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
