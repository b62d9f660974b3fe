package dev.microstore.spring.cache;

import org.jspecify.annotations.Nullable;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * Java serialization: values must be {@link java.io.Serializable}, and only Java services with the
 * same classes can read them. Reading instantiates the classes the bytes name, so the cache's
 * database must be writable only by the application's own services.
 */
public final class JavaCacheValueSerializer implements CacheValueSerializer {
  private final SerializingConverter serializer = new SerializingConverter();
  private final DeserializingConverter deserializer;

  /** A serializer that loads classes with the default class loader. */
  public JavaCacheValueSerializer() {
    this(null);
  }

  /**
   * A serializer that loads classes with this class loader.
   *
   * @param classLoader the class loader, or {@code null} for the default one
   */
  public JavaCacheValueSerializer(@Nullable ClassLoader classLoader) {
    this.deserializer =
        classLoader == null
            ? new DeserializingConverter()
            : new DeserializingConverter(classLoader);
  }

  @Override
  public byte[] serialize(Object value) {
    try {
      return serializer.convert(value);
    } catch (SerializationFailedException e) {
      throw new IllegalArgumentException(
          "cannot serialize a " + value.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object deserialize(byte[] bytes) {
    try {
      return deserializer.convert(bytes);
    } catch (SerializationFailedException e) {
      throw new IllegalArgumentException("cannot deserialize a cached value: " + e.getMessage(), e);
    }
  }
}
