package dev.microstore.tck.workload;

import java.util.OptionalLong;

/**
 * A number stored as a unique value: {@code <number>:<tag>}, for counters and account balances. The
 * tag makes every written value unique, which the checker relies on, even when a counter is set to
 * the same number twice (after an increment whose outcome was unknown and did not apply).
 */
final class Tally {
  private Tally() {}

  static String format(long number, String tag) {
    return number + ":" + tag;
  }

  /** The number of a tally value, or empty when the value is not one. */
  static OptionalLong parse(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.substring(0, colon)));
    } catch (NumberFormatException notANumber) {
      return OptionalLong.empty();
    }
  }
}
