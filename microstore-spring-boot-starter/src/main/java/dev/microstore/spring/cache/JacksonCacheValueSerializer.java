package dev.microstore.spring.cache;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * JSON values with Jackson 3, readable by any client. Each value carries its Java type (an {@code
 * "@class"} property, or a type name in front of a collection), like Spring Data Redis's generic
 * JSON serializer, so a cached record, {@code List} of records or {@code Long} is read back as what
 * was cached, not as a map or an {@code Integer}.
 *
 * <p>The type names are trusted: like Java serialization, reading instantiates the class the value
 * names, so the cache's database must be writable only by the application's own services.
 */
public final class JacksonCacheValueSerializer implements CacheValueSerializer {
  private final ObjectMapper mapper;

  /** A serializer with Jackson's defaults. */
  public JacksonCacheValueSerializer() {
    this(JsonMapper.builder().build());
  }

  /**
   * A serializer with the modules and settings of the application's mapper, plus type information.
   *
   * @param mapper the application's mapper; not changed
   */
  public JacksonCacheValueSerializer(JsonMapper mapper) {
    this.mapper =
        mapper
            .rebuild()
            .activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder().allowIfSubType(Object.class).build(),
                DefaultTyping.NON_FINAL_AND_ENUMS,
                JsonTypeInfo.As.PROPERTY)
            .build();
  }

  @Override
  public byte[] serialize(Object value) {
    try {
      return mapper.writerFor(Object.class).writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot write a " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public Object deserialize(byte[] bytes) {
    try {
      return mapper.readValue(bytes, Object.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot read a cached JSON value: " + e.getOriginalMessage(), e);
    }
  }
}
