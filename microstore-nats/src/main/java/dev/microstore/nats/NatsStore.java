package dev.microstore.nats;

import dev.microstore.Store;
import dev.microstore.StoreException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds the NATS JetStream Key-Value store: each database is a KV bucket, created on first write;
 * a table is the key prefix {@code <table>_}; the stored value is the Go plugin's JSON envelope, so
 * Java and Go services share buckets.
 *
 * <p>Every option of Go-Micro's {@code nats-js-kv} plugin has a builder method: server URLs ({@code
 * Nodes}), {@link #natsOptions(Options)} ({@code NatsOptions}), {@link
 * #jetStreamOptions(JetStreamOptions)} ({@code JetStreamOptions}), {@link
 * #bucket(KeyValueConfiguration)} ({@code KeyValueOptions}), {@link #defaultTtl(Duration)}, {@link
 * #memoryStorage()}, {@link #description(String)} and {@link #encodeKeys()}. Deleting a bucket is
 * {@link Store#deleteDatabase(String)}.
 *
 * <p>{@link #build()} connects eagerly: it opens the connection (unless one is given with {@link
 * #connection(Connection)}) and creates or updates the buckets configured with {@link
 * #bucket(KeyValueConfiguration)}; any failure is thrown there. Other buckets are found on the
 * server when first used and created on first write; reads never create a bucket.
 *
 * <pre>{@code
 * try (Store store = NatsStore.builder().servers("nats://127.0.0.1:4222").build()) {
 *   store.write(Record.of("alice", "hello"), WriteOptions.builder().table("users").build());
 * }
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} may be called repeatedly, each call opening a new store.
 */
public final class NatsStore {
  /** The server used when none is configured. */
  public static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";

  private final List<String> servers = new ArrayList<>();
  private @Nullable Options natsOptions;
  private final List<Consumer<Options.Builder>> customizers = new ArrayList<>();
  private @Nullable Connection connection;
  private @Nullable JetStreamOptions jetStreamOptions;
  private final List<KeyValueConfiguration> buckets = new ArrayList<>();
  private Duration defaultTtl = Duration.ZERO;
  private boolean memoryStorage;
  private String description = BucketDefaults.DESCRIPTION;
  private int replicas = 1;
  private int history = 1;
  private boolean encodeKeys;
  private String database = "default";
  private @Nullable String table;
  private Duration timeout = Duration.ofSeconds(5);
  private boolean nearCacheAll;
  private final java.util.Set<String> nearCacheDatabases = new java.util.TreeSet<>();

  private NatsStore() {}

  /**
   * A new builder with the Go plugin's defaults.
   *
   * @return the builder
   */
  public static NatsStore builder() {
    return new NatsStore();
  }

  /**
   * A builder configured from a store URI, as {@link dev.microstore.Stores#open(String)} would open
   * it ({@code nats://host:4222,host2:4222?database=orders&nearCache=true}, parameters in
   * docs/nats.md), for adding what a URI cannot say (TLS contexts, JetStream options, bucket
   * configurations) before {@link #build()}.
   *
   * @param uri a {@code nats://} store URI
   * @return the builder
   * @throws IllegalArgumentException if the URI is malformed, not {@code nats://}, or has an
   *     unknown or invalid parameter
   */
  public static NatsStore fromUri(String uri) {
    dev.microstore.StoreUri parsed = dev.microstore.StoreUri.parse(uri);
    if (!parsed.scheme().equals("nats")) {
      throw new IllegalArgumentException(
          "store URI \"" + uri + "\" is invalid here: the scheme must be nats");
    }
    return NatsStoreProvider.builder(parsed);
  }

  /**
   * Adds NATS server URLs (Go-Micro's {@code Nodes}); default {@value #DEFAULT_SERVER}. URLs may
   * carry user information ({@code nats://user:password@host:4222}).
   *
   * @param urls server URLs
   * @return this builder
   * @throws IllegalArgumentException if a URL is empty
   */
  public NatsStore servers(String... urls) {
    for (String url : urls) {
      Objects.requireNonNull(url, "url");
      for (String one : url.split(",")) {
        String u = one.trim();
        if (u.isEmpty()) {
          throw new IllegalArgumentException("server URL \"" + url + "\" is invalid: empty");
        }
        servers.add(u.contains("://") ? u : "nats://" + u);
      }
    }
    return this;
  }

  /**
   * Uses these complete jnats connection options (Go: {@code NatsOptions}), servers included:
   * authentication, TLS, reconnect behaviour, timeouts and everything else jnats offers. Cannot be
   * combined with {@link #servers(String...)} or {@link #connectionOptions(Consumer)}.
   *
   * @param options jnats options
   * @return this builder
   */
  public NatsStore natsOptions(Options options) {
    this.natsOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Adjusts the jnats connection options the store builds from {@link #servers(String...)}:
   * credentials, TLS, reconnect settings, timeouts. Customizers add up: each call adds one, and
   * they run in the order they were added, once per {@link #build()}, each seeing what the ones
   * before it (and a store URI's settings, such as its token or credentials) configured.
   *
   * @param customizer receives the options builder, with the servers already set, reconnecting
   *     without limit ({@code maxReconnects(-1)}: the store keeps reconnecting for as long as it is
   *     open; set a limit here to change that), and an error listener that logs failures as
   *     warnings through {@link System.Logger} (and, unlike jnats' default, not every flow-control
   *     request); set another one here to replace it
   * @return this builder
   */
  public NatsStore connectionOptions(Consumer<Options.Builder> customizer) {
    customizers.add(Objects.requireNonNull(customizer, "customizer"));
    return this;
  }

  /**
   * Uses an existing connection instead of opening one; the store does not close it.
   *
   * @param connection an open jnats connection
   * @return this builder
   */
  public NatsStore connection(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    return this;
  }

  /**
   * Uses these JetStream options (Go: {@code JetStreamOptions}): API prefix, domain, request
   * timeout.
   *
   * @param options jnats JetStream options
   * @return this builder
   */
  public NatsStore jetStreamOptions(JetStreamOptions options) {
    this.jetStreamOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Creates this bucket when the store is built, or applies the configuration to it if it exists
   * (Go: {@code KeyValueOptions}). Every jnats setting is honoured: TTL, history, max bytes, max
   * value size, storage, replicas, placement, republish, mirror, sources, description.
   *
   * @param configuration the bucket's configuration; its name is the database name
   * @return this builder
   */
  public NatsStore bucket(KeyValueConfiguration configuration) {
    Objects.requireNonNull(configuration, "configuration");
    KeyRules.database(configuration.getBucketName());
    buckets.add(configuration);
    return this;
  }

  /**
   * The TTL of buckets the store creates (Go: {@code DefaultTTL}); default none.
   *
   * @param ttl a positive duration, or zero for none
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public NatsStore defaultTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("defaultTtl " + ttl + " is invalid: must not be negative");
    }
    this.defaultTtl = ttl;
    return this;
  }

  /**
   * Buckets the store creates keep their data in memory only (Go: {@code DefaultMemory}).
   *
   * @return this builder
   */
  public NatsStore memoryStorage() {
    this.memoryStorage = true;
    return this;
  }

  /**
   * The description of buckets the store creates (Go: {@code DefaultDescription}); default {@value
   * BucketDefaults#DESCRIPTION}.
   *
   * @param description the text
   * @return this builder
   */
  public NatsStore description(String description) {
    this.description = Objects.requireNonNull(description, "description");
    return this;
  }

  /**
   * The number of replicas of buckets the store creates; default 1.
   *
   * @param replicas 1 to 5
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public NatsStore replicas(int replicas) {
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException("replicas " + replicas + " is invalid: must be 1 to 5");
    }
    this.replicas = replicas;
    return this;
  }

  /**
   * How many revisions per key buckets the store creates keep; default 1.
   *
   * @param history 1 to 64
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public NatsStore history(int history) {
    if (history < 1 || history > 64) {
      throw new IllegalArgumentException("history " + history + " is invalid: must be 1 to 64");
    }
    this.history = history;
    return this;
  }

  /**
   * Stores every key as the base32 encoding of {@code <table>_<key>}, exactly like the Go plugin's
   * {@code EncodeKeys()}, so any string can be a key.
   *
   * @return this builder
   */
  public NatsStore encodeKeys() {
    return encodeKeys(true);
  }

  /**
   * Turns key encoding on or off; see {@link #encodeKeys()}.
   *
   * @param encode whether keys are base32-encoded
   * @return this builder
   */
  public NatsStore encodeKeys(boolean encode) {
    this.encodeKeys = encode;
    return this;
  }

  /**
   * The database used when options name none; default {@code default}.
   *
   * @param database a valid bucket name
   * @return this builder
   * @throws IllegalArgumentException if not a valid bucket name
   */
  public NatsStore database(String database) {
    this.database = KeyRules.database(Objects.requireNonNull(database, "database"));
    return this;
  }

  /**
   * The table used when options name none; default none.
   *
   * @param table the table; empty for none
   * @return this builder
   */
  public NatsStore table(String table) {
    Objects.requireNonNull(table, "table");
    this.table = table.isEmpty() ? null : table;
    return this;
  }

  /**
   * How long an operation waits for the server: each request, and the silence tolerated during a
   * scan; default 5 seconds.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public NatsStore timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " is invalid: must be positive");
    }
    this.timeout = timeout;
    return this;
  }

  /**
   * Turns the near cache on or off for every database. See {@link #nearCache(String...)}.
   *
   * @param enabled whether every database the store reads is cached locally
   * @return this builder
   */
  public NatsStore nearCache(boolean enabled) {
    this.nearCacheAll = enabled;
    if (!enabled) {
      nearCacheDatabases.clear();
    }
    return this;
  }

  /**
   * Keeps a local replica of these databases (a <em>near cache</em>) and answers exact reads from
   * it. The replica of a database starts with the first read of it (that read waits for one pass
   * over the bucket); a live consumer of the bucket's stream then applies every change made by
   * anyone. Writes and deletes through this store are applied to the replica with their
   * acknowledged revision before they return, so the next read sees them; changes by other clients
   * are seen as soon as the consumer delivers them (usually within a millisecond on a local
   * network). Per-record and bucket-wide expiries are honoured locally.
   *
   * <p>Memory: every key of a cached database is held (key, value, metadata, and about 200 bytes of
   * overhead); deleted keys are kept as small markers. Prefix reads, lists, watch and history still
   * go to the server.
   *
   * @param databases the databases to cache (valid bucket names)
   * @return this builder
   * @throws IllegalArgumentException if a name is not a valid bucket name
   */
  public NatsStore nearCache(String... databases) {
    for (String db : databases) {
      nearCacheDatabases.add(KeyRules.database(Objects.requireNonNull(db, "database")));
    }
    return this;
  }

  /**
   * Connects and returns the store.
   *
   * @return a ready store
   * @throws StoreException if the server cannot be reached, refuses the credentials, has no
   *     JetStream, or refuses a configured bucket
   */
  public Store build() {
    Connection nc = connection;
    boolean owns = nc == null;
    PermissionViolations violations = new PermissionViolations(new ErrorListener() {});
    if (nc == null) {
      Connector.Connected connected = Connector.connect(servers, natsOptions, customizers);
      nc = connected.connection;
      violations = connected.violations;
    }
    try {
      JetStreamOptions jso =
          jetStreamOptions != null
              ? JetStreamOptions.builder(jetStreamOptions).build()
              : JetStreamOptions.builder().requestTimeout(timeout).build();
      KeyValueOptions kvo = KeyValueOptions.builder().jetStreamOptions(jso).build();
      KeyValueManagement kvm = nc.keyValueManagement(kvo);
      JetStreamManagement jsm = nc.jetStreamManagement(jso);
      BucketDefaults defaults =
          new BucketDefaults(defaultTtl, memoryStorage, description, replicas, history);
      WatchRegistry watches = new WatchRegistry();
      Buckets bucketHandles = new Buckets(nc, jsm, kvm, kvo, defaults, watches::bucketDeleted);
      try {
        // one round trip that also confirms the subscriptions Buckets just made
        requireJetStream(jsm, options(nc));
      } catch (RuntimeException e) {
        bucketHandles.close();
        throw e;
      }
      for (KeyValueConfiguration config : buckets) {
        bucketHandles.create(config, true);
      }
      String text =
          "nats://"
              + String.join(",", safeServerList(nc))
              + "?database="
              + database
              + (table == null ? "" : "&table=" + table)
              + (encodeKeys ? "&encodeKeys=true" : "")
              + (nearCacheAll
                  ? "&nearCache=true"
                  : nearCacheDatabases.isEmpty()
                      ? ""
                      : "&nearCache=" + String.join(",", nearCacheDatabases));
      Backend backend =
          new Backend(
              nc,
              owns,
              nc.jetStream(jso),
              jsm,
              kvm,
              jso.getPrefix(),
              bucketHandles,
              new Addressing(new KeyCodec(encodeKeys), database, table),
              timeout,
              text,
              violations);
      NatsKvStore store = new NatsKvStore(backend, watches, nearCacheAll, nearCacheDatabases);
      return store;
    } catch (IOException | RuntimeException e) {
      if (owns) {
        Connector.closeQuietly(nc);
      }
      if (e instanceof StoreException) {
        throw (StoreException) e;
      }
      throw NatsErrors.wrap("opening the NATS store", e);
    }
  }

  /** Whether connecting failed because the server refused the credentials. */
  private static String options(Connection nc) {
    return String.join(",", safeServerList(nc));
  }

  /** Fails at build time, not on the first call, when the server has no JetStream. */
  private static void requireJetStream(io.nats.client.JetStreamManagement jsm, String servers) {
    try {
      jsm.getAccountStatistics();
    } catch (IOException | io.nats.client.JetStreamApiException e) {
      throw new StoreException(
          "NATS at "
              + servers
              + " has no JetStream for this account (start nats-server with -js): "
              + e.getMessage(),
          e);
    }
  }

  private static List<String> safeServerList(Connection nc) {
    List<String> out = new ArrayList<>();
    for (java.net.URI uri : nc.getOptions().getServers()) {
      out.add(uri.getHost() + ":" + uri.getPort());
    }
    return out;
  }
}
