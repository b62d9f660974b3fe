package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.internal.Json;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of records and change events, one object per line, with exactly these members in
 * this order: {@code key}, {@code value} (the value as text when it is valid UTF-8, else null),
 * {@code value_base64}, {@code metadata} ({@code {}} when none), {@code revision}, {@code
 * expiry_seconds} (remaining seconds, null when the record does not expire). Change events add
 * {@code op} ({@code put}, {@code delete}, {@code expire}) after the key.
 *
 * <p>The same form is read back by {@code import}.
 */
final class RecordJson {
  private RecordJson() {}

  /** One record as a JSON object. */
  static String toJson(Record r) {
    StringBuilder sb = new StringBuilder(64 + r.valueSize() * 2);
    sb.append("{\"key\":");
    Json.writeString(sb, r.key());
    appendRecordBody(sb, r);
    return sb.toString();
  }

  /** One change event as a JSON object; deletes and expiries carry only key, op and revision. */
  static String toJson(ChangeEvent e) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{\"key\":");
    Json.writeString(sb, e.key());
    sb.append(",\"op\":");
    Json.writeString(sb, opName(e.op()));
    Record r = e.record().orElse(null);
    if (r == null) {
      sb.append(",\"value\":null,\"value_base64\":null,\"metadata\":{},\"revision\":")
          .append(e.revision())
          .append(",\"expiry_seconds\":null}");
    } else {
      appendRecordBody(sb, r.revision() == 0 ? r.toBuilder().revision(e.revision()).build() : r);
    }
    return sb.toString();
  }

  static String opName(ChangeEvent.Op op) {
    return op.name().toLowerCase(Locale.ROOT);
  }

  private static void appendRecordBody(StringBuilder sb, Record r) {
    byte[] value = r.value();
    sb.append(",\"value\":");
    String text = utf8OrNull(value);
    if (text == null) {
      sb.append("null");
    } else {
      Json.writeString(sb, text);
    }
    sb.append(",\"value_base64\":\"").append(Base64.getEncoder().encodeToString(value)).append('"');
    sb.append(",\"metadata\":");
    Json.write(sb, r.metadata());
    sb.append(",\"revision\":").append(r.revision());
    sb.append(",\"expiry_seconds\":");
    Duration expiry = r.expiry();
    sb.append(expiry.isZero() ? "null" : seconds(expiry));
    sb.append('}');
  }

  /**
   * Seconds with at most millisecond precision and no trailing zeros: {@code 60}, {@code 59.874}.
   */
  static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }

  /** The bytes as text if they are valid UTF-8 (checked strictly), else null. */
  static @Nullable String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Reads one line of an export back into a record to write: key, value (from {@code value_base64},
   * or from {@code value} when that is absent), metadata, and the remaining time to live (from
   * {@code expiry_seconds}) as the record's expiry. Other members are ignored.
   *
   * @throws IllegalArgumentException naming the member and what is wrong
   */
  static Record fromJson(String line) {
    Map<String, @Nullable Object> obj = Json.parseObject(line, "the line");
    Object key = obj.get("key");
    if (!(key instanceof String) || ((String) key).isEmpty()) {
      throw new IllegalArgumentException(
          "\"key\" must be a non-empty string, not " + Json.typeName(key));
    }
    Object op = obj.get("op");
    if (op != null && !"put".equals(op)) {
      throw new IllegalArgumentException(
          "\"op\" is " + Json.write(op) + ": only records (or put events) can be imported");
    }
    byte[] value;
    Object base64 = obj.get("value_base64");
    Object text = obj.get("value");
    if (base64 != null) {
      if (!(base64 instanceof String)) {
        throw new IllegalArgumentException(
            "\"value_base64\" must be a string, not " + Json.typeName(base64));
      }
      try {
        value = Base64.getDecoder().decode((String) base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "\"value_base64\" is not valid base64: " + e.getMessage());
      }
    } else if (text instanceof String) {
      value = ((String) text).getBytes(StandardCharsets.UTF_8);
    } else {
      throw new IllegalArgumentException("the record has neither \"value_base64\" nor a \"value\"");
    }
    Record.Builder b = Record.builder((String) key).value(value);
    Object metadata = obj.get("metadata");
    if (metadata != null) {
      if (!(metadata instanceof Map)) {
        throw new IllegalArgumentException(
            "\"metadata\" must be an object, not " + Json.typeName(metadata));
      }
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> m = (Map<String, @Nullable Object>) metadata;
      b.metadata(m);
    }
    Object expiry = obj.get("expiry_seconds");
    if (expiry != null) {
      if (!(expiry instanceof Number)) {
        throw new IllegalArgumentException(
            "\"expiry_seconds\" must be a number or null, not " + Json.typeName(expiry));
      }
      double seconds = ((Number) expiry).doubleValue();
      long millis = Math.round(seconds * 1000);
      if (millis <= 0) {
        throw new IllegalArgumentException(
            "\"expiry_seconds\" is " + expiry + ": it must be positive (or null for no expiry)");
      }
      b.expiry(Duration.ofMillis(millis));
    }
    return b.build();
  }
}
