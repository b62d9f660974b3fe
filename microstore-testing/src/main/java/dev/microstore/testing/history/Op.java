package dev.microstore.testing.history;

import java.util.Objects;

/**
 * One operation of a {@link History}: what a process asked of the store, when, and what came back.
 *
 * <p>Times are ticks of the history's logical clock, which ticks once per invocation and once per
 * completion: operation A precedes operation B in real time exactly when {@code A.completedAt() <
 * B.invokedAt()}. Operations that overlap may take effect in either order.
 *
 * <p>Immutable. {@code value}, {@code valueRead} and {@code reason} may be {@code null}, as said
 * below; the other references never are.
 *
 * @param process the process (a thread of the workload) that ran the operation, at least 0
 * @param kind what the operation does
 * @param key the key it works on
 * @param value the value a {@link Kind#WRITE}, {@link Kind#CAS_WRITE} or {@link Kind#CREATE} puts;
 *     {@code null} for reads and deletes
 * @param expectedRevision the revision a {@link Kind#CAS_WRITE} or {@link Kind#CAS_DELETE} expects
 *     the key to have (0 meaning absent); -1 for every other kind
 * @param invokedAt the clock tick of the invocation
 * @param completedAt the clock tick of the completion, or {@link Long#MAX_VALUE} when the outcome
 *     is {@link Outcome#UNKNOWN}
 * @param outcome whether the operation took effect
 * @param revision for an {@link Outcome#OK} read the revision read (0 when the key was absent); for
 *     an OK write or delete the revision the store reported (0 when it reported none); otherwise 0
 * @param valueRead for an OK read the value read, {@code null} when the key was absent; otherwise
 *     {@code null}
 * @param reason why the operation failed or its outcome is unknown; {@code null} when it is OK
 */
public record Op(
    int process,
    Kind kind,
    String key,
    String value,
    long expectedRevision,
    long invokedAt,
    long completedAt,
    Outcome outcome,
    long revision,
    String valueRead,
    String reason) {

  /**
   * Checks that the references the record requires are present.
   *
   * @throws NullPointerException if {@code kind}, {@code key} or {@code outcome} is {@code null}
   */
  public Op {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
  }

  /**
   * What an operation does to its key.
   *
   * <p>Each kind is a step of a register with compare-and-set and delete: the key holds a value or
   * is absent (never written, or deleted), and every write or delete gives it a new revision.
   */
  public enum Kind {
    /** Reads the key's value and revision, or finds it absent. */
    READ,
    /** Puts {@link Op#value()} unconditionally. */
    WRITE,
    /** Puts {@link Op#value()} if the key's current revision is {@link Op#expectedRevision()}. */
    CAS_WRITE,
    /** Puts {@link Op#value()} if the key is absent: never written, or deleted. */
    CREATE,
    /** Deletes the key unconditionally. */
    DELETE,
    /** Deletes the key if its current revision is {@link Op#expectedRevision()}. */
    CAS_DELETE;

    /**
     * Whether this kind puts a value: {@link #WRITE}, {@link #CAS_WRITE} or {@link #CREATE}.
     *
     * @return true for the kinds that carry a value
     */
    public boolean putsValue() {
      return this == WRITE || this == CAS_WRITE || this == CREATE;
    }

    /**
     * Whether this kind deletes: {@link #DELETE} or {@link #CAS_DELETE}.
     *
     * @return true for the deleting kinds
     */
    public boolean deletes() {
      return this == DELETE || this == CAS_DELETE;
    }

    /**
     * Whether this kind has a condition that may fail with a conflict: {@link #CAS_WRITE}, {@link
     * #CREATE} or {@link #CAS_DELETE}.
     *
     * @return true for the conditional kinds
     */
    public boolean conditional() {
      return this == CAS_WRITE || this == CREATE || this == CAS_DELETE;
    }

    /**
     * Whether this kind names an expected revision: {@link #CAS_WRITE} or {@link #CAS_DELETE}.
     *
     * @return true for the compare-and-set kinds
     */
    public boolean expectsRevision() {
      return this == CAS_WRITE || this == CAS_DELETE;
    }
  }

  /** Whether an operation took effect, as far as its process could tell. */
  public enum Outcome {
    /** Completed successfully: took effect exactly once, between invocation and completion. */
    OK,
    /** Failed: definitely did not take effect (a conflict, an invalid argument). */
    FAIL,
    /**
     * Unknown: may or may not have taken effect, at any time after its invocation (a timeout, a
     * lost connection, or never completed).
     */
    UNKNOWN
  }
}
