package dev.microstore.tck.workload;

import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous writes of unique values, unconditional deletes and reads over a few keys, at most
 * {@code maxInFlight} at a time. Each in-flight slot is a lane of its own, so no process has two
 * operations in flight; a slot is free again when its operation completes. Futures are never given
 * a timeout here: the store's own timeouts bound them, and the run records those still pending at
 * its end as unknown.
 */
final class AsyncWriteWorker implements Worker {
  private final RunContext c;
  private final int keys;
  private final BlockingQueue<Lane> free;

  AsyncWriteWorker(RunContext c, int keys, int maxInFlight) {
    this.c = c;
    this.keys = keys;
    this.free = new ArrayBlockingQueue<>(maxInFlight);
    for (int i = 0; i < maxInFlight; i++) {
      free.add(new Lane(c.recorder));
    }
  }

  @Override
  public void step(Random random) throws InterruptedException {
    Lane lane = free.poll(50, TimeUnit.MILLISECONDS);
    if (lane == null) {
      return;
    }
    String key = WorkloadPart.ASYNC_WRITES.keyPrefix() + "." + random.nextInt(keys);
    int choice = random.nextInt(10);
    try {
      if (choice < 6) {
        write(lane, key);
      } else if (choice < 8) {
        delete(lane, key);
      } else {
        read(lane, key);
      }
    } catch (RuntimeException stoppedOrBug) {
      free.add(lane);
      throw stoppedOrBug;
    }
  }

  private void write(Lane lane, String key) {
    String value = "a-" + c.uniqueTag(lane);
    PendingOp op = c.recorder.invoke(lane, Op.Kind.WRITE, key, value, RecordedCalls.NO_REVISION);
    CompletableFuture<Long> f;
    try {
      f = c.store.writeAsync(Record.of(key, value), c.write);
    } catch (RuntimeException e) { // a store that throws instead of failing the future
      op.writeFailed(e);
      free.add(lane);
      return;
    }
    f.whenComplete(
        (revision, failure) -> {
          if (failure == null) {
            op.ok(revision == null ? 0 : revision, null);
          } else {
            op.writeFailed(failure);
          }
          free.add(lane);
        });
  }

  private void delete(Lane lane, String key) {
    PendingOp op = c.recorder.invoke(lane, Op.Kind.DELETE, key, null, RecordedCalls.NO_REVISION);
    CompletableFuture<Void> f;
    try {
      f = c.store.deleteAsync(key, c.delete);
    } catch (RuntimeException e) {
      op.writeFailed(e);
      free.add(lane);
      return;
    }
    f.whenComplete(
        (ignored, failure) -> {
          if (failure == null) {
            op.ok(0, null);
          } else {
            op.writeFailed(failure);
          }
          free.add(lane);
        });
  }

  private void read(Lane lane, String key) {
    PendingOp op = c.recorder.invoke(lane, Op.Kind.READ, key, null, RecordedCalls.NO_REVISION);
    CompletableFuture<List<Record>> f;
    try {
      f = c.store.readAsync(key, c.read);
    } catch (RuntimeException e) {
      op.readFailed(e);
      free.add(lane);
      return;
    }
    f.whenComplete(
        (records, failure) -> {
          if (failure != null) {
            op.readFailed(failure);
          } else if (records == null || records.isEmpty()) {
            op.ok(0, null);
          } else {
            op.ok(records.get(0).revision(), records.get(0).valueAsString());
          }
          free.add(lane);
        });
  }
}
