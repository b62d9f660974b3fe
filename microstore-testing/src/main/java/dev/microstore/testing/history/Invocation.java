package dev.microstore.testing.history;

import java.util.Objects;

/**
 * An operation invoked in a {@link History}, waiting for its completion. Complete it exactly once,
 * after the call to the store returned: {@link #ok}, {@link #fail}, {@link #failWithoutConflict} or
 * {@link #unknown}. An invocation never completed counts as {@link Op.Outcome#UNKNOWN}.
 *
 * <p>Thread-safe: any thread may complete it.
 */
public final class Invocation {

  private final History history;
  private final Recorded recorded;

  Invocation(History history, Recorded recorded) {
    this.history = history;
    this.recorded = recorded;
  }

  /**
   * Records that the operation succeeded.
   *
   * @param revision for a {@link Op.Kind#READ} the revision read (0 when the key was absent); for a
   *     write or delete the revision the store reported, 0 when the store reports none
   * @param valueRead for a {@link Op.Kind#READ} the value read, {@code null} when the key was
   *     absent; {@code null} for every other kind
   * @throws IllegalArgumentException if the revision is negative, or a value is given for an
   *     operation that is not a read
   * @throws IllegalStateException if the operation was already completed
   */
  public void ok(long revision, String valueRead) {
    if (revision < 0) {
      throw new IllegalArgumentException(
          recorded.name() + ": revision must not be negative: " + revision);
    }
    if (valueRead != null && recorded.kind != Op.Kind.READ) {
      throw new IllegalArgumentException(
          recorded.name()
              + ": only a READ reads a value, valueRead \""
              + valueRead
              + "\" must be null");
    }
    history.complete(recorded, Op.Outcome.OK, revision, valueRead, null, false);
  }

  /**
   * Records that a write or delete succeeded, or that a read found the key absent (revision 0):
   * {@code ok(revision, null)}.
   *
   * @param revision as for {@link #ok(long, String)}
   * @throws IllegalArgumentException if the revision is negative
   * @throws IllegalStateException if the operation was already completed
   */
  public void ok(long revision) {
    ok(revision, null);
  }

  /**
   * Records that the operation definitely did not take effect. For a conditional operation ({@link
   * Op.Kind#CAS_WRITE}, {@link Op.Kind#CREATE}, {@link Op.Kind#CAS_DELETE}) this says that its
   * condition did not hold when it was checked (a conflict); use {@link #failWithoutConflict} for a
   * failure that says nothing about the key (an invalid argument, a refused permission).
   *
   * @param reason why, for the report (for example the exception's message)
   * @throws IllegalStateException if the operation was already completed
   */
  public void fail(String reason) {
    Objects.requireNonNull(reason, "reason");
    history.complete(recorded, Op.Outcome.FAIL, 0, null, reason, recorded.kind.conditional());
  }

  /**
   * Records that the operation definitely did not take effect, for a reason that says nothing about
   * the key's state: an invalid argument, a closed store, a refused permission. The checker uses
   * such a failure only to check that its value is never seen.
   *
   * @param reason why, for the report
   * @throws IllegalStateException if the operation was already completed
   */
  public void failWithoutConflict(String reason) {
    Objects.requireNonNull(reason, "reason");
    history.complete(recorded, Op.Outcome.FAIL, 0, null, reason, false);
  }

  /**
   * Records that the operation may or may not have taken effect: a timeout, a lost connection, an
   * error after the request was sent. It may have taken effect at any time after its invocation.
   *
   * @param reason why the outcome is unknown, for the report
   * @throws IllegalStateException if the operation was already completed
   */
  public void unknown(String reason) {
    Objects.requireNonNull(reason, "reason");
    history.complete(recorded, Op.Outcome.UNKNOWN, 0, null, reason, false);
  }

  /**
   * The operation as recorded so far; {@link Op.Outcome#UNKNOWN} with reason {@code "never
   * completed"} until it is completed.
   *
   * @return a snapshot of the operation
   */
  public Op op() {
    return history.snapshotOf(recorded);
  }
}
