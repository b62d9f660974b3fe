package dev.microstore.internal;

import dev.microstore.ReadOptions;

/**
 * Not API: the checks of read options that every store applies the same way, so that all stores
 * reject the same input with the same message.
 */
public final class OptionChecks {
  private OptionChecks() {}

  /**
   * Checks the options of {@code readAll}: an exact read without offset or limit.
   *
   * @throws IllegalArgumentException naming the options and the rule
   */
  public static void readAll(ReadOptions options) {
    if (!options.exact() || options.offset() != 0 || options.limit() != 0) {
      throw new IllegalArgumentException(
          "readAll options "
              + options
              + " are invalid: readAll reads exact keys, so prefix, suffix, offset and limit must"
              + " not be set");
    }
  }

  /**
   * Checks the options of {@code history}: one exact key, no offset (a limit keeps the newest).
   *
   * @throws IllegalArgumentException naming the options and the rule
   */
  public static void history(ReadOptions options) {
    if (!options.exact() || options.offset() != 0) {
      throw new IllegalArgumentException(
          "history options "
              + options
              + " are invalid: history reads one exact key, so prefix, suffix and offset must"
              + " not be set");
    }
  }
}
