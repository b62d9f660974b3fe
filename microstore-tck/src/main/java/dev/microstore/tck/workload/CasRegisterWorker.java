package dev.microstore.tck.workload;

import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Compare-and-set counters: reads a counter, then writes the next count conditional on the read
 * revision, or creates it at 1 when absent. In a correct store each count is reached once per key.
 */
final class CasRegisterWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final int keys;

  CasRegisterWorker(RunContext c, Lane lane, int keys) {
    this.c = c;
    this.lane = lane;
    this.keys = keys;
  }

  static String key(int i) {
    return WorkloadPart.CAS_REGISTERS.keyPrefix() + "." + i;
  }

  @Override
  public void step(Random random) {
    String key = key(random.nextInt(keys));
    RecordedCalls.Seen seen = RecordedCalls.read(c, lane, key);
    if (!seen.known()) {
      return;
    }
    Record record = seen.record();
    if (record == null) {
      RecordedCalls.write(
          c,
          lane,
          Op.Kind.CREATE,
          key,
          Tally.format(1, c.uniqueTag(lane)),
          c.ifAbsent(),
          RecordedCalls.NO_REVISION);
      return;
    }
    OptionalLong count = Tally.parse(record.valueAsString());
    if (count.isEmpty()) {
      return; // not a counter value: the checker reports how it got there
    }
    long revision = record.revision();
    RecordedCalls.write(
        c,
        lane,
        Op.Kind.CAS_WRITE,
        key,
        Tally.format(count.getAsLong() + 1, c.uniqueTag(lane)),
        c.ifRevision(revision),
        revision);
  }
}
