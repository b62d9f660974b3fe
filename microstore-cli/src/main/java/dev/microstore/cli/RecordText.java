package dev.microstore.cli;

import dev.microstore.Record;
import dev.microstore.internal.Json;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How records look in the text format: short, one-line previews for people. */
final class RecordText {
  static final int PREVIEW_CHARS = 48;

  private RecordText() {}

  /** The value as a quoted one-line preview, or {@code <binary, N bytes>}. */
  static String preview(Record r) {
    byte[] value = r.value();
    String text = RecordJson.utf8OrNull(value);
    if (text == null) {
      return "<binary, " + value.length + " bytes>";
    }
    StringBuilder sb = new StringBuilder("\"");
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (count == PREVIEW_CHARS) {
        sb.append("\"… (").append(value.length).append(" bytes)");
        return sb.toString();
      }
      count++;
      switch (cp) {
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        default:
          if (Character.isISOControl(cp)) {
            sb.append(String.format("\\u%04x", cp));
          } else {
            sb.appendCodePoint(cp);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** The remaining time to live, or {@code -} when the record does not expire. */
  static String expiry(Duration d) {
    return d.isZero() ? "-" : Durations.format(d);
  }

  /** The metadata as compact JSON, or {@code -} when there is none. */
  static String metadata(Map<String, @Nullable Object> metadata) {
    return metadata.isEmpty() ? "-" : Json.write(metadata);
  }
}
