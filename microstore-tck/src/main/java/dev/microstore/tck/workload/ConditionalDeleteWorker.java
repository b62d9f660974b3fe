package dev.microstore.tck.workload;

import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.Random;

/**
 * On a key of this thread: writes a unique value, reads it, deletes it conditional on the read
 * revision, reads it again. Nobody else writes the key, so in a correct store the delete succeeds
 * and the last read finds the key absent.
 */
final class ConditionalDeleteWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final String key;

  ConditionalDeleteWorker(RunContext c, Lane lane, int thread) {
    this.c = c;
    this.lane = lane;
    this.key = WorkloadPart.CONDITIONAL_DELETES.keyPrefix() + "." + thread;
  }

  @Override
  public void step(Random random) {
    RecordedCalls.write(
        c, lane, Op.Kind.WRITE, key, "d-" + c.uniqueTag(lane), c.write, RecordedCalls.NO_REVISION);
    Record record = RecordedCalls.read(c, lane, key).record();
    if (record == null) {
      return;
    }
    RecordedCalls.delete(
        c, lane, Op.Kind.CAS_DELETE, key, c.deleteIfRevision(record.revision()), record.revision());
    RecordedCalls.read(c, lane, key);
  }
}
