package dev.microstore.nats;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where an operation goes: the database (the store's default unless the options name one), the
 * table, and the stored key of each key, checked against the rules of NATS subjects or encoded.
 * Invalid input is refused with {@link IllegalArgumentException} naming the value and the rule.
 *
 * <p>Immutable; thread-safe.
 */
final class Addressing {
  private final KeyCodec keys;
  private final String defaultDatabase;
  private final @Nullable String defaultTable;

  Addressing(KeyCodec keys, String defaultDatabase, @Nullable String defaultTable) {
    this.keys = keys;
    this.defaultDatabase = defaultDatabase;
    this.defaultTable = defaultTable;
  }

  KeyCodec keys() {
    return keys;
  }

  String defaultDatabase() {
    return defaultDatabase;
  }

  String database(Optional<String> given) {
    return KeyRules.database(given.orElse(defaultDatabase));
  }

  @Nullable String table(Optional<String> given) {
    return given.orElse(defaultTable);
  }

  /** The prefix of a table's stored keys before encoding: {@code <table>_}, or empty. */
  static String scope(@Nullable String table) {
    return table == null ? "" : table + "_";
  }

  /** A key of a table, checked: not empty, and valid for the store's key rules. */
  Target target(String db, @Nullable String table, String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
    }
    String full = scope(table) + key;
    return new Target(db, key, full, storedKey(full, key, table));
  }

  private String storedKey(String fullKey, String key, @Nullable String table) {
    if (keys.encodes()) {
      for (int i = 0; i < fullKey.length(); i++) {
        char c = fullKey.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < fullKey.length()
            && Character.isLowSurrogate(fullKey.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          String where = table != null && i < table.length() ? "table \"" + table : "key \"" + key;
          throw new IllegalArgumentException(
              where
                  + "\" is invalid: it holds an unpaired surrogate (U+"
                  + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                  + "), which has no UTF-8 form, so it cannot be encoded");
        }
      }
      return keys.toStored(fullKey);
    }
    KeyRules.plainKey(fullKey, key, table);
    return fullKey;
  }
}
