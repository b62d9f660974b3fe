package dev.microstore.tck.workload;

/**
 * One sequence of operations: a thread, or one in-flight slot of an asynchronous thread. It acts as
 * one process of the history at a time; when an operation's outcome is unknown the process is
 * retired and the lane continues as a new process, so that no process ever has two operations that
 * may overlap (Jepsen's rule: an operation of unknown outcome may still be in flight forever).
 */
final class Lane {
  private final Recorder recorder;
  private int process;

  Lane(Recorder recorder) {
    this.recorder = recorder;
    this.process = recorder.newProcess();
  }

  synchronized int process() {
    return process;
  }

  /** Retires {@code retired} if it is still this lane's process; idempotent for that process. */
  synchronized void retire(int retired) {
    if (process == retired) {
      process = recorder.newProcess();
    }
  }
}
