package dev.microstore.tck.workload;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.ConflictException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.Record;
import dev.microstore.StoreException;
import dev.microstore.testing.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The accounts of the atomic transfers: their keys, and their creation before the run with one
 * atomic batch of create-only puts, each recorded as a create. The batch also probes whether the
 * store supports atomic batches at all.
 */
final class Accounts {
  /** Every account's balance before the first transfer. */
  static final long INITIAL_BALANCE = 100;

  private static final long RETRY_PAUSE_MILLIS = 100;

  private final List<String> keys = new ArrayList<>();

  Accounts(int accounts) {
    for (int i = 0; i < accounts; i++) {
      keys.add(WorkloadPart.ATOMIC_TRANSFERS.keyPrefix() + "." + i);
    }
  }

  List<String> keys() {
    return keys;
  }

  long expectedTotal() {
    return INITIAL_BALANCE * keys.size();
  }

  /**
   * Creates every account with the initial balance, retrying until the run's deadline when the
   * outcome is unknown or the store fails; a conflict after an attempt of unknown outcome means
   * that attempt was applied (the batch is all or nothing).
   *
   * @return empty when the accounts exist, else why the transfers cannot run
   */
  Optional<String> create(RunContext c) {
    Lane lane = new Lane(c.recorder);
    boolean mayHaveApplied = false;
    String last = "no attempt";
    int attempts = 0;
    while (attempts == 0 || c.running()) {
      attempts++;
      Batch.Builder batch = Batch.builder().database(c.database);
      List<PendingOp> ops = new ArrayList<>();
      for (String key : keys) {
        String value = Tally.format(INITIAL_BALANCE, c.uniqueTag(lane));
        batch.put(Record.of(key, value), Batch.Condition.ifAbsent());
        ops.add(c.recorder.invoke(lane, Op.Kind.CREATE, key, value, RecordedCalls.NO_REVISION));
      }
      try {
        BatchResult result = c.store.commit(batch.build());
        for (int i = 0; i < keys.size(); i++) {
          Long revision = result.revisions().get(keys.get(i));
          ops.get(i).ok(revision == null ? 0 : revision, null);
        }
        return Optional.empty();
      } catch (RuntimeException e) {
        ops.forEach(op -> op.batchFailed(e));
        Throwable t = PendingOp.unwrap(e);
        if (t instanceof UnsupportedOperationException) {
          return Optional.of("the store does not support atomic batches");
        }
        if (t instanceof ConflictException) {
          return mayHaveApplied
              ? Optional.empty()
              : Optional.of("an account exists before the run: " + t.getMessage());
        }
        mayHaveApplied |=
            t instanceof OutcomeUnknownException
                || !(t instanceof StoreException || t instanceof IllegalArgumentException);
        last = PendingOp.describe(t);
        try {
          TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return Optional.of("creating the accounts failed " + attempts + " times, last: " + last);
  }
}
