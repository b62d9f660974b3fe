package dev.microstore.tck.workload;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Moves an amount between two accounts with one atomic batch, each put conditional on the revision
 * read. The batch is recorded as one compare-and-set write per account, all with the batch's
 * outcome; the total of the accounts, checked after the run, shows whether batches were atomic.
 */
final class TransferWorker implements Worker {
  private final RunContext c;
  private final Lane lane;
  private final List<String> accounts;

  TransferWorker(RunContext c, Lane lane, List<String> accounts) {
    this.c = c;
    this.lane = lane;
    this.accounts = accounts;
  }

  @Override
  public void step(Random random) {
    int a = random.nextInt(accounts.size());
    int b = (a + 1 + random.nextInt(accounts.size() - 1)) % accounts.size();
    String from = accounts.get(a);
    String to = accounts.get(b);
    PendingOp readFrom =
        c.recorder.invoke(lane, Op.Kind.READ, from, null, RecordedCalls.NO_REVISION);
    PendingOp readTo = c.recorder.invoke(lane, Op.Kind.READ, to, null, RecordedCalls.NO_REVISION);
    Map<String, Record> found;
    try {
      found = c.store.readAll(List.of(from, to), c.read);
    } catch (RuntimeException e) {
      readFrom.readFailed(e);
      readTo.readFailed(e);
      return;
    }
    Record fromRecord = seen(readFrom, found.get(from));
    Record toRecord = seen(readTo, found.get(to));
    if (fromRecord == null || toRecord == null) {
      return;
    }
    OptionalLong fromBalance = Tally.parse(fromRecord.valueAsString());
    OptionalLong toBalance = Tally.parse(toRecord.valueAsString());
    if (fromBalance.isEmpty() || toBalance.isEmpty() || fromBalance.getAsLong() <= 0) {
      return;
    }
    long amount = 1 + random.nextInt((int) Math.min(fromBalance.getAsLong(), 10));
    transfer(
        fromRecord, fromBalance.getAsLong() - amount, toRecord, toBalance.getAsLong() + amount);
  }

  private static @Nullable Record seen(PendingOp read, @Nullable Record record) {
    if (record == null) {
      read.ok(0, null);
    } else {
      read.ok(record.revision(), record.valueAsString());
    }
    return record;
  }

  private void transfer(Record from, long fromBalance, Record to, long toBalance) {
    String fromValue = Tally.format(fromBalance, c.uniqueTag(lane));
    String toValue = Tally.format(toBalance, c.uniqueTag(lane));
    Batch batch =
        Batch.builder()
            .database(c.database)
            .put(Record.of(from.key(), fromValue), Batch.Condition.ifRevision(from.revision()))
            .put(Record.of(to.key(), toValue), Batch.Condition.ifRevision(to.revision()))
            .build();
    PendingOp putFrom =
        c.recorder.invoke(lane, Op.Kind.CAS_WRITE, from.key(), fromValue, from.revision());
    PendingOp putTo = c.recorder.invoke(lane, Op.Kind.CAS_WRITE, to.key(), toValue, to.revision());
    try {
      BatchResult result = c.store.commit(batch);
      acknowledged(putFrom, result, from.key());
      acknowledged(putTo, result, to.key());
    } catch (RuntimeException e) {
      putFrom.batchFailed(e);
      putTo.batchFailed(e);
    }
  }

  private static void acknowledged(PendingOp put, BatchResult result, String key) {
    Long revision = result.revisions().get(key);
    if (revision == null) {
      put.unknown("the committed batch's result has no revision for " + key);
    } else {
      put.ok(revision, null);
    }
  }
}
