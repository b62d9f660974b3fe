package dev.microstore.testing.history;

import static dev.microstore.testing.history.Op.Kind.CAS_DELETE;
import static dev.microstore.testing.history.Op.Kind.CAS_WRITE;
import static dev.microstore.testing.history.Op.Kind.CREATE;
import static dev.microstore.testing.history.Op.Kind.DELETE;
import static dev.microstore.testing.history.Op.Kind.READ;
import static dev.microstore.testing.history.Op.Kind.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckerTest {

  private static final String K = "k";

  private final History h = new History();

  private Invocation read(int p) {
    return h.invoke(p, READ, K, null, -1);
  }

  private Invocation write(int p, String value) {
    return h.invoke(p, WRITE, K, value, -1);
  }

  private Invocation cas(int p, String value, long expected) {
    return h.invoke(p, CAS_WRITE, K, value, expected);
  }

  private Invocation create(int p, String value) {
    return h.invoke(p, CREATE, K, value, -1);
  }

  private Invocation delete(int p) {
    return h.invoke(p, DELETE, K, null, -1);
  }

  private Invocation casDelete(int p, long expected) {
    return h.invoke(p, CAS_DELETE, K, null, expected);
  }

  private void finalVersions(Version... versions) {
    h.observeFinal(K, List.of(versions));
  }

  private static Version v(long revision, String value) {
    return new Version(revision, value);
  }

  private Report assertValid() {
    Report report = Checker.check(h);
    assertThat(report.anomalies()).as(report.summary()).isEmpty();
    assertThat(report.valid()).isTrue();
    return report;
  }

  private Anomaly assertAnomaly(Anomaly.Kind kind) {
    Report report = Checker.check(h);
    assertThat(report.valid()).isFalse();
    assertThat(report.anomalies(kind)).as(report.anomalies().toString()).isNotEmpty();
    Anomaly anomaly = report.anomalies(kind).get(0);
    assertThat(anomaly.key()).isEqualTo(K);
    return anomaly;
  }

  @Nested
  class Accepts {

    @Test
    void sequentialWritesCasReadsAndDelete_isValid() {
      write(0, "a").ok(1);
      read(1).ok(1, "a");
      cas(0, "b", 1).ok(2);
      read(1).ok(2, "b");
      casDelete(1, 2).ok(0);
      read(0).ok(0, null);
      finalVersions(v(1, "a"), v(2, "b"), v(3, null));

      Report report = assertValid();

      assertThat(report.operations()).isEqualTo(6);
      assertThat(report.ok()).isEqualTo(6);
      assertThat(report.keys()).isEqualTo(1);
      assertThat(report.summary())
          .isEqualTo("6 operations (6 ok, 0 failed, 0 unknown), 1 key, 0 anomalies");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "b"})
    void overlappingWrites_eitherMayTakeEffectLast(String last) {
      Invocation a = write(0, "a");
      Invocation b = write(1, "b");
      String first = last.equals("a") ? "b" : "a";
      (last.equals("a") ? b : a).ok(1);
      (last.equals("a") ? a : b).ok(2);
      read(2).ok(2, last);
      finalVersions(v(1, first), v(2, last));

      assertValid();
    }

    @Test
    void writesCompletingInTheOtherOrderThanTheyTookEffect_isValid() {
      Invocation a = write(0, "a");
      Invocation b = write(1, "b");
      b.ok(1); // b completed first but took effect first too: a is the newer
      a.ok(2);
      read(2).ok(2, "a");

      assertValid();
    }

    @Test
    void casThatLostARace_failsWithAConflict() {
      write(0, "a").ok(1);
      read(1).ok(1, "a");
      read(2).ok(1, "a");
      Invocation winner = cas(1, "b", 1);
      Invocation loser = cas(2, "c", 1);
      winner.ok(2);
      loser.fail("conflict: key \"k\" has revision 2");
      read(0).ok(2, "b");
      finalVersions(v(1, "a"), v(2, "b"));

      assertValid();
    }

    @Test
    void unknownWriteThatTookEffect_isSeenLater() {
      write(0, "a").ok(1);
      write(1, "b").unknown("timeout");
      read(2).ok(2, "b");
      finalVersions(v(1, "a"), v(2, "b"));

      assertValid();
    }

    @Test
    void unknownWriteThatNeverTookEffect_isNeverSeen() {
      write(0, "a").ok(1);
      write(1, "b").unknown("timeout");
      read(2).ok(1, "a");
      finalVersions(v(1, "a"));

      assertValid();
    }

    @Test
    void unknownWriteSeenOnlyInTheFinalVersions_isValid() {
      write(0, "a").ok(1);
      cas(1, "b", 1).unknown("connection lost");
      write(0, "c").ok(3);
      read(2).ok(3, "c");
      finalVersions(v(1, "a"), v(2, "b"), v(3, "c"));

      assertValid();
    }

    @Test
    void operationNeverCompleted_countsAsUnknown() {
      write(0, "a").ok(1);
      write(1, "b"); // the process never came back
      read(2).ok(2, "b");

      Report report = assertValid();

      assertThat(report.unknown()).isEqualTo(1);
    }

    @Test
    void conflictExplainedOnlyByAnUnknownWriteNobodySaw_isValid() {
      write(0, "a").ok(1);
      read(1).ok(1, "a");
      write(0, "x").unknown("timeout"); // took effect at revision 2, then was overwritten
      cas(1, "b", 1).fail("conflict: key \"k\" has revision 2");
      write(0, "c").ok(3);
      read(1).ok(3, "c");

      assertValid();
    }

    @Test
    void conflictExplainedOnlyByAnUnknownDelete_isValid() {
      write(0, "a").ok(1);
      delete(1).unknown("timeout");
      cas(2, "b", 1).fail("conflict: key \"k\" is absent");

      assertValid();
    }

    @Test
    void readOfAbsentAfterADelete_isValid() {
      write(0, "a").ok(1);
      delete(1).ok(0);
      read(2).ok(0, null);
      finalVersions(v(1, "a"), v(2, null));

      assertValid();
    }

    @Test
    void createOverADeletedKey_succeeds() {
      write(0, "a").ok(1);
      delete(1).ok(0);
      create(2, "b").ok(3);
      read(0).ok(3, "b");
      create(1, "c").fail("conflict: key \"k\" was expected to be absent but has revision 3");
      finalVersions(v(1, "a"), v(2, null), v(3, "b"));

      assertValid();
    }

    @Test
    void casOnTheRevisionOfADeleteMarker_isValid() {
      write(0, "a").ok(1);
      delete(1).ok(0);
      cas(2, "b", 2).ok(3);
      read(0).ok(3, "b");
      finalVersions(v(1, "a"), v(2, null), v(3, "b"));

      assertValid();
    }

    @Test
    void casOnTheRevisionOfADeleteMarker_mayAlsoFail() {
      write(0, "a").ok(1);
      delete(1).ok(0);
      cas(2, "b", 2).fail("conflict: key \"k\" is absent");
      finalVersions(v(1, "a"), v(2, null));

      assertValid();
    }

    @Test
    void casOnARevisionNobodyObserved_mayHoldForAnUnknownWrite() {
      write(0, "a").ok(1);
      write(1, "x").unknown("timeout"); // revision 2, never seen
      cas(2, "b", 2).ok(3); // the workload learnt revision 2 elsewhere
      read(0).ok(3, "b");

      assertValid();
    }

    @Test
    void failureWithoutConflict_saysNothingAboutTheCondition() {
      write(0, "a").ok(1);
      cas(1, "b", 1).failWithoutConflict("permission denied");
      read(0).ok(1, "a");

      assertValid();
    }

    @Test
    void unknownReadsAndFailedWrites_areIgnored() {
      write(0, "a").ok(1);
      read(1).unknown("timeout");
      write(2, "b").fail("invalid value");
      read(0).ok(1, "a");

      assertValid();
    }

    @Test
    void keysAreCheckedSeparately() {
      h.invoke(0, WRITE, "x", "a", -1).ok(1);
      h.invoke(0, WRITE, "y", "a", -1).ok(2); // the same value on another key
      h.invoke(1, READ, "x", null, -1).ok(1, "a");
      h.invoke(1, READ, "y", null, -1).ok(2, "a");
      h.observeFinal("x", List.of(v(1, "a")));
      h.observeFinal("y", List.of(v(2, "a")));

      Report report = assertValid();

      assertThat(report.keys()).isEqualTo(2);
    }

    @Test
    void finalVersionsKeepingOnlyTheNewest_doNotLoseOlderWrites() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      write(0, "c").ok(3);
      finalVersions(v(3, "c"));

      assertValid();
    }
  }

  @Nested
  class Rejects {

    @Test
    void casThatFailedWithAConflict_yetItsValueIsRead() {
      write(0, "a").ok(1);
      cas(1, "b", 1).fail("conflict");
      read(2).ok(2, "b");

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.FAILED_BUT_APPLIED);

      assertThat(anomaly.description()).contains("\"b\"", "failed", "read by 1 read");
      assertThat(anomaly.operations()).extracting(Op::kind).containsExactly(CAS_WRITE, READ);
    }

    @Test
    void casThatFailedWithAConflict_yetItsValueIsInTheFinalVersions() {
      write(0, "a").ok(1);
      cas(1, "b", 1).fail("conflict");
      finalVersions(v(1, "a"), v(2, "b"));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.FAILED_BUT_APPLIED);

      assertThat(anomaly.description()).contains("stored at revision 2 of the final versions");
    }

    @Test
    void createOfAKeyNobodyElseWrites_failedYetItsValueIsStored() {
      create(0, "a").fail("conflict: key \"k\" was expected to be absent");
      finalVersions(v(1, "a"));

      assertAnomaly(Anomaly.Kind.FAILED_BUT_APPLIED);
    }

    @Test
    void casDeleteThatFailed_yetTheKeyIsDeletedInTheFinalVersions() {
      write(0, "a").ok(1);
      casDelete(1, 1).fail("conflict");
      finalVersions(v(1, "a"), v(2, null));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.FAILED_BUT_APPLIED);

      assertThat(anomaly.description()).contains("deleted at revision 2", "only delete failed");
      assertThat(anomaly.operations()).extracting(Op::kind).containsExactly(CAS_DELETE);
    }

    @Test
    void casDeleteThatFailed_yetTheKeyIsReadAbsent() {
      write(0, "a").ok(1);
      casDelete(1, 1).fail("conflict");
      read(2).ok(0, null);

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.FAILED_BUT_APPLIED);

      assertThat(anomaly.operations()).extracting(Op::kind).containsExactly(READ, CAS_DELETE);
    }

    @Test
    void writeStoredTwice() {
      write(0, "a").ok(1);
      finalVersions(v(1, "a"), v(2, "a"));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.STORED_TWICE);

      assertThat(anomaly.description()).contains("\"a\"", "2 revisions: 1, 2");
    }

    @Test
    void staleRead_afterAWriteCompleted() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      read(1).ok(1, "a");

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);

      assertThat(anomaly.description()).contains("p1 READ -> OK \"a\" revision 1");
    }

    @Test
    void twoSuccessfulCasFromTheSameExpectedRevision() {
      write(0, "a").ok(1);
      Invocation first = cas(1, "b", 1);
      Invocation second = cas(2, "c", 1);
      first.ok(2);
      second.ok(3);

      assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);
    }

    @Test
    void acknowledgedWriteMissingFromTheFinalVersions() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      write(0, "c").ok(3);
      finalVersions(v(1, "a"), v(3, "c"));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.ACKNOWLEDGED_WRITE_LOST);

      assertThat(anomaly.description()).contains("\"b\"", "revision 2 is missing");
    }

    @Test
    void acknowledgedWriteOverwrittenAtItsRevision() {
      write(0, "a").ok(1);
      finalVersions(v(1, "z"));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.ACKNOWLEDGED_WRITE_LOST);

      assertThat(anomaly.description()).contains("holds \"z\" instead");
    }

    @Test
    void sameRevisionReadWithDifferentValues() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      read(1).ok(2, "a");

      assertAnomaly(Anomaly.Kind.REVISION_MISMATCH);
    }

    @Test
    void conflictReportedWhileTheConditionHeld() {
      write(0, "a").ok(1);
      cas(1, "b", 1).fail("conflict");

      assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);
    }

    @Test
    void createSucceedingOnAPresentKey() {
      write(0, "a").ok(1);
      create(1, "b").ok(2);

      assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);
    }

    @Test
    void readOfAValueNobodyWrote() {
      read(0).ok(7, "ghost");

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);

      assertThat(anomaly.description()).contains("\"ghost\" was read but no operation put it");
    }

    @Test
    void valueReadBeforeItsWriteWasInvoked() {
      Invocation r = read(0);
      r.ok(1, "a"); // never mind how the workload knew
      write(1, "a").unknown("timeout");

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);

      assertThat(anomaly.description()).contains("before the operation putting it was invoked");
    }

    @Test
    void finalStateOlderThanAnAcknowledgedWrite() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      finalVersions(v(1, "a"));

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);

      assertThat(anomaly.description())
          .contains("the final versions (the key holding \"a\") cannot take effect");
      assertThat(Checker.check(h).anomalies(Anomaly.Kind.ACKNOWLEDGED_WRITE_LOST)).hasSize(1);
    }

    @Test
    void finalStateNotLeftByTheLastWrite() {
      write(0, "a").ok(1);
      write(0, "b").ok(2);
      finalVersions(v(1, "a"), v(2, "b"), v(3, "a-again")); // a value nobody wrote

      Anomaly anomaly = assertAnomaly(Anomaly.Kind.NOT_LINEARIZABLE);

      assertThat(anomaly.description()).contains("\"a-again\" was held at the end");
    }
  }

  @Nested
  class Simulated {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void linearizableStore_isValid(long seed) {
      History history =
          new SimulatedWorkload(seed, 4, 2, 0.05, SimulatedWorkload.Fault.NONE).run(3000);

      Report report = Checker.check(history);

      assertThat(report.valid()).as(report.anomalies().toString()).isTrue();
    }

    @Test
    void largeHistoryWithUnknownWrites_isCheckedQuickly() {
      SimulatedWorkload workload =
          new SimulatedWorkload(42, 5, 4, 0.02, SimulatedWorkload.Fault.NONE);
      History history = workload.run(50_000);

      long start = System.nanoTime();
      Report report = Checker.check(history);
      long millis = (System.nanoTime() - start) / 1_000_000;

      System.out.println(
          report.summary()
              + "; "
              + workload.unknownWrites()
              + " unknown writes; "
              + millis
              + " ms");
      assertThat(report.valid()).as(report.summary()).isTrue();
      assertThat(report.operations()).isEqualTo(50_000);
      assertThat(workload.unknownWrites()).isBetween(300, 800);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void staleReads_areFound(long seed) {
      History history =
          new SimulatedWorkload(seed, 4, 2, 0, SimulatedWorkload.Fault.STALE_READS).run(3000);

      Report report = Checker.check(history);

      assertThat(report.anomalies(Anomaly.Kind.NOT_LINEARIZABLE)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void spuriousConflicts_areFound(long seed) {
      History history =
          new SimulatedWorkload(seed, 4, 2, 0, SimulatedWorkload.Fault.SPURIOUS_CONFLICTS)
              .run(3000);

      Report report = Checker.check(history);

      assertThat(report.anomalies(Anomaly.Kind.NOT_LINEARIZABLE)).isNotEmpty();
    }
  }

  @Nested
  class Budget {

    @Test
    void keyExceedingItsBudget_isUndecidedAndNotValid() {
      History history =
          new SimulatedWorkload(9, 5, 1, 0.02, SimulatedWorkload.Fault.NONE).run(5_000);

      Report report = Checker.check(history, Duration.ofNanos(1));

      assertThat(report.anomalies()).isEmpty();
      assertThat(report.undecidedKeys()).containsExactly("key-0");
      assertThat(report.valid()).isFalse();
      assertThat(report.summary())
          .endsWith("; 1 key undecided within 0 ms per key (key \"key-0\")");
    }

    @Test
    void budgetMustBePositive() {
      assertThatThrownBy(() -> Checker.check(h, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("budget per key must be positive: PT0S");
    }
  }

  @Test
  void summary_countsAnomaliesByKindAndNamesTheirKeys() {
    write(0, "a").ok(1);
    read(1).ok(1, "a");
    h.invoke(0, WRITE, "other", "x", -1).ok(2);
    h.invoke(1, READ, "other", null, -1).ok(0, null); // stale: absent after x was written
    h.invoke(2, WRITE, "third", "y", -1).fail("refused");
    h.invoke(2, READ, "third", null, -1).unknown("timeout");

    Report report = Checker.check(h);

    assertThat(report.summary())
        .isEqualTo(
            "6 operations (4 ok, 1 failed, 1 unknown), 3 keys, 1 anomaly:"
                + " 1 NOT_LINEARIZABLE (key \"other\")");
    assertThat(report).hasToString(report.summary());
  }
}
