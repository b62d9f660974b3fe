package dev.microstore;

import java.util.Collection;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Argument checks shared by the option builders. */
final class Checks {
  private Checks() {}

  static int notNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " " + value + " is invalid: must not be negative");
    }
    return value;
  }

  static long positiveRevision(long revision) {
    if (revision <= 0) {
      throw new IllegalArgumentException(
          "revision " + revision + " is invalid: revisions start at 1");
    }
    return revision;
  }

  /** An empty name means "not set", as in Go-Micro. */
  static @Nullable String emptyToNull(String value, String name) {
    Objects.requireNonNull(value, name);
    return value.isEmpty() ? null : value;
  }

  /**
   * Checks the arguments of {@link Store#readAll}: non-null, non-empty keys and exact-read options.
   *
   * @param keys the keys
   * @param options the options
   * @throws IllegalArgumentException if a key is empty or the options are not an exact read
   */
  static void exactReadAll(Collection<String> keys, ReadOptions options) {
    Objects.requireNonNull(options, "options");
    dev.microstore.internal.OptionChecks.readAll(options);
    for (String k : keys) {
      Objects.requireNonNull(k, "key");
      if (k.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
    }
  }
}
