package dev.microstore;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Validates and normalises metadata into immutable JSON-compatible values: String, Boolean, Long
 * (every integral number), Double (every other finite number), null, List and Map with String keys.
 */
final class Metadata {
  /** Deepest nesting of lists and maps accepted, counting the metadata map itself as 1. */
  static final int MAX_DEPTH = 256;

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Metadata() {}

  static Map<String, @Nullable Object> copyOf(Map<String, ? extends @Nullable Object> metadata) {
    if (metadata.isEmpty()) {
      return Map.of();
    }
    return copyMap(metadata, "metadata", 1);
  }

  private static Map<String, @Nullable Object> copyMap(
      Map<?, ? extends @Nullable Object> map, String path, int depth) {
    checkDepth(path, depth);
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ? extends @Nullable Object> e : map.entrySet()) {
      Object k = e.getKey();
      if (!(k instanceof String)) {
        throw new IllegalArgumentException(
            path + " has key " + k + " of type " + typeName(k) + ": metadata keys must be strings");
      }
      String childPath = path + "." + k;
      copy.put((String) k, normalise(e.getValue(), childPath, depth));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static @Nullable Object normalise(@Nullable Object value, String path, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger) {
      BigInteger big = (BigInteger) value;
      if (big.compareTo(LONG_MIN) < 0 || big.compareTo(LONG_MAX) > 0) {
        throw new IllegalArgumentException(
            path + " is " + big + ": integral metadata numbers must fit in a long");
      }
      return big.longValue();
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            path + " is " + value + ": metadata numbers must be finite (JSON has no NaN/Infinity)");
      }
      return d;
    }
    if (value instanceof Map) {
      return copyMap((Map<?, ?>) value, path, depth + 1);
    }
    if (value instanceof List) {
      List<?> list = (List<?>) value;
      checkDepth(path, depth + 1);
      List<@Nullable Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(normalise(list.get(i), path + "[" + i + "]", depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        path
            + " has a value of type "
            + typeName(value)
            + ": metadata values must be String, Boolean, a Number, null, List or Map");
  }

  private static void checkDepth(String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          path + " is nested " + depth + " deep: metadata nesting is limited to " + MAX_DEPTH);
    }
  }

  private static String typeName(@Nullable Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
