package dev.microstore.tck.workload;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.StoreException;
import dev.microstore.testing.history.Invocation;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * An invoked operation waiting for its outcome. Maps what the store answered onto the history's
 * outcomes: a {@link ConflictException} is a failed condition (nothing written), an {@link
 * OutcomeUnknownException} is unknown, any other {@link StoreException} or an {@link
 * IllegalArgumentException} of a write failed without saying anything about the key (the store
 * promises nothing was written), anything else is unknown. A read that throws is unknown, except
 * {@link NotFoundException}: the key is absent. An unknown outcome retires the lane's process.
 */
final class PendingOp {
  private final Recorder recorder;
  private final Lane lane;
  private final int process;
  private final Invocation invocation;

  PendingOp(Recorder recorder, Lane lane, int process, Invocation invocation) {
    this.recorder = recorder;
    this.lane = lane;
    this.process = process;
    this.invocation = invocation;
  }

  Invocation invocation() {
    return invocation;
  }

  void ok(long revision, @Nullable String valueRead) {
    recorder.complete(this, i -> i.ok(revision, valueRead));
  }

  /** The operation's condition did not hold: for a conditional kind, a conflict. */
  void fail(String reason) {
    recorder.complete(this, i -> i.fail(reason));
  }

  /** Nothing was written, for a reason that says nothing about the key's state. */
  void failWithoutConflict(String reason) {
    recorder.complete(this, i -> i.failWithoutConflict(reason));
  }

  void unknown(String reason) {
    lane.retire(process);
    recorder.complete(this, i -> i.unknown(reason));
  }

  /** Records the failure of a single-key write or delete. */
  void writeFailed(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ConflictException) {
      fail("conflict");
    } else if (t instanceof OutcomeUnknownException) {
      unknown(describe(t));
    } else if (t instanceof StoreException || t instanceof IllegalArgumentException) {
      failWithoutConflict(describe(t));
    } else {
      unknown(describe(t));
    }
  }

  /**
   * Records the failure of an atomic batch this operation was part of. A refused batch says that
   * some condition did not hold, not which one (a store may not be able to tell), so no operation
   * of it is recorded as a conflict.
   */
  void batchFailed(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof UnsupportedOperationException) {
      failWithoutConflict("atomic batches not supported");
    } else if (t instanceof ConflictException) {
      failWithoutConflict("the batch was refused: " + describe(t));
    } else {
      writeFailed(t);
    }
  }

  /** Records the failure of a read: absent for {@link NotFoundException}, else unknown. */
  void readFailed(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof NotFoundException) {
      ok(0, null);
    } else {
      unknown(describe(t));
    }
  }

  static Throwable unwrap(Throwable t) {
    Throwable out = t;
    while ((out instanceof CompletionException || out instanceof ExecutionException)
        && out.getCause() != null) {
      out = out.getCause();
    }
    return out;
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
