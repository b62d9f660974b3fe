package dev.microstore.nats;

import dev.microstore.internal.Json;
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

    /** Whether the stored value was an envelope; false for raw values. */
    final boolean envelope;

    Decoded(byte[] data, Map<String, @Nullable Object> metadata, boolean envelope) {
      this.data = data;
      this.metadata = metadata;
      this.envelope = envelope;
    }
  }

  private static final byte[] HEAD = ascii("{\"key\":\"");
  private static final byte[] DATA = ascii("\",\"data\":\"");
  private static final byte[] NO_METADATA = ascii("\",\"metadata\":null}");
  private static final byte[] EMPTY_METADATA = ascii("\",\"metadata\":{}}");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] encode(String key, byte[] value, Map<String, @Nullable Object> metadata) {
    if (metadata.isEmpty() && plainAscii(key)) {
      // the common case, written straight into one array: no StringBuilder, no String copies
      byte[] data = Base64.getEncoder().encode(value);
      int n = key.length();
      byte[] out = new byte[HEAD.length + n + DATA.length + data.length + NO_METADATA.length];
      System.arraycopy(HEAD, 0, out, 0, HEAD.length);
      int i = HEAD.length;
      for (int j = 0; j < n; j++) {
        out[i++] = (byte) key.charAt(j);
      }
      System.arraycopy(DATA, 0, out, i, DATA.length);
      i += DATA.length;
      System.arraycopy(data, 0, out, i, data.length);
      i += data.length;
      System.arraycopy(NO_METADATA, 0, out, i, NO_METADATA.length);
      return out;
    }
    return encodeGeneral(key, value, metadata);
  }

  /** Printable ASCII without {@code "} and {@code \}: written as is inside a JSON string. */
  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  static byte[] encodeGeneral(String key, byte[] value, Map<String, @Nullable Object> metadata) {
    StringBuilder sb = new StringBuilder(48 + key.length() + (value.length * 4 / 3) + 4);
    sb.append("{\"key\":");
    Json.writeString(sb, key);
    sb.append(",\"data\":\"").append(Base64.getEncoder().encodeToString(value)).append('"');
    sb.append(",\"metadata\":");
    Json.write(sb, metadata.isEmpty() ? null : metadata);
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Decoded raw(byte[] stored) {
    return new Decoded(stored, Map.of(), false);
  }

  static Decoded decode(byte[] stored) {
    Decoded common = decodeCommon(stored);
    return common != null ? common : decodeGeneral(stored);
  }

  /**
   * The envelope as this library and the Go plugin write it without metadata ({@code
   * {"key":"...","data":"...","metadata":null}}, no escapes in the key), decoded straight from the
   * bytes; null for anything else, which the general JSON path then handles.
   */
  static @Nullable Decoded decodeCommon(byte[] s) {
    if (!startsWith(s, 0, HEAD)) {
      return null;
    }
    int i = HEAD.length;
    while (i < s.length && s[i] != '"') {
      if (s[i] == '\\' || (s[i] >= 0 && s[i] < 0x20)) {
        return null;
      }
      i++;
    }
    if (!startsWith(s, i, DATA)) {
      return null;
    }
    i += DATA.length;
    int start = i;
    while (i < s.length && s[i] != '"') {
      if (s[i] == '\\') {
        return null;
      }
      i++;
    }
    int end = i;
    if (!(endsWith(s, i, NO_METADATA) || endsWith(s, i, EMPTY_METADATA))) {
      return null;
    }
    byte[] bytes;
    try {
      java.nio.ByteBuffer out =
          Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(s, start, end - start));
      bytes =
          out.arrayOffset() == 0 && out.remaining() == out.array().length
              ? out.array()
              : java.util.Arrays.copyOfRange(
                  out.array(), out.arrayOffset() + out.position(), out.arrayOffset() + out.limit());
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    return new Decoded(bytes, Map.of(), true);
  }

  private static boolean startsWith(byte[] s, int at, byte[] part) {
    if (s.length - at < part.length) {
      return false;
    }
    for (int j = 0; j < part.length; j++) {
      if (s[at + j] != part[j]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] s, int at, byte[] tail) {
    return s.length - at == tail.length && startsWith(s, at, tail);
  }

  @SuppressWarnings("unchecked")
  static Decoded decodeGeneral(byte[] stored) {
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
        bytes, metadata == null ? Map.of() : (Map<String, @Nullable Object>) metadata, true);
  }
}
