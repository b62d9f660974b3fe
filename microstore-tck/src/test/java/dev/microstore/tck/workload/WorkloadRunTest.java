package dev.microstore.tck.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import dev.microstore.testing.history.Anomaly;
import dev.microstore.testing.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The workload against the in-memory store, correct and deliberately broken: a correct store
 * passes, and each broken promise is named in the report.
 */
class WorkloadRunTest {
  private final Store memory = Stores.inMemory().history(64).build();

  @AfterEach
  void closeStore() {
    memory.close();
  }

  private static WorkloadBuilder workload(Duration duration) {
    return Workload.builder().database("jepsen").duration(duration).seed(42);
  }

  private static Map<Anomaly.Kind, Integer> anomalies(WorkloadResult r) {
    Map<Anomaly.Kind, Integer> out = new EnumMap<>(Anomaly.Kind.class);
    r.report().anomalies().forEach(a -> out.merge(a.kind(), 1, Integer::sum));
    return out;
  }

  @Test
  void run_inMemoryStore_isValidWithOperationsOfEveryPartAndKind() {
    WorkloadResult r =
        workload(Duration.ofSeconds(3))
            .casRegisters(4, 3)
            .uniqueWrites(1)
            .creates(1)
            .conditionalDeletes(1)
            .bulkWrites(1)
            .asyncWrites(1)
            .atomicTransfers(2, 4)
            .build()
            .run(memory);

    assertThat(r.valid()).as(r.summary()).isTrue();
    for (WorkloadPart part : WorkloadPart.values()) {
      assertThat(r.operations(part)).as(part.name()).isPositive();
    }
    Map<Op.Kind, Integer> byKind = new EnumMap<>(Op.Kind.class);
    r.history().operations().forEach(op -> byKind.merge(op.kind(), 1, Integer::sum));
    assertThat(byKind).containsOnlyKeys(Op.Kind.values());
    assertThat(r.report().ok()).isPositive();
    assertThat(r.report().failed()).as("conflicting compare-and-set writes").isPositive();
    assertThat(r.report().unknown()).isZero();
    assertThat(r.report().anomalies()).isEmpty();
    assertThat(r.invariants())
        .extracting(InvariantCheck::name)
        .contains(
            "counter cas.0",
            "counter cas.1",
            "counter cas.2",
            "transfer total",
            "acknowledged creates present");
    assertThat(r.skippedParts()).isEmpty();
    assertThat(r.pendingAtStop()).isZero();
    assertThat(r.unobservedKeys()).isEmpty();
    assertThat(r.historyDepth()).isEqualTo(64);
    assertThat(r.summary())
        .startsWith("valid: ")
        .contains("anomalies: none")
        .contains("invariants: 5 of 5 hold")
        .contains("history depth 64");
  }

  @Test
  void run_storeAppliesCompareAndSetThenReportsConflict_reportsFailedButApplied() {
    Store broken = new FaultyStores.ConflictAfterApply(memory, 5);

    WorkloadResult r = workload(Duration.ofSeconds(1)).casRegisters(2, 2).build().run(broken);

    assertThat(r.valid()).as(r.summary()).isFalse();
    assertThat(anomalies(r)).containsKey(Anomaly.Kind.FAILED_BUT_APPLIED);
    assertThat(r.violations())
        .as("a counter ahead of its acknowledged and unknown increments")
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v.name()).startsWith("counter cas."));
    assertThat(r.summary()).startsWith("INVALID: ").contains("FAILED_BUT_APPLIED");
  }

  @Test
  void run_storeWritesUnconditionalValuesTwice_reportsStoredTwice() {
    Store broken = new FaultyStores.DoubleWrite(memory);

    WorkloadResult r = workload(Duration.ofSeconds(1)).uniqueWrites(2).build().run(broken);

    assertThat(r.valid()).as(r.summary()).isFalse();
    assertThat(anomalies(r)).containsKey(Anomaly.Kind.STORED_TWICE);
    assertThat(r.summary()).contains("STORED_TWICE");
  }

  @Test
  void run_storeAcknowledgesHalfAppliedBatches_violatesTransferTotal() {
    Store broken = new FaultyStores.HalfBatches(memory, 3);

    WorkloadResult r = workload(Duration.ofSeconds(1)).atomicTransfers(2, 4).build().run(broken);

    assertThat(r.valid()).as(r.summary()).isFalse();
    assertThat(r.violations()).extracting(InvariantCheck::name).containsExactly("transfer total");
    assertThat(r.report().valid()).as("an acknowledged put that is not stored").isFalse();
  }

  @Test
  void run_storeAppliesWritesThenReportsOutcomeUnknown_isValidAndRetiresEachProcess() {
    Store flaky = new FaultyStores.UnknownAfterApply(memory, 7);

    WorkloadResult r =
        workload(Duration.ofSeconds(1))
            .casRegisters(2, 2)
            .uniqueWrites(1)
            .creates(1)
            .conditionalDeletes(1)
            .build()
            .run(flaky);

    assertThat(r.valid()).as(r.summary()).isTrue();
    assertThat(r.report().unknown()).isPositive();
    Map<Integer, List<Op>> byProcess = new HashMap<>();
    for (Op op : r.history().operations()) {
      byProcess.computeIfAbsent(op.process(), p -> new ArrayList<>()).add(op);
    }
    byProcess.forEach(
        (process, ops) -> {
          ops.sort(Comparator.comparingLong(Op::invokedAt));
          for (int i = 0; i < ops.size() - 1; i++) {
            assertThat(ops.get(i).outcome())
                .as("process %d continues after %s", process, ops.get(i))
                .isNotEqualTo(Op.Outcome.UNKNOWN);
            assertThat(ops.get(i).completedAt())
                .as("process %d overlaps %s and %s", process, ops.get(i), ops.get(i + 1))
                .isLessThanOrEqualTo(ops.get(i + 1).invokedAt());
          }
        });
  }

  @Test
  void run_storeWithoutAtomicBatches_skipsTransfersAndStaysValid() {
    Store noBatches = new FaultyStores.NoBatches(memory);

    WorkloadResult r =
        workload(Duration.ofMillis(500))
            .casRegisters(1, 1)
            .atomicTransfers(2, 4)
            .build()
            .run(noBatches);

    assertThat(r.valid()).as(r.summary()).isTrue();
    assertThat(r.skippedParts())
        .containsOnlyKeys(WorkloadPart.ATOMIC_TRANSFERS)
        .containsValue("the store does not support atomic batches");
    assertThat(r.invariants()).extracting(InvariantCheck::name).doesNotContain("transfer total");
    assertThat(r.summary()).contains("skipped: {ATOMIC_TRANSFERS=");
  }

  @Test
  void run_writeHangingPastGracePeriod_isRecordedUnknownAndTheRunEnds() {
    FaultyStores.HangingWrite hanging = new FaultyStores.HangingWrite(memory, 5);
    try {
      long start = System.nanoTime();

      WorkloadResult r =
          workload(Duration.ofMillis(500))
              .gracePeriod(Duration.ofMillis(300))
              .uniqueWrites(1)
              .build()
              .run(hanging);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(r.pendingAtStop()).isEqualTo(1);
      assertThat(r.history().operations())
          .filteredOn(op -> op.outcome() == Op.Outcome.UNKNOWN)
          .singleElement()
          .satisfies(op -> assertThat(op.reason()).contains("still pending"));
      assertThat(r.valid()).as(r.summary()).isTrue();
      assertThat(r.summary()).contains("pending at stop: 1");
    } finally {
      hanging.release();
    }
  }

  @Test
  void run_databaseNotEmpty_throwsIllegalStateNamingTheDatabaseAndKey() {
    memory.write(Record.of("leftover", "x"), WriteOptions.builder().database("jepsen").build());
    Workload w = workload(Duration.ofMillis(100)).casRegisters(1, 1).build();

    assertThatThrownBy(() -> w.run(memory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "database \"jepsen\" is not empty (it holds key \"leftover\"): the workload needs a"
                + " fresh database");
  }
}
