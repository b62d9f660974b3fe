package dev.microstore.tck;

import static dev.microstore.tck.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ChangeEvent;
import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchGapException;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Watches (feature {@link StoreFeature#WATCH}): changes arrive in revision order, the current
 * records first when asked and then an explicit end of the initial data, narrowed to a table and a
 * prefix, from other stores of the same backend too, and nothing after close.
 */
@SuppressWarnings("try") // a watch is kept open by its try-with-resources block
abstract class WatchTests extends KitTests {
  private static final Duration WAIT = Duration.ofSeconds(20);

  WatchTests(StoreContract kit) {
    super(kit);
  }

  /** Records every callback, in order, as text and events, and keeps the errors. */
  static final class Recorder implements WatchListener {
    final List<Object> calls = new ArrayList<>();
    final List<StoreException> errors = new ArrayList<>();

    @Override
    public synchronized void onEvent(ChangeEvent event) {
      calls.add(event);
    }

    @Override
    public synchronized void onInitialDataDone() {
      calls.add("initial-done");
    }

    @Override
    public synchronized void onError(StoreException error) {
      calls.add("error: " + error.getMessage());
      errors.add(error);
    }

    synchronized List<StoreException> errors() {
      return new ArrayList<>(errors);
    }

    synchronized List<Object> calls() {
      return new ArrayList<>(calls);
    }

    synchronized List<ChangeEvent> events() {
      return calls.stream()
          .filter(c -> c instanceof ChangeEvent)
          .map(c -> (ChangeEvent) c)
          .collect(Collectors.toList());
    }

    /** Each call as {@code OP key=value} or {@code initial-done}. */
    synchronized List<String> summary() {
      List<String> out = new ArrayList<>();
      for (Object c : calls) {
        if (c instanceof ChangeEvent) {
          ChangeEvent e = (ChangeEvent) c;
          out.add(e.op() + " " + e.key() + e.record().map(r -> "=" + r.valueAsString()).orElse(""));
        } else {
          out.add(String.valueOf(c));
        }
      }
      return out;
    }
  }

  private static WatchOptions.Builder watching(String db) {
    return WatchOptions.builder().database(db);
  }

  private static void awaitSummary(Recorder r, String... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(r.summary()).containsExactly(expected));
  }

  @Test
  void watch_liveChanges_arriveInRevisionOrderWithTheirRecords() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).build(), r)) {
      long a1 = store().write(Record.of("a", "1"), to(db));
      long b1 = store().write(Record.of("b", "1"), to(db));
      long a2 =
          store()
              .write(
                  Record.builder("a").value("2").metadata(java.util.Map.of("m", 1L)).build(),
                  to(db));
      store().delete("b", deleteFrom(db));

      awaitSummary(r, "initial-done", "PUT a=1", "PUT b=1", "PUT a=2", "DELETE b");
      List<ChangeEvent> events = r.events();
      assertThat(events).extracting(ChangeEvent::revision).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(0).revision()).isEqualTo(a1);
      assertThat(events.get(1).revision()).isEqualTo(b1);
      assertThat(events.get(2).revision()).isEqualTo(a2);
      assertThat(events.get(2).record().orElseThrow().metadata()).containsEntry("m", 1L);
      assertThat(events.get(3).record()).isEmpty();
      assertThat(events).extracting(ChangeEvent::database).containsOnly(db);
    }
  }

  @Test
  void watch_includeInitial_deliversCurrentRecordsThenInitialDoneThenLiveChanges() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("x", "1"), to(db));
    store().write(Record.of("y", "1"), to(db));
    store().write(Record.of("gone", "1"), to(db));
    store().delete("gone", deleteFrom(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).includeInitial().build(), r)) {
      store().write(Record.of("z", "1"), to(db));

      awaitSummary(r, "PUT x=1", "PUT y=1", "initial-done", "PUT z=1");
    }
  }

  @Test
  void watch_withoutInitial_startsFromNow() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("old", "1"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).build(), r)) {
      store().write(Record.of("new", "1"), to(db));

      awaitSummary(r, "initial-done", "PUT new=1");
    }
  }

  @Test
  void watch_tableAndPrefix_narrowTheEvents_andKeysAreRelativeToTheTable() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).table("t").prefix("p").build(), r)) {
      store().write(Record.of("q1", "x"), to(db, "t"));
      store().write(Record.of("p1", "x"), to(db, "u"));
      store().write(Record.of("p1", "x"), to(db));
      store().write(Record.of("p1", "yes"), to(db, "t"));
      store().write(Record.of("p2", "yes"), to(db, "t"));

      awaitSummary(r, "initial-done", "PUT p1=yes", "PUT p2=yes");
    }
  }

  @Test
  void watch_seesChangesMadeThroughAnotherStore() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).build(), r);
        Store other = kit().openStore()) {
      other.write(Record.of("k", "1"), to(db));
      other.write(Record.of("k", "2"), to(db));
      other.delete("k", deleteFrom(db));

      awaitSummary(r, "initial-done", "PUT k=1", "PUT k=2", "DELETE k");
    }
  }

  @Test
  void watch_afterClose_deliversNothingMore() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder closedOne = new Recorder();
    Recorder witness = new Recorder();

    Watch first = store().watch(watching(db).build(), closedOne);
    store().write(Record.of("before", "1"), to(db));
    awaitSummary(closedOne, "initial-done", "PUT before=1");
    first.close();
    first.close();
    try (Watch second = store().watch(watching(db).build(), witness)) {
      store().write(Record.of("after", "1"), to(db));
      awaitSummary(witness, "initial-done", "PUT after=1");
    }

    assertThat(closedOne.summary()).containsExactly("initial-done", "PUT before=1");
  }

  @Test
  void watch_expiredRecord_isReportedAsExpire_onceReadsNoLongerSeeIt() {
    assumeFeature(StoreFeature.WATCH);
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).build(), r)) {
      store()
          .write(
              Record.of("k", "v"),
              WriteOptions.builder().database(db).ttl(Duration.ofSeconds(1)).build());

      // reading is what makes a store without server-side expiry notice and report it
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThatThrownBy(() -> store().read("k", from(db)))
                    .isInstanceOf(NotFoundException.class);
                assertThat(r.summary()).containsExactly("initial-done", "PUT k=v", "EXPIRE k");
              });
    }
  }

  @Test
  void watch_ofADatabaseThatIsDeleted_endsWithOnError_aGapFromTheNextRevision() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).build(), r)) {
      long seen = store().write(Record.of("k", "1"), to(db));
      awaitSummary(r, "initial-done", "PUT k=1");
      store().deleteDatabase(db);

      await().atMost(WAIT).until(() -> r.errors().size() == 1);
      assertThat(r.summary()).hasSize(3);
      StoreException error = r.errors().get(0);
      assertThat(error).isInstanceOf(WatchGapException.class).hasMessageContaining("was deleted");
      WatchGapException gap = (WatchGapException) error;
      assertThat(gap.database()).isEqualTo(db);
      if (supports(StoreFeature.REVISIONS)) {
        assertThat(r.events()).extracting(ChangeEvent::revision).containsExactly(seen);
        assertThat(gap.firstMissedRevision()).isGreaterThan(seen);
      }
    }
  }
}
