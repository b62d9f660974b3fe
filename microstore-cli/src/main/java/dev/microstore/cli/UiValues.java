package dev.microstore.cli;

import dev.microstore.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the web console shows values: as pretty JSON when the value is a JSON object or array, as
 * text when it is valid UTF-8, else as a hex dump; and the line difference between two values.
 */
final class UiValues {
  /** Values compared line by line are at most this many lines each; longer ones are not diffed. */
  static final int MAX_DIFF_LINES = 2000;

  /** Values larger than this are shown without a diff. */
  static final int MAX_DIFF_BYTES = 64 * 1024;

  private UiValues() {}

  /** What a value is shown as. */
  enum Kind {
    JSON,
    TEXT,
    BINARY
  }

  static Kind kind(byte[] value) {
    String text = RecordJson.utf8OrNull(value);
    if (text == null) {
      return Kind.BINARY;
    }
    return prettyJson(text) != null ? Kind.JSON : Kind.TEXT;
  }

  /** The value as it is shown: pretty JSON, text, or a hex dump. */
  static String display(byte[] value) {
    String text = RecordJson.utf8OrNull(value);
    if (text == null) {
      return hex(value);
    }
    String json = prettyJson(text);
    return json != null ? json : text;
  }

  /** A one-line preview of at most {@code max} characters. */
  static String preview(byte[] value, int max) {
    String text = RecordJson.utf8OrNull(value);
    if (text == null) {
      return "(" + value.length + " bytes of binary)";
    }
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }

  /** The value as indented JSON when it is a JSON object or array, else null. */
  static @Nullable String prettyJson(String text) {
    String t = text.strip();
    if (!(t.startsWith("{") || t.startsWith("["))) {
      return null;
    }
    Object parsed;
    try {
      parsed = Json.parse(t);
    } catch (IllegalArgumentException e) {
      return null;
    }
    StringBuilder sb = new StringBuilder(t.length() * 2);
    indent(sb, parsed, 0);
    return sb.toString();
  }

  private static void indent(StringBuilder sb, @Nullable Object value, int depth) {
    if (value instanceof Map && !((Map<?, ?>) value).isEmpty()) {
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        pad(sb, depth + 1);
        Json.writeString(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        indent(sb, e.getValue(), depth + 1);
        sb.append(++i < ((Map<?, ?>) value).size() ? ",\n" : "\n");
      }
      pad(sb, depth);
      sb.append('}');
    } else if (value instanceof List && !((List<?>) value).isEmpty()) {
      List<?> list = (List<?>) value;
      sb.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        pad(sb, depth + 1);
        indent(sb, list.get(i), depth + 1);
        sb.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      pad(sb, depth);
      sb.append(']');
    } else {
      Json.write(sb, value);
    }
  }

  private static void pad(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth));
  }

  /** A hex dump: offset, 16 bytes in hex, and the printable ASCII characters. */
  static String hex(byte[] value) {
    StringBuilder sb = new StringBuilder(value.length * 4 + 16);
    for (int row = 0; row < value.length; row += 16) {
      sb.append(String.format(Locale.ROOT, "%08x  ", row));
      StringBuilder ascii = new StringBuilder(16);
      for (int i = row; i < row + 16; i++) {
        if (i < value.length) {
          int b = value[i] & 0xff;
          sb.append(String.format(Locale.ROOT, "%02x ", b));
          ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        } else {
          sb.append("   ");
        }
        if (i == row + 7) {
          sb.append(' ');
        }
      }
      sb.append(' ').append(ascii).append('\n');
    }
    return sb.toString();
  }

  /**
   * One line of a difference: ' ' unchanged, '-' only in the older value, '+' only in the newer.
   */
  static final class DiffLine {
    final char change;
    final String text;

    DiffLine(char change, String text) {
      this.change = change;
      this.text = text;
    }
  }

  /**
   * The lines that changed from {@code older} to {@code newer} (as {@link #display} shows them),
   * with the unchanged lines between: a longest-common-subsequence diff. Null when either value has
   * more than {@link #MAX_DIFF_LINES} lines or {@link #MAX_DIFF_BYTES} bytes (the diff's cost grows
   * with their product, and any writer of the database chooses the values).
   */
  static @Nullable List<DiffLine> diff(byte[] older, byte[] newer) {
    if (older.length > MAX_DIFF_BYTES || newer.length > MAX_DIFF_BYTES) {
      return null;
    }
    String[] a = display(older).split("\n", -1);
    String[] b = display(newer).split("\n", -1);
    if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) {
      return null;
    }
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] =
            a[i].equals(b[j])
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<DiffLine> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        out.add(new DiffLine(' ', a[i++]));
        j++;
      } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
        out.add(new DiffLine('-', a[i++]));
      } else {
        out.add(new DiffLine('+', b[j++]));
      }
    }
    return out;
  }

  /** The difference as HTML lines: removed lines in {@code del}, added ones in {@code ins}. */
  static String diffHtml(byte[] older, byte[] newer) {
    List<DiffLine> lines = diff(older, newer);
    if (lines == null) {
      return "<p class=\"muted\">Too long to compare (over "
          + MAX_DIFF_LINES
          + " lines or "
          + MAX_DIFF_BYTES / 1024
          + " KiB).</p>";
    }
    StringBuilder sb = new StringBuilder("<pre class=\"diff\">");
    for (DiffLine line : lines) {
      String text = UiHtml.text(line.change + " " + line.text);
      if (line.change == '+') {
        sb.append("<ins>").append(text).append("</ins>\n");
      } else if (line.change == '-') {
        sb.append("<del>").append(text).append("</del>\n");
      } else {
        sb.append("<span>").append(text).append("</span>\n");
      }
    }
    return sb.append("</pre>").toString();
  }
}
