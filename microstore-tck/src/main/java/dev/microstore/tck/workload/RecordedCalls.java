package dev.microstore.tck.workload;

import dev.microstore.DeleteOptions;
import dev.microstore.Record;
import dev.microstore.WriteOptions;
import dev.microstore.testing.history.Op;
import org.jspecify.annotations.Nullable;

/** Synchronous store calls, each recorded as one operation of the history. */
final class RecordedCalls {
  /** No revision expected: the operation is not conditional on one. */
  static final long NO_REVISION = -1;

  private RecordedCalls() {}

  /** What a recorded read saw. */
  record Seen(boolean known, @Nullable Record record) {
    static final Seen UNKNOWN = new Seen(false, null);
    static final Seen ABSENT = new Seen(true, null);

    boolean present() {
      return record != null;
    }
  }

  /** Reads one key; a read that throws (other than not found) is unknown. */
  static Seen read(RunContext c, Lane lane, String key) {
    PendingOp op = c.recorder.invoke(lane, Op.Kind.READ, key, null, NO_REVISION);
    try {
      Record r = c.store.read(key, c.read).get(0);
      op.ok(r.revision(), r.valueAsString());
      return new Seen(true, r);
    } catch (RuntimeException e) {
      op.readFailed(e);
      return e instanceof dev.microstore.NotFoundException ? Seen.ABSENT : Seen.UNKNOWN;
    }
  }

  /**
   * Writes one record.
   *
   * @return the new revision, or 0 when the write failed or its outcome is unknown
   */
  static long write(
      RunContext c,
      Lane lane,
      Op.Kind kind,
      String key,
      String value,
      WriteOptions options,
      long expectedRevision) {
    PendingOp op = c.recorder.invoke(lane, kind, key, value, expectedRevision);
    try {
      long revision = c.store.write(Record.of(key, value), options);
      op.ok(revision, null);
      return revision;
    } catch (RuntimeException e) {
      op.writeFailed(e);
      return 0;
    }
  }

  /**
   * Deletes one key; the history gets revision 0 for a delete, whose revision the API does not
   * return.
   *
   * @return whether the delete was acknowledged
   */
  static boolean delete(
      RunContext c,
      Lane lane,
      Op.Kind kind,
      String key,
      DeleteOptions options,
      long expectedRevision) {
    PendingOp op = c.recorder.invoke(lane, kind, key, null, expectedRevision);
    try {
      c.store.delete(key, options);
      op.ok(0, null);
      return true;
    } catch (RuntimeException e) {
      op.writeFailed(e);
      return false;
    }
  }
}
