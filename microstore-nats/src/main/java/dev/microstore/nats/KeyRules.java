package dev.microstore.nats;

/** The naming rules of NATS KV that the store checks before anything is sent. */
final class KeyRules {
  private KeyRules() {}

  static String database(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "database \"\" is invalid: a database name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isAlnum(c) || c == '-' || c == '_')) {
        throw new IllegalArgumentException(
            "database \""
                + name
                + "\" is not a valid NATS KV bucket name: allowed characters are A-Z a-z 0-9 - _");
      }
    }
    return name;
  }

  /**
   * Checks a stored key when keys are not encoded.
   *
   * @param storedKey the key as stored: {@code <table>_<key>} or {@code <key>}
   * @param key the key the caller gave
   * @param table the table, or null
   */
  static void plainKey(
      String storedKey, String key, @org.jspecify.annotations.Nullable String table) {
    String problem = problem(storedKey);
    if (problem == null) {
      return;
    }
    String subject =
        table == null
            ? "key \"" + key + "\""
            : problemOfTable(table) != null
                ? "table \"" + table + "\" (stored key \"" + storedKey + "\")"
                : "key \"" + key + "\" in table \"" + table + "\"";
    throw new IllegalArgumentException(
        subject
            + " is not a valid NATS KV key: "
            + problem
            + " (enable encodeKeys to store any key)");
  }

  private static @org.jspecify.annotations.Nullable String problemOfTable(String table) {
    return problem(table + "_x");
  }

  /** What is wrong with a NATS KV key, or null when it is valid. */
  static @org.jspecify.annotations.Nullable String problem(String k) {
    if (k.isEmpty()) {
      return "a key must not be empty";
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!(isAlnum(c) || c == '-' || c == '_' || c == '/' || c == '=' || c == '.')) {
        return "allowed characters are A-Z a-z 0-9 - _ / = . and it has '"
            + (Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c))
            + "'";
      }
    }
    if (k.startsWith(".") || k.endsWith(".")) {
      return "it must not start or end with '.'";
    }
    if (k.contains("..")) {
      return "it must not contain '..'";
    }
    return null;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
