package dev.microstore.testing.history;

import static dev.microstore.testing.history.Op.Kind.CAS_DELETE;
import static dev.microstore.testing.history.Op.Kind.CAS_WRITE;
import static dev.microstore.testing.history.Op.Kind.CREATE;
import static dev.microstore.testing.history.Op.Kind.DELETE;
import static dev.microstore.testing.history.Op.Kind.READ;
import static dev.microstore.testing.history.Op.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private final History h = new History();

  @Test
  void invokeAndComplete_recordsOperationsInInvocationOrderOnOneClock() {
    Invocation w = h.invoke(0, WRITE, "k", "a", -1);
    Invocation r = h.invoke(1, READ, "k", null, -1);
    r.ok(1, "a");
    w.ok(1);
    Invocation c = h.invoke(2, CAS_WRITE, "k", "b", 1);
    c.fail("conflict");
    h.invoke(3, DELETE, "k", null, -1).unknown("timeout");

    List<Op> ops = h.operations();

    assertThat(ops)
        .containsExactly(
            new Op(0, WRITE, "k", "a", -1, 1, 4, Op.Outcome.OK, 1, null, null),
            new Op(1, READ, "k", null, -1, 2, 3, Op.Outcome.OK, 1, "a", null),
            new Op(2, CAS_WRITE, "k", "b", 1, 5, 6, Op.Outcome.FAIL, 0, null, "conflict"),
            new Op(
                3,
                DELETE,
                "k",
                null,
                -1,
                7,
                Long.MAX_VALUE,
                Op.Outcome.UNKNOWN,
                0,
                null,
                "timeout"));
  }

  @Test
  void operationNeverCompleted_isReportedUnknown() {
    Invocation inv = h.invoke(0, CREATE, "k", "a", -1);

    assertThat(h.operations())
        .singleElement()
        .satisfies(
            op -> {
              assertThat(op.outcome()).isEqualTo(Op.Outcome.UNKNOWN);
              assertThat(op.completedAt()).isEqualTo(Long.MAX_VALUE);
              assertThat(op.reason()).isEqualTo("never completed");
            });
    assertThat(inv.op()).isEqualTo(h.operations().get(0));

    inv.ok(1);

    assertThat(inv.op().outcome()).isEqualTo(Op.Outcome.OK);
  }

  @Test
  void operations_isASnapshot() {
    h.invoke(0, WRITE, "k", "a", -1);
    List<Op> before = h.operations();

    h.invoke(0, WRITE, "k", "b", -1);

    assertThat(before).hasSize(1);
    assertThatThrownBy(() -> before.add(before.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void observeFinal_keepsTheVersionsByKey() {
    h.observeFinal("b", List.of(new Version(1, "x"), new Version(4, null)));
    h.observeFinal("a", List.of());

    Map<String, List<Version>> finals = h.finalVersions();

    assertThat(finals.keySet()).containsExactly("a", "b");
    assertThat(finals.get("b")).containsExactly(new Version(1, "x"), new Version(4, null));
    assertThat(finals.get("b").get(1).isDelete()).isTrue();
  }

  @Test
  void invoke_negativeProcess_isRejected() {
    assertThatThrownBy(() -> h.invoke(-1, READ, "k", null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("process must not be negative: -1");
  }

  @Test
  void invoke_emptyKey_isRejected() {
    assertThatThrownBy(() -> h.invoke(0, READ, "", null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be empty");
  }

  @Test
  void invoke_writeWithoutValue_isRejected() {
    assertThatThrownBy(() -> h.invoke(0, CREATE, "k", null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a CREATE needs a value: value is null");
  }

  @Test
  void invoke_deleteWithValue_isRejected() {
    assertThatThrownBy(() -> h.invoke(0, DELETE, "k", "a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a DELETE carries no value: value \"a\" must be null");
  }

  @Test
  void invoke_casWithoutExpectedRevision_isRejected() {
    assertThatThrownBy(() -> h.invoke(0, CAS_DELETE, "k", null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a CAS_DELETE needs an expected revision of at least 0 (0 meaning absent): -1");
  }

  @Test
  void invoke_expectedRevisionOnAnUnconditionalWrite_isRejected() {
    assertThatThrownBy(() -> h.invoke(0, WRITE, "k", "a", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a WRITE expects no revision: expected revision 3 must be -1");
  }

  @Test
  void invoke_valueWrittenTwiceToOneKey_isRejected() {
    h.invoke(0, WRITE, "k", "a", -1);
    h.invoke(0, WRITE, "other", "a", -1);

    assertThatThrownBy(() -> h.invoke(1, CAS_WRITE, "k", "a", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "value \"a\" was already written to key \"k\": each write must put a value unique to"
                + " its key");
  }

  @Test
  void complete_twice_isRejected() {
    Invocation inv = h.invoke(3, WRITE, "k", "a", -1);
    inv.unknown("timeout");

    assertThatThrownBy(() -> inv.ok(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "operation #0 (process 3, WRITE of key \"k\") was already completed: UNKNOWN, cannot"
                + " complete it OK");
  }

  @Test
  void ok_negativeRevision_isRejected() {
    Invocation inv = h.invoke(0, WRITE, "k", "a", -1);

    assertThatThrownBy(() -> inv.ok(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "operation #0 (process 0, WRITE of key \"k\"): revision must not be negative: -2");
  }

  @Test
  void ok_valueReadByAWrite_isRejected() {
    Invocation inv = h.invoke(0, WRITE, "k", "a", -1);

    assertThatThrownBy(() -> inv.ok(1, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "operation #0 (process 0, WRITE of key \"k\"): only a READ reads a value, valueRead"
                + " \"a\" must be null");
  }

  @Test
  void observeFinal_twice_isRejected() {
    h.observeFinal("k", List.of());

    assertThatThrownBy(() -> h.observeFinal("k", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the final versions of key \"k\" were already observed");
  }

  @Test
  void observeFinal_versionsNotOldestFirst_isRejected() {
    List<Version> versions = List.of(new Version(5, "a"), new Version(5, "b"));

    assertThatThrownBy(() -> h.observeFinal("k", versions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("versions of key \"k\" must be oldest first: revision 5 follows revision 5");
  }

  @Test
  void version_revisionBelowOne_isRejected() {
    assertThatThrownBy(() -> new Version(0, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a version's revision must be at least 1: 0");
  }

  @Test
  void concurrentRecording_losesNothingAndKeepsTheClockConsistent() throws Exception {
    int threads = 6;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int process = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    Invocation inv =
                        h.invoke(process, WRITE, "k" + (i % 3), "p" + process + "-" + i, -1);
                    if (i % 10 == 0) {
                      inv.unknown("timeout");
                    } else {
                      inv.ok(0);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Op> ops = h.operations();

    assertThat(ops).hasSize(threads * perThread);
    Set<Long> ticks = new HashSet<>();
    long lastInvoked = 0;
    for (Op op : ops) {
      assertThat(op.invokedAt()).isGreaterThan(lastInvoked);
      lastInvoked = op.invokedAt();
      assertThat(ticks.add(op.invokedAt())).isTrue();
      if (op.outcome() == Op.Outcome.OK) {
        assertThat(op.completedAt()).isGreaterThan(op.invokedAt());
        assertThat(ticks.add(op.completedAt())).isTrue();
      } else {
        assertThat(op.completedAt()).isEqualTo(Long.MAX_VALUE);
      }
    }
    assertThat(ops.stream().filter(op -> op.outcome() == Op.Outcome.UNKNOWN))
        .hasSize(threads * perThread / 10);
  }

  @Test
  void concurrentWorkloadOnALinearizableRegister_checksValid() throws Exception {
    int threads = 5;
    int perThread = 2_000;
    LockedRegisters store = new LockedRegisters();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int process = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  long lastSeen = 0;
                  for (int i = 0; i < perThread; i++) {
                    String key = "k" + (i % 2);
                    String value = "p" + process + "-" + i;
                    switch (i % 4) {
                      case 0:
                        {
                          Invocation inv = h.invoke(process, READ, key, null, -1);
                          LockedRegisters.Read read = store.read(key);
                          inv.ok(read.revision(), read.value());
                          lastSeen = read.revision();
                          break;
                        }
                      case 1:
                        {
                          Invocation inv = h.invoke(process, WRITE, key, value, -1);
                          inv.ok(store.write(key, value, -1));
                          break;
                        }
                      case 2:
                        {
                          Invocation inv = h.invoke(process, CAS_WRITE, key, value, lastSeen);
                          long revision = store.write(key, value, lastSeen);
                          if (revision < 0) {
                            inv.fail("conflict");
                          } else {
                            inv.ok(revision);
                          }
                          break;
                        }
                      default:
                        {
                          Invocation inv = h.invoke(process, DELETE, key, null, -1);
                          store.delete(key);
                          inv.ok(0);
                          break;
                        }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (String key : List.of("k0", "k1")) {
      h.observeFinal(key, store.versions(key));
    }

    Report report = Checker.check(h);

    assertThat(report.valid()).as(report.anomalies().toString()).isTrue();
    assertThat(report.operations()).isEqualTo(threads * perThread);
  }
}
