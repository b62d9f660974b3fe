package dev.microstore.tck.workload;

import dev.microstore.testing.history.History;
import dev.microstore.testing.history.Invocation;
import dev.microstore.testing.history.Op;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Records the operations of a run in a {@link History}, one lock around every call so threads and
 * completion callbacks never interleave inside it. Hands out process ids and keeps the set of
 * pending operations, so that {@link #close} can record every operation still in flight as unknown
 * and refuse new ones; an operation is completed once, whoever comes first.
 */
final class Recorder {
  private final History history;
  private final AtomicInteger nextProcess = new AtomicInteger();
  private final Set<PendingOp> pending = new LinkedHashSet<>();
  private boolean closed;

  Recorder(History history) {
    this.history = history;
  }

  /** A process id never used before. */
  int newProcess() {
    return nextProcess.getAndIncrement();
  }

  /**
   * Records the invocation of an operation.
   *
   * @throws RunStopped if the recorder is closed: the run is over
   */
  synchronized PendingOp invoke(
      Lane lane, Op.Kind kind, String key, @Nullable String value, long expectedRevision) {
    if (closed) {
      throw new RunStopped();
    }
    int process = lane.process();
    Invocation invocation = history.invoke(process, kind, key, value, expectedRevision);
    PendingOp op = new PendingOp(this, lane, process, invocation);
    pending.add(op);
    return op;
  }

  /** Completes a pending operation, unless it was completed (or closed) before. */
  synchronized boolean complete(PendingOp op, Consumer<Invocation> outcome) {
    if (!pending.remove(op)) {
      return false;
    }
    outcome.accept(op.invocation());
    return true;
  }

  /** Waits until no operation is pending or the deadline ({@link System#nanoTime()}) passes. */
  boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    while (true) {
      synchronized (this) {
        if (pending.isEmpty()) {
          return true;
        }
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
    }
  }

  /**
   * Refuses new operations and records every pending one as unknown.
   *
   * @return how many operations were still pending
   */
  synchronized int close(String reason) {
    closed = true;
    int n = pending.size();
    for (PendingOp op : pending) {
      op.invocation().unknown(reason);
    }
    pending.clear();
    return n;
  }

  /** The history, for reading once the recorder is closed. */
  synchronized History history() {
    return history;
  }

  /** Thrown into a worker that tries to start an operation after the run stopped. */
  static final class RunStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunStopped() {
      super("the run has stopped", null, false, false);
    }
  }
}
