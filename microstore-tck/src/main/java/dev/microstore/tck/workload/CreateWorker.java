package dev.microstore.tck.workload;

import dev.microstore.testing.history.Op;
import java.util.Random;

/** Create-only writes of fresh keys of this thread, each read back. */
final class CreateWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final String prefix;
  private int next;

  CreateWorker(RunContext c, Lane lane, int thread) {
    this.c = c;
    this.lane = lane;
    this.prefix = WorkloadPart.CREATES.keyPrefix() + "." + thread + ".";
  }

  @Override
  public void step(Random random) {
    String key = prefix + next++;
    RecordedCalls.write(
        c,
        lane,
        Op.Kind.CREATE,
        key,
        "c-" + c.uniqueTag(lane),
        c.ifAbsent(),
        RecordedCalls.NO_REVISION);
    RecordedCalls.read(c, lane, key);
  }
}
