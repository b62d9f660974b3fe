package dev.microstore.nats;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The stored value format, identical to the Go plugin's: a JSON object {@code {"key": <key without
 * table>, "data": <standard padded base64 of the value>, "metadata": <object or null>}}.
 *
 * <p>Decoding accepts everything the Go plugin writes ({@code "data":null}, {@code
 * "metadata":null}, any JSON escaping, unknown members, numbers in any form). A value that is not
 * such an envelope — written by a raw NATS client, say — decodes as {@link #raw(byte[])}: the
 * stored bytes are the value and there is no metadata.
 */
final class EnvelopeCodec {
  private EnvelopeCodec() {}

  /** A decoded stored value. */
  static final class Decoded {
    final byte[] data;
    final Map<String, @Nullable Object> metadata;

    Decoded(byte[] data, Map<String, @Nullable Object> metadata) {
      this.data = data;
      this.metadata = metadata;
    }
  }

  static byte[] encode(String key, byte[] value, Map<String, @Nullable Object> metadata) {
    StringBuilder sb = new StringBuilder(48 + key.length() + (value.length * 4 / 3) + 4);
    sb.append("{\"key\":");
    Json.writeString(sb, key);
    sb.append(",\"data\":\"").append(Base64.getEncoder().encodeToString(value)).append('"');
    sb.append(",\"metadata\":");
    Json.writeValue(sb, metadata.isEmpty() ? null : metadata);
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Decoded raw(byte[] stored) {
    return new Decoded(stored, Map.of());
  }

  @SuppressWarnings("unchecked")
  static Decoded decode(byte[] stored) {
    int i = 0;
    while (i < stored.length && (stored[i] == ' ' || stored[i] == '\n' || stored[i] == '\t')) {
      i++;
    }
    if (i >= stored.length || stored[i] != '{') {
      return raw(stored);
    }
    Object parsed;
    try {
      parsed = Json.parse(new String(stored, StandardCharsets.UTF_8));
    } catch (Json.MalformedJsonException e) {
      return raw(stored);
    }
    if (!(parsed instanceof Map)) {
      return raw(stored);
    }
    Map<String, @Nullable Object> obj = (Map<String, @Nullable Object>) parsed;
    if (!obj.containsKey("data") || !obj.containsKey("key")) {
      return raw(stored);
    }
    Object key = obj.get("key");
    Object data = obj.get("data");
    Object metadata = obj.get("metadata");
    if (!(key instanceof String)
        || (data != null && !(data instanceof String))
        || (metadata != null && !(metadata instanceof Map))) {
      return raw(stored);
    }
    byte[] bytes;
    try {
      bytes = data == null ? new byte[0] : Base64.getDecoder().decode((String) data);
    } catch (IllegalArgumentException notBase64) {
      return raw(stored);
    }
    return new Decoded(
        bytes, metadata == null ? Map.of() : (Map<String, @Nullable Object>) metadata);
  }
}
