package dev.microstore.tck.workload;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.ConflictException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Stores that break one promise of the contract, for the workload to catch. */
final class FaultyStores {
  private FaultyStores() {}

  /** Every {@code n}th compare-and-set write is applied, then reported as a conflict. */
  static final class ConflictAfterApply extends ForwardingStore {
    private final int n;
    private final AtomicInteger calls = new AtomicInteger();

    ConflictAfterApply(Store delegate, int n) {
      super(delegate);
      this.n = n;
    }

    @Override
    public long write(Record record, WriteOptions options) {
      long revision = delegate.write(record, options);
      if (options.ifRevision().isPresent() && calls.incrementAndGet() % n == 0) {
        throw new ConflictException(
            record.key(), -1, "key \"" + record.key() + "\" changed (but it was written)", 0);
      }
      return revision;
    }
  }

  /** Stores every unconditional write twice, at two revisions. */
  static final class DoubleWrite extends ForwardingStore {
    DoubleWrite(Store delegate) {
      super(delegate);
    }

    @Override
    public long write(Record record, WriteOptions options) {
      if (options.ifAbsent() || options.ifRevision().isPresent()) {
        return delegate.write(record, options);
      }
      delegate.write(record, options);
      return delegate.write(record, options);
    }
  }

  /**
   * Every {@code n}th write is applied, then reported as of unknown outcome: allowed by the
   * contract.
   */
  static final class UnknownAfterApply extends ForwardingStore {
    private final int n;
    private final AtomicInteger calls = new AtomicInteger();

    UnknownAfterApply(Store delegate, int n) {
      super(delegate);
      this.n = n;
    }

    @Override
    public long write(Record record, WriteOptions options) {
      long revision = delegate.write(record, options);
      if (calls.incrementAndGet() % n == 0) {
        throw new OutcomeUnknownException("no acknowledgement for " + record.key(), null, 0);
      }
      return revision;
    }
  }

  /** Does not support atomic batches: {@link Store#commit}'s default. */
  static final class NoBatches extends ForwardingStore {
    NoBatches(Store delegate) {
      super(delegate);
    }

    @Override
    public BatchResult commit(Batch batch) {
      throw new UnsupportedOperationException("store " + this + " does not support atomic batches");
    }
  }

  /**
   * Every {@code n}th batch after the first applies only its first operation, as a conditional
   * write, and acknowledges the whole batch.
   */
  static final class HalfBatches extends ForwardingStore {
    private final int n;
    private final AtomicInteger calls = new AtomicInteger();

    HalfBatches(Store delegate, int n) {
      super(delegate);
      this.n = n;
    }

    @Override
    public BatchResult commit(Batch batch) {
      if (calls.incrementAndGet() % n != 0 || batch.size() != 2) {
        return delegate.commit(batch);
      }
      Batch.Operation first = batch.operations().get(0);
      WriteOptions.Builder options =
          WriteOptions.builder().database(batch.database().orElseThrow());
      first.condition().revision().ifPresent(options::ifRevision);
      long revision = delegate.write(first.record().orElseThrow(), options.build());
      Map<String, Long> revisions = new LinkedHashMap<>();
      revisions.put(first.key(), revision);
      revisions.put(batch.operations().get(1).key(), revision + 1);
      return new BatchResult(revisions);
    }
  }

  /** The {@code n}th write blocks until {@link #release()}, and is then not applied. */
  static final class HangingWrite extends ForwardingStore {
    private final int n;
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    HangingWrite(Store delegate, int n) {
      super(delegate);
      this.n = n;
    }

    void release() {
      released.countDown();
    }

    @Override
    public long write(Record record, WriteOptions options) {
      if (calls.incrementAndGet() == n) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new OutcomeUnknownException("gave up on " + record.key(), null, 0);
      }
      return delegate.write(record, options);
    }
  }
}
