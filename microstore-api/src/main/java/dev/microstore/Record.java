package dev.microstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One record of a store: a key, a value of bytes, metadata and an expiry. Immutable and
 * thread-safe; the value bytes are copied in and out, so no caller can change a stored value.
 *
 * <p>When written, the key is relative to the table of the write (see {@link
 * WriteOptions.Builder#table(String)}); when read, the key is returned without the table prefix.
 *
 * <p>Metadata holds JSON-compatible values and is normalised when the record is built: {@code
 * String}, {@code Boolean}, integral numbers as {@code Long}, other finite numbers as {@code
 * Double}, {@code null}, and nested {@code List} and {@code Map<String, ?>}. Anything else is
 * rejected with {@link IllegalArgumentException}.
 */
public final class Record {
  private static final byte[] EMPTY = new byte[0];

  private final String key;
  private final byte[] value;
  private final Map<String, @Nullable Object> metadata;
  private final Duration expiry;
  private final long revision;

  private Record(Builder b) {
    this.key = b.key;
    this.value = b.value;
    this.metadata = b.metadata;
    this.expiry = b.expiry;
    this.revision = b.revision;
  }

  /**
   * A record with a key and a value, without metadata or expiry.
   *
   * @param key the key, not empty
   * @param value the value; copied
   * @return the record
   * @throws IllegalArgumentException if the key is empty
   */
  public static Record of(String key, byte[] value) {
    return builder(key).value(value).build();
  }

  /**
   * A record with a key and a text value stored as UTF-8.
   *
   * @param key the key, not empty
   * @param value the value, encoded as UTF-8
   * @return the record
   * @throws IllegalArgumentException if the key is empty
   */
  public static Record of(String key, String value) {
    return builder(key).value(value).build();
  }

  /**
   * A builder for a record with the given key.
   *
   * @param key the key, not empty
   * @return a new builder with an empty value, no metadata and no expiry
   * @throws IllegalArgumentException if the key is empty
   */
  public static Builder builder(String key) {
    return new Builder().key(key);
  }

  /**
   * The key: on a read, without the table prefix.
   *
   * @return the key, never empty
   */
  public String key() {
    return key;
  }

  /**
   * A copy of the value bytes.
   *
   * @return a new array each call; empty for an empty value, never null
   */
  public byte[] value() {
    return value.clone();
  }

  /**
   * The value as a read-only buffer, without copying.
   *
   * @return a read-only view of the value
   */
  public ByteBuffer valueBuffer() {
    return ByteBuffer.wrap(value).asReadOnlyBuffer();
  }

  /**
   * The value decoded as UTF-8 (malformed input is replaced with U+FFFD).
   *
   * @return the value as text
   */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /**
   * The number of value bytes.
   *
   * @return the value's length
   */
  public int valueSize() {
    return value.length;
  }

  /**
   * The metadata, an unmodifiable map of JSON-compatible values in insertion order.
   *
   * @return the metadata, empty when there is none
   */
  public Map<String, @Nullable Object> metadata() {
    return metadata;
  }

  /**
   * The time to live: on a write, how long the record lives (unless the write options set a TTL or
   * expiry); on a read, the time left before it expires.
   *
   * @return the remaining time to live, {@link Duration#ZERO} when the record does not expire
   */
  public Duration expiry() {
    return expiry;
  }

  /**
   * The revision of the record in its database: on a read, the revision that wrote this value;
   * ignored on a write. Revisions grow with every change of a database.
   *
   * @return the revision, or 0 for a record that was not read from a store
   */
  public long revision() {
    return revision;
  }

  /**
   * A builder holding this record's fields.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.key = key;
    b.value = value;
    b.metadata = metadata;
    b.expiry = expiry;
    b.revision = revision;
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Record)) {
      return false;
    }
    Record r = (Record) o;
    return revision == r.revision
        && key.equals(r.key)
        && Arrays.equals(value, r.value)
        && metadata.equals(r.metadata)
        && expiry.equals(r.expiry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), metadata, expiry, revision);
  }

  @Override
  public String toString() {
    return "Record{key="
        + key
        + ", value="
        + value.length
        + " bytes, metadata="
        + metadata
        + (expiry.isZero() ? "" : ", expiry=" + expiry)
        + (revision == 0 ? "" : ", revision=" + revision)
        + "}";
  }

  /**
   * Builds a {@link Record}. Each setter validates its argument at once; {@link #build()} can be
   * called repeatedly and the builder reused. Not thread-safe.
   */
  public static final class Builder {
    private String key = "";
    private byte[] value = EMPTY;
    private Map<String, @Nullable Object> metadata = Map.of();
    private Duration expiry = Duration.ZERO;
    private long revision;

    private Builder() {}

    /**
     * Sets the key.
     *
     * @param key the key, not empty
     * @return this builder
     * @throws IllegalArgumentException if the key is empty
     */
    public Builder key(String key) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      this.key = key;
      return this;
    }

    /**
     * Sets the value; the array is copied.
     *
     * @param value the bytes, possibly empty
     * @return this builder
     */
    public Builder value(byte[] value) {
      Objects.requireNonNull(value, "value");
      this.value = value.length == 0 ? EMPTY : value.clone();
      return this;
    }

    /**
     * Sets the value to the UTF-8 bytes of a text.
     *
     * @param value the text
     * @return this builder
     */
    public Builder value(String value) {
      Objects.requireNonNull(value, "value");
      this.value = value.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * Sets the metadata; the map is deep-copied and normalised (see {@link Record}).
     *
     * @param metadata JSON-compatible values
     * @return this builder
     * @throws IllegalArgumentException naming the first value that is not JSON-compatible
     */
    public Builder metadata(Map<String, ? extends @Nullable Object> metadata) {
      Objects.requireNonNull(metadata, "metadata");
      this.metadata = Metadata.copyOf(metadata);
      return this;
    }

    /**
     * Sets the time to live of the record.
     *
     * @param expiry a positive duration, or {@link Duration#ZERO} for none
     * @return this builder
     * @throws IllegalArgumentException if the duration is negative
     */
    public Builder expiry(Duration expiry) {
      Objects.requireNonNull(expiry, "expiry");
      if (expiry.isNegative()) {
        throw new IllegalArgumentException(
            "expiry " + expiry + " is invalid: a time to live must not be negative");
      }
      this.expiry = expiry;
      return this;
    }

    /**
     * Sets the revision. Stores set it on the records they return; it is ignored on writes.
     *
     * @param revision the revision, not negative
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder revision(long revision) {
      if (revision < 0) {
        throw new IllegalArgumentException(
            "revision " + revision + " is invalid: revisions are not negative");
      }
      this.revision = revision;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return a new immutable record
     */
    public Record build() {
      return new Record(this);
    }
  }
}
