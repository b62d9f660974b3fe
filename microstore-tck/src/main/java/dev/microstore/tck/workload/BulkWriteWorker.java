package dev.microstore.tck.workload;

import dev.microstore.BulkResult;
import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Bulk writes of 5 to 10 unique values over distinct keys, each record an operation of the history
 * with its own outcome from the {@link BulkResult}, and bulk reads of a few keys. A bulk call that
 * throws as a whole leaves every record unknown: {@link dev.microstore.Store#writeAll} may have
 * written some records before it failed.
 */
final class BulkWriteWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final List<String> keys = new ArrayList<>();

  BulkWriteWorker(RunContext c, Lane lane, int keys) {
    this.c = c;
    this.lane = lane;
    for (int i = 0; i < keys; i++) {
      this.keys.add(WorkloadPart.BULK_WRITES.keyPrefix() + "." + i);
    }
  }

  @Override
  public void step(Random random) {
    if (random.nextInt(4) == 0) {
      readSome(random);
    } else {
      writeSome(random);
    }
  }

  private List<String> pick(Random random, int min, int max) {
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, random);
    int n = Math.min(shuffled.size(), min + random.nextInt(max - min + 1));
    return shuffled.subList(0, n);
  }

  private void writeSome(Random random) {
    List<String> picked = pick(random, 5, 10);
    List<Record> records = new ArrayList<>(picked.size());
    List<PendingOp> ops = new ArrayList<>(picked.size());
    for (String key : picked) {
      String value = "b-" + c.uniqueTag(lane);
      records.add(Record.of(key, value));
      ops.add(c.recorder.invoke(lane, Op.Kind.WRITE, key, value, RecordedCalls.NO_REVISION));
    }
    BulkResult result;
    try {
      result = c.store.writeAll(records, c.write);
    } catch (IllegalArgumentException rejected) {
      ops.forEach(op -> op.writeFailed(rejected));
      return;
    } catch (RuntimeException e) {
      ops.forEach(op -> op.unknown("writeAll failed as a whole: " + PendingOp.describe(e)));
      return;
    }
    List<BulkResult.Outcome> outcomes = result.outcomes();
    for (int i = 0; i < ops.size(); i++) {
      if (i >= outcomes.size()) {
        ops.get(i).unknown("writeAll returned " + outcomes.size() + " outcomes for " + ops.size());
        continue;
      }
      BulkResult.Outcome outcome = outcomes.get(i);
      Exception error = outcome.error();
      if (error == null) {
        ops.get(i).ok(outcome.revision(), null);
      } else {
        ops.get(i).writeFailed(error);
      }
    }
  }

  private void readSome(Random random) {
    List<String> picked = pick(random, 2, 5);
    List<PendingOp> ops = new ArrayList<>(picked.size());
    for (String key : picked) {
      ops.add(c.recorder.invoke(lane, Op.Kind.READ, key, null, RecordedCalls.NO_REVISION));
    }
    Map<String, Record> found;
    try {
      found = c.store.readAll(picked, c.read);
    } catch (RuntimeException e) {
      ops.forEach(op -> op.readFailed(e));
      return;
    }
    for (int i = 0; i < ops.size(); i++) {
      Record r = found.get(picked.get(i));
      if (r == null) {
        ops.get(i).ok(0, null);
      } else {
        ops.get(i).ok(r.revision(), r.valueAsString());
      }
    }
  }
}
