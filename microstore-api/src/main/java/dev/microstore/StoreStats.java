package dev.microstore;

import java.util.Objects;

/**
 * A snapshot of a store's state and counters, for gauges and health checks. Immutable.
 *
 * <p>Counters ({@link #reconnects()}, {@link #nearCacheHits()}, {@link #nearCacheMisses()}) only
 * grow during the store's life. A store without a connection (the in-memory one) reports itself
 * connected until it is closed; a store without a near cache reports zero entries, hits and misses.
 *
 * <pre>{@code
 * StoreStats s = store.stats();
 * if (!s.connected()) { ... }
 * double hitRatio = s.nearCacheHitRatio();
 * }</pre>
 */
public final class StoreStats {
  private final String kind;
  private final boolean connected;
  private final long reconnects;
  private final int openWatches;
  private final long nearCacheEntries;
  private final long nearCacheHits;
  private final long nearCacheMisses;

  private StoreStats(Builder b) {
    this.kind = b.kind;
    this.connected = b.connected;
    this.reconnects = b.reconnects;
    this.openWatches = b.openWatches;
    this.nearCacheEntries = b.nearCacheEntries;
    this.nearCacheHits = b.nearCacheHits;
    this.nearCacheMisses = b.nearCacheMisses;
  }

  /**
   * A new builder.
   *
   * @param kind the kind of store, a short lower-case name such as {@code nats} or {@code memory}
   * @return a builder: connected, every count zero
   * @throws IllegalArgumentException if {@code kind} is empty or not lower-case letters, digits and
   *     {@code -}
   */
  public static Builder builder(String kind) {
    return new Builder(kind);
  }

  /**
   * The kind of store: {@code nats}, {@code memory}, or what another implementation calls itself.
   *
   * @return the kind
   */
  public String kind() {
    return kind;
  }

  /**
   * Whether the store can reach its backend now.
   *
   * @return false while the connection is lost or after the store was closed
   */
  public boolean connected() {
    return connected;
  }

  /**
   * How often the store's connection was re-established.
   *
   * @return the number of reconnects since the store was opened
   */
  public long reconnects() {
    return reconnects;
  }

  /**
   * The watches opened through this store and not yet ended.
   *
   * @return the number of open watches
   */
  public int openWatches() {
    return openWatches;
  }

  /**
   * The keys held by the near cache, over every cached database.
   *
   * @return the number of entries (deleted keys the cache remembers included)
   */
  public long nearCacheEntries() {
    return nearCacheEntries;
  }

  /**
   * Reads of a near-cached database answered from its replica.
   *
   * @return the number of hits
   */
  public long nearCacheHits() {
    return nearCacheHits;
  }

  /**
   * Reads of a near-cached database that went to the server because its replica was not ready.
   *
   * @return the number of misses
   */
  public long nearCacheMisses() {
    return nearCacheMisses;
  }

  /**
   * Hits divided by hits and misses.
   *
   * @return the hit ratio between 0 and 1, or {@code NaN} before the first near-cached read
   */
  public double nearCacheHitRatio() {
    long total = nearCacheHits + nearCacheMisses;
    return total == 0 ? Double.NaN : (double) nearCacheHits / total;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoreStats)) {
      return false;
    }
    StoreStats s = (StoreStats) o;
    return kind.equals(s.kind)
        && connected == s.connected
        && reconnects == s.reconnects
        && openWatches == s.openWatches
        && nearCacheEntries == s.nearCacheEntries
        && nearCacheHits == s.nearCacheHits
        && nearCacheMisses == s.nearCacheMisses;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind, connected, reconnects, openWatches, nearCacheEntries, nearCacheHits, nearCacheMisses);
  }

  @Override
  public String toString() {
    return "StoreStats{kind="
        + kind
        + ", connected="
        + connected
        + ", reconnects="
        + reconnects
        + ", openWatches="
        + openWatches
        + ", nearCacheEntries="
        + nearCacheEntries
        + ", nearCacheHits="
        + nearCacheHits
        + ", nearCacheMisses="
        + nearCacheMisses
        + "}";
  }

  /** Builds {@link StoreStats}; every count must be zero or more. */
  public static final class Builder {
    private final String kind;
    private boolean connected = true;
    private long reconnects;
    private int openWatches;
    private long nearCacheEntries;
    private long nearCacheHits;
    private long nearCacheMisses;

    private Builder(String kind) {
      Objects.requireNonNull(kind, "kind");
      if (!kind.matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException(
            "kind \""
                + kind
                + "\" is invalid: a store's kind is lower-case letters, digits and '-', starting"
                + " with a letter or digit");
      }
      this.kind = kind;
    }

    /**
     * Sets whether the store can reach its backend. Default: true.
     *
     * @param connected the state
     * @return this builder
     */
    public Builder connected(boolean connected) {
      this.connected = connected;
      return this;
    }

    /**
     * Sets the number of reconnects.
     *
     * @param reconnects zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder reconnects(long reconnects) {
      this.reconnects = count("reconnects", reconnects);
      return this;
    }

    /**
     * Sets the number of open watches.
     *
     * @param openWatches zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder openWatches(int openWatches) {
      this.openWatches = (int) count("openWatches", openWatches);
      return this;
    }

    /**
     * Sets the near cache's figures.
     *
     * @param entries keys held
     * @param hits reads answered from a replica
     * @param misses reads of a near-cached database that went to the server
     * @return this builder
     * @throws IllegalArgumentException if any is negative
     */
    public Builder nearCache(long entries, long hits, long misses) {
      this.nearCacheEntries = count("nearCacheEntries", entries);
      this.nearCacheHits = count("nearCacheHits", hits);
      this.nearCacheMisses = count("nearCacheMisses", misses);
      return this;
    }

    /**
     * Builds the snapshot.
     *
     * @return the stats
     */
    public StoreStats build() {
      return new StoreStats(this);
    }

    private static long count(String name, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(
            name + " " + value + " is invalid: a count must be zero or more");
      }
      return value;
    }
  }
}
