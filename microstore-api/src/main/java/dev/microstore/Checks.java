package dev.microstore;

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
}
