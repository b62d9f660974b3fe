package dev.microstore.spring.cache;

import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} kept in a {@link Store}: the cache is a table of
 * the cache database, each entry a record whose key is the cache key's string form and whose value
 * is the serialized cached value. Entries expire with the store's per-record TTL.
 *
 * <p>Cache keys are turned into store keys with {@link Object#toString()} and then escaped: {@code
 * A-Z a-z 0-9 - _} are kept, every other character becomes {@code =XX} per UTF-8 byte, so any key
 * (Spring's {@code SimpleKey [a, b]} included) is a valid NATS key and two different strings never
 * share a record. A cached {@code null} (when null values are allowed) is a record with an empty
 * value.
 *
 * <p>Counts hits, misses, puts and evictions of this cache instance ({@link #hits()} and so on).
 */
public class MicrostoreCache extends AbstractValueAdaptingCache {
  private final String name;
  private final Store store;
  private final String database;
  private final String table;
  private final @Nullable Duration ttl;
  private final CacheValueSerializer serializer;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  /**
   * Creates the cache.
   *
   * @param name the cache's name; its escaped form is the table
   * @param store the store
   * @param database the database of the caches
   * @param ttl how long entries live, or {@code null} for no expiry
   * @param allowNullValues whether {@code null} values are cached
   * @param serializer the value serializer
   */
  public MicrostoreCache(
      String name,
      Store store,
      String database,
      @Nullable Duration ttl,
      boolean allowNullValues,
      CacheValueSerializer serializer) {
    super(allowNullValues);
    this.name = Objects.requireNonNull(name, "name");
    this.store = Objects.requireNonNull(store, "store");
    this.database = Objects.requireNonNull(database, "database");
    this.table = escape(name, true);
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException(
          "cache " + name + ": time to live " + ttl + " is invalid: it must be positive");
    }
    this.ttl = ttl;
    this.serializer = Objects.requireNonNull(serializer, "serializer");
  }

  @Override
  public String getName() {
    return name;
  }

  /**
   * The store.
   *
   * @return the store holding the entries
   */
  @Override
  public Store getNativeCache() {
    return store;
  }

  /**
   * The database holding this cache.
   *
   * @return the database
   */
  public String database() {
    return database;
  }

  /**
   * The table holding this cache's entries: the escaped cache name.
   *
   * @return the table
   */
  public String table() {
    return table;
  }

  /**
   * How long entries live.
   *
   * @return the time to live, or {@code null} when entries do not expire
   */
  public @Nullable Duration timeToLive() {
    return ttl;
  }

  /**
   * Lookups that found an entry.
   *
   * @return the count since the cache was created
   */
  public long hits() {
    return hits.sum();
  }

  /**
   * Lookups that found no entry.
   *
   * @return the count since the cache was created
   */
  public long misses() {
    return misses.sum();
  }

  /**
   * Entries written.
   *
   * @return the count since the cache was created
   */
  public long puts() {
    return puts.sum();
  }

  /**
   * Entries removed by evict, or by clear (each removed entry counts).
   *
   * @return the count since the cache was created
   */
  public long evictions() {
    return evictions.sum();
  }

  @Override
  protected @Nullable Object lookup(Object key) {
    try {
      Record r = store.read(storeKey(key), readOptions()).get(0);
      hits.increment();
      return decode(r.value());
    } catch (NotFoundException e) {
      misses.increment();
      return null;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    Object stored = lookup(key);
    if (stored != null) {
      return (T) fromStoreValue(stored);
    }
    T value;
    try {
      value = valueLoader.call();
    } catch (Exception e) {
      throw new ValueRetrievalException(key, valueLoader, e);
    }
    put(key, value);
    return value;
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    return store
        .readAsync(storeKey(key), readOptions())
        .handle(
            (records, failure) -> {
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof NotFoundException) {
                  misses.increment();
                  return null;
                }
                throw failure instanceof CompletionException
                    ? (CompletionException) failure
                    : new CompletionException(failure);
              }
              hits.increment();
              Object stored = decode(records.get(0).value());
              return isAllowNullValues() ? toValueWrapper(stored) : fromStoreValue(stored);
            });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return store
        .readAsync(storeKey(key), readOptions())
        .handle(
            (records, failure) -> {
              if (failure == null) {
                hits.increment();
                return CompletableFuture.completedFuture(
                    (T) fromStoreValue(decode(records.get(0).value())));
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (!(cause instanceof NotFoundException)) {
                return CompletableFuture.<T>failedFuture(cause);
              }
              misses.increment();
              return valueLoader
                  .get()
                  .thenCompose(
                      value ->
                          store
                              .writeAsync(record(key, value), writeOptions(false))
                              .thenApply(
                                  revision -> {
                                    puts.increment();
                                    return value;
                                  }));
            })
        .thenCompose(f -> f);
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    store.write(record(key, value), writeOptions(false));
    puts.increment();
  }

  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    Record record = record(key, value);
    try {
      store.write(record, writeOptions(true));
      puts.increment();
      return null;
    } catch (ConflictException present) {
      try {
        return toValueWrapper(decode(store.read(record.key(), readOptions()).get(0).value()));
      } catch (NotFoundException expiredMeanwhile) {
        return putIfAbsent(key, value);
      }
    }
  }

  @Override
  public void evict(Object key) {
    store.delete(storeKey(key), deleteOptions());
    evictions.increment();
  }

  @Override
  public boolean evictIfPresent(Object key) {
    boolean present;
    try {
      store.read(storeKey(key), readOptions());
      present = true;
    } catch (NotFoundException e) {
      present = false;
    }
    evict(key);
    return present;
  }

  @Override
  public void clear() {
    invalidate();
  }

  @Override
  public boolean invalidate() {
    List<String> keys = store.list(listOptions().build());
    if (keys.isEmpty()) {
      return false;
    }
    store.deleteAll(keys, deleteOptions());
    evictions.add(keys.size());
    return true;
  }

  private Record record(Object key, @Nullable Object value) {
    Object stored = toStoreValue(value);
    byte[] bytes = stored == NullValue.INSTANCE ? new byte[0] : serializer.serialize(stored);
    if (stored != NullValue.INSTANCE && bytes.length == 0) {
      throw new IllegalStateException(
          "the cache's serializer wrote no bytes for a " + stored.getClass().getName());
    }
    return Record.of(storeKey(key), bytes);
  }

  private Object decode(byte[] value) {
    return value.length == 0 ? NullValue.INSTANCE : serializer.deserialize(value);
  }

  private ReadOptions readOptions() {
    return ReadOptions.builder().from(database, table).build();
  }

  private WriteOptions writeOptions(boolean ifAbsent) {
    WriteOptions.Builder b = WriteOptions.builder().to(database, table);
    if (ttl != null) {
      b.ttl(ttl);
    }
    if (ifAbsent) {
      b.ifAbsent();
    }
    return b.build();
  }

  private DeleteOptions deleteOptions() {
    return DeleteOptions.builder().from(database, table).build();
  }

  private ListOptions.Builder listOptions() {
    return ListOptions.builder().from(database, table);
  }

  /**
   * The store key of a cache key.
   *
   * @param key the cache key
   * @return its escaped string form
   */
  protected String storeKey(Object key) {
    return escape(String.valueOf(key), false);
  }

  /** Keeps A-Z a-z 0-9 - (and _ in keys); every other UTF-8 byte becomes =XX. */
  static String escape(String text, boolean escapeUnderscore) {
    if (text.isEmpty()) {
      return "=";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || (c == '_' && !escapeUnderscore)) {
        out.append(c);
      } else {
        out.append('=').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
