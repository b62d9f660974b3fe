package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.ChangeEvent;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * History (feature {@link StoreFeature#HISTORY}): the kept revisions of one key, oldest first,
 * deletes included, as deep as the database keeps them.
 */
abstract class HistoryTests extends KitTests {
  HistoryTests(StoreContract kit) {
    super(kit);
  }

  private static List<String> summary(List<ChangeEvent> events) {
    List<String> out = new ArrayList<>();
    for (ChangeEvent e : events) {
      out.add(e.op() + e.record().map(r -> "=" + r.valueAsString()).orElse(""));
    }
    return out;
  }

  private void assumeDepth(int depth) {
    assumeFeature(StoreFeature.HISTORY);
    assumeTrue(
        factory().historyDepth() >= depth,
        () -> "the factory's history depth " + factory().historyDepth() + " is below " + depth);
  }

  @Test
  void history_writesAndDeletes_oldestFirst_withTheRevisionsReadsSaw() {
    assumeDepth(4);
    String db = newDatabase();
    long r1 = store().write(Record.of("k", "v1"), to(db));
    long r2 = store().write(Record.of("k", "v2"), to(db));
    store().write(Record.of("other", "x"), to(db));
    store().delete("k", deleteFrom(db));
    long r4 = store().write(Record.of("k", "v3"), to(db));

    List<ChangeEvent> history = store().history("k", from(db));

    assertThat(summary(history)).containsExactly("PUT=v1", "PUT=v2", "DELETE", "PUT=v3");
    assertThat(history).extracting(ChangeEvent::key).containsOnly("k");
    assertThat(history).extracting(ChangeEvent::revision).isSorted().doesNotHaveDuplicates();
    assertThat(history.get(0).revision()).isEqualTo(r1);
    assertThat(history.get(1).revision()).isEqualTo(r2);
    assertThat(history.get(3).revision()).isEqualTo(r4);
    assertThat(history.get(3).record().orElseThrow().revision()).isEqualTo(r4);
  }

  @Test
  void history_limit_keepsTheNewestRevisions() {
    assumeDepth(3);
    String db = newDatabase();
    for (int i = 1; i <= 3; i++) {
      store().write(Record.of("k", "v" + i), to(db));
    }

    List<ChangeEvent> newest = store().history("k", read(db).limit(2).build());

    assertThat(summary(newest)).containsExactly("PUT=v2", "PUT=v3");
  }

  @Test
  void history_isBoundedByTheDepth_keepingTheNewest() {
    assumeFeature(StoreFeature.HISTORY);
    int depth = factory().historyDepth();
    String db = newDatabase();
    for (int i = 1; i <= depth + 2; i++) {
      store().write(Record.of("k", "v" + i), to(db));
    }

    List<ChangeEvent> history = store().history("k", from(db));

    assertThat(history).hasSize(depth);
    assertThat(summary(history)).last().isEqualTo("PUT=v" + (depth + 2));
  }

  @Test
  void history_ofAKeyInATable_isTheHistoryOfThePrefixedKey() {
    assumeDepth(2);
    String db = newDatabase();
    store().write(Record.of("k", "v1"), to(db, "t"));
    store().write(Record.of("t_k", "v2"), to(db));

    assertThat(summary(store().history("k", from(db, "t")))).containsExactly("PUT=v1", "PUT=v2");
    assertThat(store().history("k", from(db, "t"))).extracting(ChangeEvent::key).containsOnly("k");
  }

  @Test
  void history_ofAKeyNeverWritten_isEmpty_andAMissingDatabaseIsNotCreated() {
    assumeFeature(StoreFeature.HISTORY);
    String db = newDatabase();
    store().write(Record.of("other", "x"), to(db));
    String missing = newDatabase();

    assertThat(store().history("never", from(db))).isEmpty();
    assertThat(store().history("never", from(missing))).isEmpty();
    assertThat(databases()).doesNotContain(missing);
  }

  @Test
  void history_withPrefixSuffixOrOffset_isRejected() {
    assumeFeature(StoreFeature.HISTORY);
    String db = newDatabase();

    for (ReadOptions bad :
        List.of(read(db).prefix().build(), read(db).suffix().build(), read(db).offset(1).build())) {
      assertThatThrownBy(() -> store().history("k", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("history reads one exact key");
    }
  }
}
