package dev.microstore.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small JSON reader and writer (RFC 8259) for record envelopes, metadata, export and import.
 * Internal to microstore's modules, not part of its API.
 *
 * <p>{@link #parse(String)} is a recursive-descent parser producing {@code Map<String, Object>}
 * (insertion order kept), {@code List}, {@code String}, {@code Long} (integers that fit), {@code
 * Double} (every other number), {@code Boolean} and {@code null}. {@link #write(StringBuilder,
 * Object)} writes those types back (plus any other {@link Number}). Stateless and thread-safe.
 */
public final class Json {
  /** Deepest nesting accepted, so that hostile input cannot overflow the stack. */
  public static final int MAX_DEPTH = 512;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Thrown for text that is not JSON; an {@link IllegalArgumentException}, so exit code 2. */
  public static final class MalformedJsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public MalformedJsonException(String message) {
      super(message);
    }
  }

  /**
   * Parses one JSON value; only whitespace may follow it.
   *
   * @throws MalformedJsonException naming the position and what was expected
   */
  public static @Nullable Object parse(String text) {
    Json p = new Json(text);
    p.skipWhitespace();
    Object value = p.readValue(0);
    p.skipWhitespace();
    if (p.pos < text.length()) {
      throw p.error("unexpected " + p.describeNext() + " after the JSON value");
    }
    return value;
  }

  /**
   * Parses a JSON object.
   *
   * @param what how the caller names the text in messages, for example {@code --metadata}
   * @throws MalformedJsonException if the text is not JSON or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, @Nullable Object> parseObject(String text, String what) {
    Object value;
    try {
      value = parse(text);
    } catch (MalformedJsonException e) {
      throw new MalformedJsonException(what + " is not valid JSON: " + e.getMessage());
    }
    if (!(value instanceof Map)) {
      throw new MalformedJsonException(
          what + " must be a JSON object such as {\"a\":1}, not " + typeName(value));
    }
    return (Map<String, @Nullable Object>) value;
  }

  public static String typeName(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }

  private @Nullable Object readValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readObject(depth);
      case '[':
        return readArray(depth);
      case '"':
        return readString();
      case 't':
        expectWord("true");
        return Boolean.TRUE;
      case 'f':
        expectWord("false");
        return Boolean.FALSE;
      case 'n':
        expectWord("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected " + describeNext() + ", expected a value");
    }
  }

  private Map<String, @Nullable Object> readObject(int depth) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    pos++; // {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("unexpected " + describeNext() + ", expected a member name in double quotes");
      }
      String name = readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      map.put(name, readValue(depth + 1));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return map;
      } else {
        throw error("unexpected " + describeNext() + ", expected ',' or '}'");
      }
    }
  }

  private List<@Nullable Object> readArray(int depth) {
    List<@Nullable Object> list = new ArrayList<>();
    pos++; // [
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(readValue(depth + 1));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return list;
      } else {
        throw error("unexpected " + describeNext() + ", expected ',' or ']'");
      }
    }
  }

  private String readString() {
    int start = pos;
    pos++; // opening quote
    StringBuilder sb = null;
    int runStart = pos;
    while (true) {
      if (pos >= text.length()) {
        pos = start;
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String s =
            sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) {
        throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
      }
      if (c == '\\') {
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(text, runStart, pos);
        pos++;
        if (pos >= text.length()) {
          throw error("unterminated escape");
        }
        char e = text.charAt(pos);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            sb.append(e);
            break;
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
            if (pos + 4 >= text.length()) {
              throw error("truncated \\u escape");
            }
            int code = 0;
            for (int i = 1; i <= 4; i++) {
              int digit = Character.digit(text.charAt(pos + i), 16);
              if (digit < 0) {
                throw error("invalid \\u escape");
              }
              code = code * 16 + digit;
            }
            sb.append((char) code);
            pos += 4;
            break;
          default:
            throw error("invalid escape \\" + e);
        }
        pos++;
        runStart = pos;
      } else {
        pos++;
      }
    }
  }

  private Object readNumber() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("invalid number, expected a digit");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number, expected a digit after '.'");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number, expected a digit in the exponent");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    String number = text.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(number);
      } catch (NumberFormatException tooLarge) {
        // falls through to a double, like most JSON readers
      }
    }
    double d = Double.parseDouble(number);
    if (Double.isInfinite(d)) {
      pos = start;
      throw error("number " + number + " is out of range");
    }
    return d;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void expectWord(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected " + describeNext() + ", expected a value");
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("unexpected " + describeNext() + ", expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private String describeNext() {
    if (pos >= text.length()) {
      return "end of input";
    }
    char c = text.charAt(pos);
    return c < 0x20 ? String.format("character U+%04X", (int) c) : "'" + c + "'";
  }

  private MalformedJsonException error(String message) {
    return new MalformedJsonException(message + " at position " + (pos + 1));
  }

  // ---------------------------------------------------------------- writing

  /** The JSON text of a value. */
  public static String write(@Nullable Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value);
    return sb.toString();
  }

  /**
   * Appends a value: {@code null}, String, Boolean, Number, Map (keys as strings) or List.
   *
   * @throws IllegalArgumentException for any other type or a non-finite number
   */
  public static void write(StringBuilder sb, @Nullable Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String) {
      writeString(sb, (String) value);
    } else if (value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      sb.append(d);
    } else if (value instanceof Number) {
      sb.append(value);
    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        writeString(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (value instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, item);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(
          "cannot write a " + value.getClass().getName() + " as JSON");
    }
  }

  /** Appends a JSON string literal; control characters and U+2028/U+2029 are escaped. */
  public static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20
              || c == '\u2028'
              || c == '\u2029'
              || Character.isSurrogate(c) && !paired(s, i)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /** Whether the surrogate at {@code i} is half of a valid pair (so it can be written as is). */
  private static boolean paired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
