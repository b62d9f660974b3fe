package dev.microstore.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code microstore.*} properties. An unknown property under {@code microstore.} fails the
 * startup (a typo such as {@code microstore.url} would otherwise open the in-memory store
 * silently); the failure analysis names the closest valid property.
 *
 * <p>{@code microstore.uri} and the separate properties combine: the URI gives a starting point and
 * every separate property that is set overrides the corresponding part of it ({@code
 * microstore.nats.servers} replaces the URI's hosts, {@code microstore.nats.username} its user
 * information, {@code microstore.database} its {@code database} parameter, and so on).
 */
@ConfigurationProperties(prefix = "microstore", ignoreUnknownFields = false)
public class MicrostoreProperties {
  /** The in-memory store: the default when neither a URI nor NATS servers are configured. */
  public static final String DEFAULT_URI = "memory:";

  /** Whether to create the Store bean. */
  private boolean enabled = true;

  /**
   * The store to open, as Stores.open(String) takes it: memory: (parameters database, table) or
   * nats://host:port[,host:port]?database=... (parameters in docs/nats.md). Default: memory:, or
   * NATS when microstore.nats.servers or NATS credentials are set.
   */
  private @Nullable String uri;

  /** The default database of the store; overrides the URI's database parameter. */
  private @Nullable String database;

  /** The default table of the store; overrides the URI's table parameter. */
  private @Nullable String table;

  /**
   * How long a NATS store operation waits for the server (each request, and the silence tolerated
   * during a scan); overrides the URI's timeout parameter. Default 5s.
   */
  private @Nullable Duration timeout;

  private final Nats nats = new Nats();

  private final Cache cache = new Cache();

  /** Creates the properties with their defaults; Spring binds the configured values. */
  public MicrostoreProperties() {}

  /**
   * Whether the store bean is created.
   *
   * @return {@code true} unless {@code microstore.enabled=false}
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code microstore.enabled}.
   *
   * @param enabled whether the store bean is created
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The store URI.
   *
   * @return {@code microstore.uri}, or {@code null} when not set
   */
  public @Nullable String getUri() {
    return uri;
  }

  /**
   * Sets {@code microstore.uri}.
   *
   * @param uri the store URI
   */
  public void setUri(@Nullable String uri) {
    this.uri = uri;
  }

  /**
   * The default database.
   *
   * @return {@code microstore.database}, or {@code null} when not set
   */
  public @Nullable String getDatabase() {
    return database;
  }

  /**
   * Sets {@code microstore.database}.
   *
   * @param database the default database
   */
  public void setDatabase(@Nullable String database) {
    this.database = database;
  }

  /**
   * The default table.
   *
   * @return {@code microstore.table}, or {@code null} when not set
   */
  public @Nullable String getTable() {
    return table;
  }

  /**
   * Sets {@code microstore.table}.
   *
   * @param table the default table
   */
  public void setTable(@Nullable String table) {
    this.table = table;
  }

  /**
   * The request timeout of a NATS store.
   *
   * @return {@code microstore.timeout}, or {@code null} when not set
   */
  public @Nullable Duration getTimeout() {
    return timeout;
  }

  /**
   * Sets {@code microstore.timeout}.
   *
   * @param timeout the request timeout
   */
  public void setTimeout(@Nullable Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * The {@code microstore.nats.*} properties.
   *
   * @return the NATS connection properties
   */
  public Nats getNats() {
    return nats;
  }

  /**
   * The {@code microstore.cache.*} properties.
   *
   * @return the cache properties
   */
  public Cache getCache() {
    return cache;
  }

  /** The {@code microstore.nats.*} properties: the connection of a NATS store. */
  public static class Nats {
    /**
     * NATS server URLs (host:port or nats://host:port); replace the URI's hosts. Setting them
     * without microstore.uri opens a NATS store.
     */
    private List<String> servers = new ArrayList<>();

    /** A NATS credentials file (.creds: JWT and NKey seed); overrides the URI's creds parameter. */
    private @Nullable String credentials;

    /** A NATS authentication token; overrides the URI's token parameter. */
    private @Nullable String token;

    /** The NATS user name; overrides the URI's user information. */
    private @Nullable String username;

    /** The NATS password; overrides the URI's user information. */
    private @Nullable String password;

    private final Ssl ssl = new Ssl();

    /**
     * The connection's name, shown by the server's monitoring. Default: spring.application.name.
     */
    private @Nullable String connectionName;

    /** How long connecting to one server may take. Default 2s (jnats' default). */
    private @Nullable Duration connectionTimeout;

    /** The wait between attempts to reconnect to the same server. Default 2s (jnats' default). */
    private @Nullable Duration reconnectWait;

    /**
     * How many reconnect attempts are made after the connection is lost before the store gives up
     * for good; -1 (the default) reconnects for as long as the store is open.
     */
    private @Nullable Integer maxReconnects;

    /**
     * Stores every key base32-encoded, exactly like the Go plugin's EncodeKeys(), so any string can
     * be a key; overrides the URI's encodeKeys parameter.
     */
    private @Nullable Boolean encodeKeys;

    /**
     * The databases to keep a near cache (a local replica answering exact reads) of, or true for
     * every database; overrides the URI's nearCache parameter.
     */
    private @Nullable List<String> nearCache;

    /** Creates the properties with their defaults. */
    public Nats() {}

    /**
     * The server URLs.
     *
     * @return {@code microstore.nats.servers}, empty when not set
     */
    public List<String> getServers() {
      return servers;
    }

    /**
     * Sets {@code microstore.nats.servers}.
     *
     * @param servers the server URLs
     */
    public void setServers(List<String> servers) {
      this.servers = servers;
    }

    /**
     * The credentials file.
     *
     * @return {@code microstore.nats.credentials}, or {@code null}
     */
    public @Nullable String getCredentials() {
      return credentials;
    }

    /**
     * Sets {@code microstore.nats.credentials}.
     *
     * @param credentials the path of a {@code .creds} file
     */
    public void setCredentials(@Nullable String credentials) {
      this.credentials = credentials;
    }

    /**
     * The token.
     *
     * @return {@code microstore.nats.token}, or {@code null}
     */
    public @Nullable String getToken() {
      return token;
    }

    /**
     * Sets {@code microstore.nats.token}.
     *
     * @param token the token
     */
    public void setToken(@Nullable String token) {
      this.token = token;
    }

    /**
     * The user name.
     *
     * @return {@code microstore.nats.username}, or {@code null}
     */
    public @Nullable String getUsername() {
      return username;
    }

    /**
     * Sets {@code microstore.nats.username}.
     *
     * @param username the user name
     */
    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    /**
     * The password.
     *
     * @return {@code microstore.nats.password}, or {@code null}
     */
    public @Nullable String getPassword() {
      return password;
    }

    /**
     * Sets {@code microstore.nats.password}.
     *
     * @param password the password
     */
    public void setPassword(@Nullable String password) {
      this.password = password;
    }

    /**
     * The {@code microstore.nats.ssl.*} properties.
     *
     * @return the TLS properties
     */
    public Ssl getSsl() {
      return ssl;
    }

    /**
     * The connection name.
     *
     * @return {@code microstore.nats.connection-name}, or {@code null}
     */
    public @Nullable String getConnectionName() {
      return connectionName;
    }

    /**
     * Sets {@code microstore.nats.connection-name}.
     *
     * @param connectionName the name
     */
    public void setConnectionName(@Nullable String connectionName) {
      this.connectionName = connectionName;
    }

    /**
     * The connection timeout.
     *
     * @return {@code microstore.nats.connection-timeout}, or {@code null}
     */
    public @Nullable Duration getConnectionTimeout() {
      return connectionTimeout;
    }

    /**
     * Sets {@code microstore.nats.connection-timeout}.
     *
     * @param connectionTimeout the timeout
     */
    public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
    }

    /**
     * The reconnect wait.
     *
     * @return {@code microstore.nats.reconnect-wait}, or {@code null}
     */
    public @Nullable Duration getReconnectWait() {
      return reconnectWait;
    }

    /**
     * Sets {@code microstore.nats.reconnect-wait}.
     *
     * @param reconnectWait the wait
     */
    public void setReconnectWait(@Nullable Duration reconnectWait) {
      this.reconnectWait = reconnectWait;
    }

    /**
     * The reconnect limit.
     *
     * @return {@code microstore.nats.max-reconnects}, or {@code null}
     */
    public @Nullable Integer getMaxReconnects() {
      return maxReconnects;
    }

    /**
     * Sets {@code microstore.nats.max-reconnects}.
     *
     * @param maxReconnects the limit, -1 for none
     */
    public void setMaxReconnects(@Nullable Integer maxReconnects) {
      this.maxReconnects = maxReconnects;
    }

    /**
     * Whether keys are encoded.
     *
     * @return {@code microstore.nats.encode-keys}, or {@code null}
     */
    public @Nullable Boolean getEncodeKeys() {
      return encodeKeys;
    }

    /**
     * Sets {@code microstore.nats.encode-keys}.
     *
     * @param encodeKeys whether keys are encoded
     */
    public void setEncodeKeys(@Nullable Boolean encodeKeys) {
      this.encodeKeys = encodeKeys;
    }

    /**
     * The near-cached databases.
     *
     * @return {@code microstore.nats.near-cache}, or {@code null}
     */
    public @Nullable List<String> getNearCache() {
      return nearCache;
    }

    /**
     * Sets {@code microstore.nats.near-cache}.
     *
     * @param nearCache database names, or {@code true} for every database
     */
    public void setNearCache(@Nullable List<String> nearCache) {
      this.nearCache = nearCache;
    }

    /** Whether a property that only a NATS store uses is set. */
    boolean anySet() {
      return !servers.isEmpty()
          || credentials != null
          || token != null
          || username != null
          || password != null
          || ssl.getBundle() != null
          || connectionName != null
          || connectionTimeout != null
          || reconnectWait != null
          || maxReconnects != null
          || encodeKeys != null
          || nearCache != null;
    }

    /** Whether a property that selects a NATS store when no URI is given is set. */
    boolean selectsNats() {
      return !servers.isEmpty()
          || credentials != null
          || token != null
          || username != null
          || ssl.getBundle() != null;
    }
  }

  /** The {@code microstore.nats.ssl.*} properties. */
  public static class Ssl {
    /**
     * The name of a Spring SSL bundle (spring.ssl.bundle.*) whose SSLContext the NATS connection
     * uses; the connection then requires TLS.
     */
    private @Nullable String bundle;

    /** Creates the properties with their defaults. */
    public Ssl() {}

    /**
     * The SSL bundle name.
     *
     * @return {@code microstore.nats.ssl.bundle}, or {@code null}
     */
    public @Nullable String getBundle() {
      return bundle;
    }

    /**
     * Sets {@code microstore.nats.ssl.bundle}.
     *
     * @param bundle the bundle name
     */
    public void setBundle(@Nullable String bundle) {
      this.bundle = bundle;
    }
  }

  /** The {@code microstore.cache.*} properties: Spring's cache abstraction over the store. */
  public static class Cache {
    /**
     * Whether to create a CacheManager backed by the store. Default: only when caching is enabled
     * (@EnableCaching), the application has no CacheManager and spring.cache.type is not set.
     */
    private @Nullable Boolean enabled;

    /** The database holding the caches; each cache is a table of it. */
    private String database = "cache";

    /**
     * The caches to create at startup; when set, no other cache is created at runtime (like
     * spring.cache.cache-names).
     */
    private List<String> cacheNames = new ArrayList<>();

    /**
     * How long an entry lives unless microstore.cache.ttl.NAME says otherwise; default: forever.
     */
    private @Nullable Duration timeToLive;

    /** How long the entries of one cache live, by cache name. */
    private Map<String, Duration> ttl = new LinkedHashMap<>();

    /** Whether null values are cached (a method that returned null is not called again). */
    private boolean allowNullValues = true;

    /** Creates the properties with their defaults. */
    public Cache() {}

    /**
     * Whether the cache manager is created.
     *
     * @return {@code microstore.cache.enabled}, or {@code null} when not set
     */
    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    /**
     * Sets {@code microstore.cache.enabled}.
     *
     * @param enabled whether to create the cache manager
     */
    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The database of the caches.
     *
     * @return {@code microstore.cache.database}, {@code cache} by default
     */
    public String getDatabase() {
      return database;
    }

    /**
     * Sets {@code microstore.cache.database}.
     *
     * @param database the database
     */
    public void setDatabase(String database) {
      this.database = database;
    }

    /**
     * The fixed cache names.
     *
     * @return {@code microstore.cache.cache-names}, empty when caches are created on demand
     */
    public List<String> getCacheNames() {
      return cacheNames;
    }

    /**
     * Sets {@code microstore.cache.cache-names}.
     *
     * @param cacheNames the names
     */
    public void setCacheNames(List<String> cacheNames) {
      this.cacheNames = cacheNames;
    }

    /**
     * The default time to live.
     *
     * @return {@code microstore.cache.time-to-live}, or {@code null} for entries that do not expire
     */
    public @Nullable Duration getTimeToLive() {
      return timeToLive;
    }

    /**
     * Sets {@code microstore.cache.time-to-live}.
     *
     * @param timeToLive the default time to live
     */
    public void setTimeToLive(@Nullable Duration timeToLive) {
      this.timeToLive = timeToLive;
    }

    /**
     * The times to live by cache name.
     *
     * @return {@code microstore.cache.ttl.*}
     */
    public Map<String, Duration> getTtl() {
      return ttl;
    }

    /**
     * Sets {@code microstore.cache.ttl.*}.
     *
     * @param ttl the times to live by cache name
     */
    public void setTtl(Map<String, Duration> ttl) {
      this.ttl = ttl;
    }

    /**
     * Whether null values are cached.
     *
     * @return {@code microstore.cache.allow-null-values}, {@code true} by default
     */
    public boolean isAllowNullValues() {
      return allowNullValues;
    }

    /**
     * Sets {@code microstore.cache.allow-null-values}.
     *
     * @param allowNullValues whether null values are cached
     */
    public void setAllowNullValues(boolean allowNullValues) {
      this.allowNullValues = allowNullValues;
    }
  }
}
