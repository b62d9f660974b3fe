package dev.microstore.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the JSON that nats-server's monitoring endpoints answer, with nothing but the JDK: objects
 * become {@code Map<String, Object>}, arrays {@code List<Object>}, strings {@code String}, numbers
 * {@code Double} (or their text for integers too large for one), {@code true}/{@code false} {@code
 * Boolean} and {@code null} the {@link #NULL} marker. Strict enough for nats-server's output, not a
 * validating parser.
 */
final class MonitorJson {

  /** Stands for JSON's {@code null}. */
  static final Object NULL = new Object();

  private final String text;
  private int pos;

  private MonitorJson(String text) {
    this.text = text;
  }

  /**
   * Parses a JSON document.
   *
   * @throws IllegalArgumentException if the text is not JSON, with the position of the problem
   */
  static Object parse(String text) {
    MonitorJson reader = new MonitorJson(text);
    Object value = reader.value();
    reader.skipSpace();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Returns {@code value[key]} if {@code value} is an object with that key. */
  static Optional<Object> field(Object value, String key) {
    if (value instanceof Map) {
      Object v = ((Map<?, ?>) value).get(key);
      return Optional.ofNullable(v);
    }
    return Optional.empty();
  }

  /** Returns {@code value[key]} if it is a string. */
  static Optional<String> string(Object value, String key) {
    return field(value, key).filter(String.class::isInstance).map(String.class::cast);
  }

  /** Returns the elements of {@code value[key]}, or none if it is not an array. */
  static List<Object> array(Object value, String key) {
    Optional<Object> v = field(value, key);
    if (v.isPresent() && v.get() instanceof List) {
      List<Object> copy = new ArrayList<>((List<?>) v.get());
      return Collections.unmodifiableList(copy);
    }
    return List.of();
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end of the text");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++; // {
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a quoted key");
      }
      String key = string();
      skipSpace();
      expect(':');
      map.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}' in an object");
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    pos++; // [
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']' in an array");
      }
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
          }
          try {
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
          break;
        default: // " \ /
          sb.append(e);
      }
    }
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    if (start == pos) {
      throw error("unexpected character '" + text.charAt(pos) + "'");
    }
    String n = text.substring(start, pos);
    try {
      double d = Double.parseDouble(n);
      // Integers beyond 2^53 (such as nats-server's "unlimited" 18446744073709551615) keep their
      // text rather than lose digits.
      return Math.abs(d) < 0x1p53 ? (Object) d : n;
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) {
      throw error("unexpected end of the text");
    }
    return text.charAt(pos++);
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    int from = Math.max(0, pos - 20);
    int to = Math.min(text.length(), pos + 20);
    return new IllegalArgumentException(
        "Not JSON at offset " + pos + ": " + what + ", near '" + text.substring(from, to) + "'");
  }
}
