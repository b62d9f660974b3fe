package dev.microstore.tck.workload;

import dev.microstore.DeleteOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.concurrent.atomic.AtomicLong;

/** What every worker of one run shares: the store, the database's options, the recorder. */
final class RunContext {
  final Store store;
  final String database;
  final Recorder recorder;
  final ReadOptions read;
  final WriteOptions write;
  final DeleteOptions delete;
  private final long deadlineNanos;
  private final AtomicLong values = new AtomicLong();

  RunContext(Store store, String database, Recorder recorder, long deadlineNanos) {
    this.store = store;
    this.database = database;
    this.recorder = recorder;
    this.deadlineNanos = deadlineNanos;
    this.read = ReadOptions.builder().database(database).build();
    this.write = WriteOptions.builder().database(database).build();
    this.delete = DeleteOptions.builder().database(database).build();
  }

  /** Whether workers should start more operations. */
  boolean running() {
    return System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted();
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  /** A tag no other value of the run has: the lane's process and a run-wide sequence number. */
  String uniqueTag(Lane lane) {
    return "p" + lane.process() + "-" + values.incrementAndGet();
  }

  WriteOptions ifAbsent() {
    return write.toBuilder().ifAbsent().build();
  }

  WriteOptions ifRevision(long revision) {
    return write.toBuilder().ifRevision(revision).build();
  }

  DeleteOptions deleteIfRevision(long revision) {
    return delete.toBuilder().ifRevision(revision).build();
  }
}
