package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The buckets the store uses: found on the server on first use (whoever created them), created on
 * first write, and forgotten when the server says the bucket is gone, so a bucket deleted or
 * recreated by another client never leaves a stale entry behind.
 */
final class Buckets {
  /** What the store needs to know about one bucket. */
  static final class Bucket {
    final String name;
    final boolean nativeTtl;
    final boolean atomicBatches;
    final long history;

    /** Whether the stream answers direct gets (KV buckets do, unless configured otherwise). */
    final boolean allowDirect;

    /** The bucket-wide TTL, zero for none. */
    final java.time.Duration maxAge;

    /** How many servers hold the bucket. */
    final int replicas;

    /** When the bucket's stream was created: a bucket deleted and created again differs. */
    final java.time.@org.jspecify.annotations.Nullable ZonedDateTime created;

    private final Connection connection;
    private final KeyValueOptions kvOptions;
    private volatile KeyValue kv;

    Bucket(String name, StreamInfo info, Connection connection, KeyValueOptions kvOptions) {
      StreamConfiguration config = info.getConfiguration();
      this.name = name;
      this.created = info.getCreateTime();
      this.nativeTtl = config.getAllowMessageTtl();
      this.atomicBatches = config.getAllowAtomicPublish();
      this.history = config.getMaxMsgsPerSubject();
      this.allowDirect = config.getAllowDirect();
      this.maxAge = config.getMaxAge() == null ? java.time.Duration.ZERO : config.getMaxAge();
      this.replicas = config.getReplicas();
      this.connection = connection;
      this.kvOptions = kvOptions;
    }

    /**
     * Whether {@code other} is a handle of the same stream: the same name and creation time. The
     * registry may hand out several handles of one stream (after a reconfiguration, or when it
     * looked the bucket up again); a stream deleted and created again is another one.
     */
    boolean sameStream(Bucket other) {
      return other == this
          || (name.equals(other.name) && java.util.Objects.equals(created, other.created));
    }

    /**
     * Whether a direct get sees every write acknowledged before it was sent: the bucket answers
     * direct gets and has one replica. On a replicated bucket any replica answers a direct get, and
     * a follower may not have applied a write the leader acknowledged, so exact reads ask the
     * leader and stay linearizable.
     */
    boolean directGetsAreCurrent() {
      return allowDirect && replicas <= 1;
    }

    /**
     * Whether the stream may hold older messages of a key besides its latest (history above 1):
     * then a pass asks for the last message per subject; otherwise every stored message is the
     * latest of its key and a pass reads the stream in order, which costs the server less.
     */
    boolean keepsOlderMessages() {
      return history != 1;
    }

    /** The jnats handle, opened on first use. */
    KeyValue kv() throws IOException {
      KeyValue k = kv;
      if (k == null) {
        k = connection.keyValue(name, kvOptions);
        kv = k;
      }
      return k;
    }
  }

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final KeyValueManagement management;
  private final KeyValueOptions kvOptions;
  private final BucketDefaults defaults;
  private final ConcurrentHashMap<String, Bucket> known = new ConcurrentHashMap<>();
  private final io.nats.client.Dispatcher deletions;

  Buckets(
      Connection connection,
      JetStreamManagement jsm,
      KeyValueManagement management,
      KeyValueOptions kvOptions,
      BucketDefaults defaults,
      java.util.function.Consumer<String> onDeleted) {
    this.connection = connection;
    this.jsm = jsm;
    this.management = management;
    this.kvOptions = kvOptions;
    this.defaults = defaults;
    this.deletions = followDeletions(onDeleted);
  }

  /** The bucket if it exists; never creates it. */
  Optional<Bucket> find(String name) {
    Bucket b = known.get(name);
    if (b != null) {
      return Optional.of(b);
    }
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(Wire.streamName(name));
    } catch (JetStreamApiException | IOException | RuntimeException e) {
      // Only the server's "stream not found" means the bucket does not exist: a timeout or "no
      // responders" during a leader election must fail (retriably), never read as "no bucket".
      if (NatsErrors.apiCode(e) == NatsErrors.STREAM_NOT_FOUND) {
        return Optional.empty();
      }
      throw NatsErrors.wrap("opening database \"" + name + "\"", e);
    }
    b = new Bucket(name, info, connection, kvOptions);
    Bucket previous = known.putIfAbsent(name, b);
    return Optional.of(previous == null ? b : previous);
  }

  /** The bucket, created with the store's defaults when missing. */
  Bucket findOrCreate(String name) {
    Optional<Bucket> existing = find(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    create(defaults.configuration(name, nativeTtlAvailable()), false);
    if (atomicBatchesAvailable()) {
      return allowAtomicBatches(name);
    }
    return find(name)
        .orElseThrow(
            () -> new StoreException("database \"" + name + "\" was created but cannot be found"));
  }

  /** Whether the server supports per-message TTLs (nats-server 2.11 and newer). */
  boolean nativeTtlAvailable() {
    return connection.getServerInfo().isSameOrNewerThanVersion("2.11.0");
  }

  /** Whether the server supports atomic batch publishing (nats-server 2.12 and newer). */
  boolean atomicBatchesAvailable() {
    return connection.getServerInfo().isSameOrNewerThanVersion(AtomicBatchPublisher.MINIMUM_SERVER);
  }

  /**
   * Makes an existing bucket accept atomic batches: its stream's configuration is updated with
   * {@code allow_atomic} unless it has it already (the KV API cannot set it when creating a
   * bucket). Nothing else of the configuration changes, and clients that do not publish batches (Go
   * services) are not affected.
   *
   * @return the bucket, as now configured
   * @throws StoreException if the bucket does not exist or the server refuses the update
   */
  Bucket allowAtomicBatches(String name) {
    String what = "allowing atomic batches in database \"" + name + "\"";
    try {
      StreamConfiguration config = jsm.getStreamInfo(Wire.streamName(name)).getConfiguration();
      if (!config.getAllowAtomicPublish()) {
        jsm.updateStream(StreamConfiguration.builder(config).allowAtomicPublish(true).build());
      }
    } catch (JetStreamApiException | IOException e) {
      throw NatsErrors.wrap(what, e);
    }
    known.remove(name);
    return find(name).orElseThrow(() -> new StoreException(what + ": the database is gone"));
  }

  /**
   * Creates a bucket; when it exists already, applies the configuration if {@code update} is true,
   * else leaves it as it is.
   */
  void create(KeyValueConfiguration config, boolean update) {
    try {
      management.create(config);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NatsErrors.STREAM_NAME_IN_USE) {
        throw NatsErrors.wrap("creating database \"" + config.getBucketName() + "\"", e);
      }
      if (update) {
        try {
          management.update(config);
        } catch (IOException | JetStreamApiException u) {
          throw NatsErrors.wrap(
              "applying the configuration of existing database \"" + config.getBucketName() + "\"",
              u);
        }
      }
    } catch (IOException e) {
      throw NatsErrors.wrap("creating database \"" + config.getBucketName() + "\"", e);
    }
    forget(config.getBucketName());
  }

  /**
   * Forgets a bucket as soon as the server announces that its stream was deleted, so that a bucket
   * deleted (and perhaps recreated) by another client is looked up afresh.
   */
  private io.nats.client.Dispatcher followDeletions(java.util.function.Consumer<String> onDeleted) {
    // a wildcard matches whole tokens only: subscribe to every stream and keep the KV ones.
    // Advisories are sent at most once; a creation also tells of a deletion whose advisory was
    // lost (the next use looks the bucket up again and sees a new stream).
    String deleted = "$JS.EVENT.ADVISORY.STREAM.DELETED.";
    String created = "$JS.EVENT.ADVISORY.STREAM.CREATED.";
    io.nats.client.Dispatcher deletions =
        connection.createDispatcher(
            m -> {
              String subject = m.getSubject();
              if (subject.startsWith(deleted + "KV_")) {
                String bucket = subject.substring(deleted.length() + 3);
                forget(bucket);
                onDeleted.accept(bucket);
              } else if (subject.startsWith(created + "KV_")) {
                forget(subject.substring(created.length() + 3));
              }
            });
    deletions.subscribe(deleted + "*");
    deletions.subscribe(created + "*");
    // The server handles a connection's messages in order: the store's first request (NatsStore
    // checks JetStream right after this) is answered only once these subscriptions are in place,
    // and every lookup of a bucket comes later still. No flush of its own is needed.
    return deletions;
  }

  void close() {
    forgetAll();
    try {
      connection.closeDispatcher(deletions);
    } catch (RuntimeException alreadyClosed) {
      // the connection is closed already
    }
  }

  /** Forgets a bucket: the next use looks it up on the server again. */
  void forget(String name) {
    known.remove(name);
  }

  void forgetAll() {
    known.clear();
  }
}
