package dev.microstore.testing.history;

/**
 * The mutable record of one operation inside a {@link History}, guarded by the history's lock. The
 * outside world sees {@link Op} snapshots.
 */
final class Recorded {

  /** The reason given to an operation that was invoked but never completed. */
  static final String NEVER_COMPLETED = "never completed";

  final int index;
  final int process;
  final Op.Kind kind;
  final String key;
  final String value;
  final long expectedRevision;
  final long invokedAt;

  long completedAt = Long.MAX_VALUE;
  Op.Outcome outcome; // null while pending
  long revision;
  String valueRead;
  String reason;

  /** For a FAIL: whether it says the operation's condition did not hold (a conflict). */
  boolean conflict;

  Recorded(
      int index,
      int process,
      Op.Kind kind,
      String key,
      String value,
      long expectedRevision,
      long invokedAt) {
    this.index = index;
    this.process = process;
    this.kind = kind;
    this.key = key;
    this.value = value;
    this.expectedRevision = expectedRevision;
    this.invokedAt = invokedAt;
  }

  Op toOp() {
    if (outcome == null) {
      return new Op(
          process,
          kind,
          key,
          value,
          expectedRevision,
          invokedAt,
          Long.MAX_VALUE,
          Op.Outcome.UNKNOWN,
          0,
          null,
          NEVER_COMPLETED);
    }
    return new Op(
        process,
        kind,
        key,
        value,
        expectedRevision,
        invokedAt,
        completedAt,
        outcome,
        revision,
        valueRead,
        reason);
  }

  /** "operation #12 (process 3, CAS_WRITE of key "k")", for messages. */
  String name() {
    return "operation #"
        + index
        + " (process "
        + process
        + ", "
        + kind
        + " of key \""
        + key
        + "\")";
  }
}
