package dev.microstore.tck.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder checks each setting at once, naming the bad value and the rule. */
class WorkloadBuilderTest {

  private static WorkloadBuilder valid() {
    return Workload.builder().database("jepsen").casRegisters(1, 1);
  }

  @Test
  void build_withDefaults_hasDocumentedSettings() {
    Workload w = valid().build();

    assertThat(w.database()).isEqualTo("jepsen");
    assertThat(w.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.gracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.seed()).isZero();
    assertThat(w.ratePerThread()).isEqualTo(100);
    assertThat(w.checkBudgetPerKey()).isEmpty();
    assertThat(w.threads(WorkloadPart.CAS_REGISTERS)).isEqualTo(1);
    assertThat(w.threads(WorkloadPart.ATOMIC_TRANSFERS)).isZero();
  }

  @Test
  void build_copiesSettings_soTheBuilderCanBeReused() {
    WorkloadBuilder b = valid().uniqueWrites(2);
    Workload first = b.build();

    Workload second = b.uniqueWrites(0).creates(3).duration(Duration.ofSeconds(1)).build();

    assertThat(first.threads(WorkloadPart.UNIQUE_WRITES)).isEqualTo(2);
    assertThat(first.threads(WorkloadPart.CREATES)).isZero();
    assertThat(first.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(second.threads(WorkloadPart.UNIQUE_WRITES)).isZero();
    assertThat(second.threads(WorkloadPart.CREATES)).isEqualTo(3);
  }

  @Test
  void database_empty_throwsNamingTheRule() {
    assertThatThrownBy(() -> Workload.builder().database(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("database must not be empty: \"\" (name a fresh database)");
  }

  @Test
  void duration_zero_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().duration(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be positive: PT0S");
  }

  @Test
  void duration_negative_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().duration(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be positive: PT-1S");
  }

  @Test
  void gracePeriod_negative_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().gracePeriod(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gracePeriod must not be negative: PT-0.005S");
  }

  @Test
  void gracePeriod_zero_isAllowed() {
    assertThat(valid().gracePeriod(Duration.ZERO).build().gracePeriod()).isZero();
  }

  @Test
  void ratePerThread_negative_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().ratePerThread(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ratePerThread must not be negative (0 for no limit): -1");
  }

  @Test
  void checkBudgetPerKey_zero_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().checkBudgetPerKey(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkBudgetPerKey must be positive: PT0S");
  }

  @Test
  void casRegisters_negativeThreads_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().casRegisters(-1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("casRegisters threads must be 0 (off) to 256: -1");
  }

  @Test
  void bulkWrites_tooManyThreads_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().bulkWrites(257))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bulkWrites threads must be 0 (off) to 256: 257");
  }

  @Test
  void casRegisters_noKeys_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().casRegisters(4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("casRegisters keys must be 1 to 1000: 0");
  }

  @Test
  void uniqueWrites_tooManyKeys_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().uniqueWrites(1, 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uniqueWrites keys must be 1 to 1000: 1001");
  }

  @Test
  void asyncWrites_nothingInFlight_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().asyncWrites(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("asyncWrites maxInFlight must be 1 to 1000: 0");
  }

  @Test
  void atomicTransfers_oneAccount_throwsNamingTheValue() {
    assertThatThrownBy(() -> Workload.builder().atomicTransfers(1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("atomicTransfers accounts must be 2 to 1000: 1");
  }

  @Test
  void build_withoutDatabase_throwsIllegalState() {
    assertThatThrownBy(() -> Workload.builder().casRegisters(1, 1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("database is not set: name a fresh database with database(String)");
  }

  @Test
  void build_withoutThreads_throwsIllegalState() {
    assertThatThrownBy(() -> Workload.builder().database("jepsen").creates(0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no part has threads: enable at least one, for example casRegisters(4, 3)");
  }
}
