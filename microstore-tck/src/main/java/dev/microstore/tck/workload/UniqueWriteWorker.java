package dev.microstore.tck.workload;

import dev.microstore.testing.history.Op;
import java.util.Random;

/** Unconditional writes of unique values over a few shared keys, with reads between. */
final class UniqueWriteWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final int keys;

  UniqueWriteWorker(RunContext c, Lane lane, int keys) {
    this.c = c;
    this.lane = lane;
    this.keys = keys;
  }

  @Override
  public void step(Random random) {
    String key = WorkloadPart.UNIQUE_WRITES.keyPrefix() + "." + random.nextInt(keys);
    if (random.nextBoolean()) {
      RecordedCalls.write(
          c,
          lane,
          Op.Kind.WRITE,
          key,
          "w-" + c.uniqueTag(lane),
          c.write,
          RecordedCalls.NO_REVISION);
    } else {
      RecordedCalls.read(c, lane, key);
    }
  }
}
