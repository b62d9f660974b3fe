package dev.microstore.testing.history;

import java.util.List;
import java.util.Objects;

/**
 * Something the {@link Checker} found wrong with a history, on one key, with the operations that
 * show it.
 *
 * <p>Immutable.
 *
 * @param kind what is wrong
 * @param key the key it concerns
 * @param description what was seen, in words, naming values and revisions
 * @param operations the operations that show it (at most a few dozen, the most telling first)
 */
public record Anomaly(Kind kind, String key, String description, List<Op> operations) {

  /**
   * Checks and copies the arguments.
   *
   * @throws NullPointerException if an argument or an operation is {@code null}
   */
  public Anomaly {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    operations = List.copyOf(operations);
  }

  /** What kind of anomaly. */
  public enum Kind {
    /**
     * No order of the key's operations respects both real time (an operation takes effect between
     * its invocation and its completion) and the register's rules.
     */
    NOT_LINEARIZABLE,
    /**
     * An operation that failed (definitely not applied) took effect: its value or delete is seen.
     */
    FAILED_BUT_APPLIED,
    /** One value, written once, is stored at two revisions of the key. */
    STORED_TWICE,
    /**
     * A write the store acknowledged is missing from the key's kept revisions, or another value is
     * stored at its revision.
     */
    ACKNOWLEDGED_WRITE_LOST,
    /** Two operations report the same revision of a key with different values. */
    REVISION_MISMATCH
  }
}
