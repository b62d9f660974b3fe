package dev.microstore.spring.cache;

/**
 * Turns cached values into the bytes of a store record and back. A serializer must never return an
 * empty array: {@link MicrostoreCache} stores a cached {@code null} as an empty value.
 *
 * <p>The auto-configuration uses {@link JacksonCacheValueSerializer} when Jackson 3 is on the class
 * path and {@link JavaCacheValueSerializer} otherwise; a bean of this type replaces both.
 */
public interface CacheValueSerializer {
  /**
   * Serializes a value.
   *
   * @param value a value the application caches, never {@code null}
   * @return its bytes, never empty
   * @throws IllegalArgumentException if the value cannot be serialized
   */
  byte[] serialize(Object value);

  /**
   * Deserializes a value.
   *
   * @param bytes what {@link #serialize(Object)} returned
   * @return the value
   * @throws IllegalArgumentException if the bytes cannot be read
   */
  Object deserialize(byte[] bytes);
}
