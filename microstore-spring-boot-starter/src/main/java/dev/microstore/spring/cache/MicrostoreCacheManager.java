package dev.microstore.spring.cache;

import dev.microstore.Store;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} whose caches are tables of one database of a {@link Store} (see {@link
 * MicrostoreCache}). Caches are created on first use, unless a fixed set of names was given.
 *
 * <pre>{@code
 * CacheManager caches =
 *     MicrostoreCacheManager.builder(store)
 *         .database("cache")
 *         .defaultTimeToLive(Duration.ofMinutes(10))
 *         .timeToLive("books", Duration.ofHours(1))
 *         .build();
 * }</pre>
 */
public class MicrostoreCacheManager implements CacheManager {
  private final Store store;
  private final String database;
  private final @Nullable Duration defaultTtl;
  private final Map<String, Duration> ttls;
  private final boolean allowNullValues;
  private final CacheValueSerializer serializer;
  private final boolean dynamic;
  private final ConcurrentMap<String, MicrostoreCache> caches = new ConcurrentHashMap<>();

  private MicrostoreCacheManager(Builder b) {
    this.store = b.store;
    this.database = b.database;
    this.defaultTtl = b.defaultTtl;
    this.ttls = Map.copyOf(b.ttls);
    this.allowNullValues = b.allowNullValues;
    this.serializer = b.serializer != null ? b.serializer : new JavaCacheValueSerializer(null);
    this.dynamic = b.cacheNames.isEmpty();
    for (String name : b.cacheNames) {
      caches.put(name, create(name));
    }
  }

  /**
   * A builder for caches in this store.
   *
   * @param store the store
   * @return the builder, with database {@code cache}, no expiry, null values allowed and Java
   *     serialization
   */
  public static Builder builder(Store store) {
    return new Builder(store);
  }

  @Override
  public @Nullable Cache getCache(String name) {
    MicrostoreCache cache = caches.get(name);
    if (cache == null && dynamic) {
      cache = caches.computeIfAbsent(name, this::create);
    }
    return cache;
  }

  @Override
  public Collection<String> getCacheNames() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  /**
   * The database of the caches.
   *
   * @return the database
   */
  public String database() {
    return database;
  }

  private MicrostoreCache create(String name) {
    Duration ttl = ttls.getOrDefault(name, defaultTtl);
    return new MicrostoreCache(name, store, database, ttl, allowNullValues, serializer);
  }

  /** Configures a {@link MicrostoreCacheManager}. Not thread-safe. */
  public static final class Builder {
    private final Store store;
    private String database = "cache";
    private @Nullable Duration defaultTtl;
    private final Map<String, Duration> ttls = new LinkedHashMap<>();
    private boolean allowNullValues = true;
    private @Nullable CacheValueSerializer serializer;
    private final List<String> cacheNames = new java.util.ArrayList<>();

    private Builder(Store store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The database holding the caches; default {@code cache}.
     *
     * @param database the database
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /**
     * How long entries live in caches without a time to live of their own; default: no expiry.
     *
     * @param ttl a positive duration, or {@code null} for no expiry
     * @return this builder
     */
    public Builder defaultTimeToLive(@Nullable Duration ttl) {
      this.defaultTtl = ttl;
      return this;
    }

    /**
     * How long entries of one cache live.
     *
     * @param cacheName the cache
     * @param ttl a positive duration
     * @return this builder
     */
    public Builder timeToLive(String cacheName, Duration ttl) {
      ttls.put(Objects.requireNonNull(cacheName, "cacheName"), Objects.requireNonNull(ttl, "ttl"));
      return this;
    }

    /**
     * Whether {@code null} values are cached; default {@code true}.
     *
     * @param allow whether null values are cached
     * @return this builder
     */
    public Builder allowNullValues(boolean allow) {
      this.allowNullValues = allow;
      return this;
    }

    /**
     * The value serializer; default {@link JavaCacheValueSerializer}.
     *
     * @param serializer the serializer
     * @return this builder
     */
    public Builder serializer(CacheValueSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /**
     * A fixed set of caches, created now; no other cache is created later. Default: caches are
     * created on first use.
     *
     * @param names the cache names
     * @return this builder
     */
    public Builder cacheNames(Collection<String> names) {
      cacheNames.addAll(names);
      return this;
    }

    /**
     * Builds the manager.
     *
     * @return the cache manager
     * @throws IllegalArgumentException if a time to live is not positive
     */
    public MicrostoreCacheManager build() {
      return new MicrostoreCacheManager(this);
    }
  }
}
