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
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Watches (feature {@link StoreFeature#WATCH}): changes arrive in revision order, the current
 * records first when asked and then an explicit end of the initial data, narrowed to a table and a
 * prefix, from other stores of the same backend too, and nothing after close. A watch resumes from
 * a revision without loss or repeats, or ends with a {@link WatchGapException} when the database no
 * longer holds a revision it needs (or was deleted); a slow listener delays only its own watch, and
 * a small buffer loses nothing. The reactive form, {@link Store#changes}, honours demand, cancel
 * and the rules of Reactive Streams the kit checks.
 */
@SuppressWarnings("try") // a watch is kept open by its try-with-resources block
abstract class WatchTests extends KitTests {
  private static final Duration WAIT = Duration.ofSeconds(20);

  WatchTests(StoreContract kit) {
    super(kit);
  }

  /** Records every callback, in order, as text and events, and keeps the errors. */
  static class Recorder implements WatchListener {
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

  /** The key's history as {@code OP@revision}, or why it cannot be read (for failure messages). */
  private String historyOrWhyNot(String db, String key) {
    try {
      return store().history(key, from(db)).stream()
          .map(e -> e.op() + "@" + e.revision())
          .collect(Collectors.toList())
          .toString();
    } catch (RuntimeException e) {
      return "unreadable (" + e + ")";
    }
  }

  private static WatchOptions.Builder watching(String db) {
    return WatchOptions.builder().database(db);
  }

  /** Waits until the watch delivered at least {@code n} events. */
  private static void awaitEvents(Recorder r, int n) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(r.events()).as("events delivered").hasSizeGreaterThanOrEqualTo(n));
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
      // a and b are written again below: in a store keeping one revision per key a watch that has
      // not delivered a revision yet may skip it once a newer one replaced it (the latest state
      // always arrives; see docs/semantics.md), so each is delivered before it is replaced
      awaitEvents(r, 2);
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
      // each change is delivered before the next replaces it (one revision per key may be kept)
      long first = other.write(Record.of("k", "1"), to(db));
      awaitEvents(r, 1);
      long second = other.write(Record.of("k", "2"), to(db));
      awaitEvents(r, 2);
      other.delete("k", deleteFrom(db));

      try {
        awaitSummary(r, "initial-done", "PUT k=1", "PUT k=2", "DELETE k");
      } catch (AssertionError missing) {
        // tell a change the watch lost from one the database never held
        throw new AssertionError(
            missing.getMessage()
                + "\nthe writes returned revisions "
                + first
                + " and "
                + second
                + "; the watch delivered "
                + r.events().stream()
                    .map(e -> e.op() + "@" + e.revision())
                    .collect(Collectors.toList())
                + "; the database's history of k: "
                + historyOrWhyNot(db, "k"),
            missing);
      }
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

  // ------------------------------------------------------------ resuming from a revision

  @Test
  void watch_fromRevision_afterTheLastSeen_deliversExactlyTheMissedChangesThenLiveOnes() {
    assumeFeature(StoreFeature.WATCH);
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder first = new Recorder();
    long lastSeen;
    try (Watch w = store().watch(watching(db).build(), first)) {
      store().write(Record.of("a", "1"), to(db));
      store().write(Record.of("b", "1"), to(db));
      awaitSummary(first, "initial-done", "PUT a=1", "PUT b=1");
      lastSeen = first.events().get(1).revision();
    }
    long a2 = store().write(Record.of("a", "2"), to(db));
    long c1 = store().write(Record.of("c", "1"), to(db));
    store().delete("b", deleteFrom(db));
    Recorder resumed = new Recorder();

    try (Watch w = store().watch(watching(db).fromRevision(lastSeen + 1).build(), resumed)) {
      awaitSummary(resumed, "initial-done", "PUT a=2", "PUT c=1", "DELETE b");
      long d1 = store().write(Record.of("d", "1"), to(db));

      awaitSummary(resumed, "initial-done", "PUT a=2", "PUT c=1", "DELETE b", "PUT d=1");
      List<ChangeEvent> events = resumed.events();
      assertThat(events).extracting(ChangeEvent::revision).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(0).revision()).isEqualTo(a2);
      assertThat(events.get(0).record().orElseThrow().revision()).isEqualTo(a2);
      assertThat(events.get(1).revision()).isEqualTo(c1);
      assertThat(events.get(3).revision()).isEqualTo(d1);
      assertThat(events.get(2).revision()).isGreaterThan(c1).isLessThan(d1);
    }
  }

  @Test
  void watch_fromRevision_withTableAndPrefix_deliversOnlyMatchingKeys() {
    assumeFeature(StoreFeature.WATCH);
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    long from = store().write(Record.of("q1", "x"), to(db, "t"));
    store().write(Record.of("p1", "x"), to(db, "u"));
    store().write(Record.of("p1", "x"), to(db));
    store().write(Record.of("t_q2", "x"), to(db));
    store().write(Record.of("p1", "yes"), to(db, "t"));
    store().write(Record.of("p2", "yes"), to(db, "t"));
    Recorder r = new Recorder();

    try (Watch w =
        store().watch(watching(db).table("t").prefix("p").fromRevision(from).build(), r)) {
      awaitSummary(r, "initial-done", "PUT p1=yes", "PUT p2=yes");
      store().write(Record.of("q3", "x"), to(db, "t"));
      store().write(Record.of("p3", "x"), to(db));
      store().write(Record.of("p3", "yes"), to(db, "t"));

      awaitSummary(r, "initial-done", "PUT p1=yes", "PUT p2=yes", "PUT p3=yes");
      assertThat(r.events()).extracting(ChangeEvent::key).containsExactly("p1", "p2", "p3");
    }
  }

  @Test
  void watch_fromRevision_beyondTheCurrentRevision_waitsForLiveChanges() {
    assumeFeature(StoreFeature.WATCH);
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.of("old", "1"), to(db));
    long current = store().write(Record.of("older", "1"), to(db));
    Recorder r = new Recorder();

    try (Watch w = store().watch(watching(db).fromRevision(current + 1).build(), r)) {
      long next = store().write(Record.of("new", "1"), to(db));

      awaitSummary(r, "initial-done", "PUT new=1");
      assertThat(r.events().get(0).revision()).isEqualTo(next);
    }
  }

  @Test
  void watchOptions_includeInitialWithFromRevision_andBufferSizesOutOfRange_areRejected() {
    assertThatThrownBy(() -> WatchOptions.builder().includeInitial().fromRevision(3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("includeInitial")
        .hasMessageContaining("fromRevision");
    assertThatThrownBy(() -> WatchOptions.builder().bufferSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bufferSize");
    assertThatThrownBy(() -> WatchOptions.builder().bufferSize(WatchOptions.MAX_BUFFER_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bufferSize");
    assertThatThrownBy(() -> WatchOptions.builder().fromRevision(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fromRevision");
  }

  @Test
  void watch_fromARevisionNoLongerHeld_endsWithAGap_andFromTheLowestHeldDeliversEverything() {
    assumeFeature(StoreFeature.WATCH);
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    int depth = factory().historyDepth();
    long r1 = store().write(Record.of("a", "0"), to(db));
    long r2 = store().write(Record.of("b", "1"), to(db));
    List<Long> overwrites = new ArrayList<>();
    for (int i = 1; i <= depth; i++) {
      // the key a now has one revision more than the database keeps: r1 is gone
      overwrites.add(store().write(Record.of("a", String.valueOf(i)), to(db)));
    }
    Recorder gapped = new Recorder();
    Recorder fromLowest = new Recorder();

    try (Watch g = store().watch(watching(db).fromRevision(r1).build(), gapped);
        Watch w = store().watch(watching(db).fromRevision(r2).build(), fromLowest)) {
      await().atMost(WAIT).until(() -> gapped.errors().size() == 1);
      StoreException error = gapped.errors().get(0);
      assertThat(error)
          .isInstanceOf(WatchGapException.class)
          .hasMessageContaining(db)
          .hasMessageContaining(String.valueOf(r1))
          .hasMessageContaining(String.valueOf(r2));
      assertThat(((WatchGapException) error).firstMissedRevision()).isEqualTo(r1);
      assertThat(((WatchGapException) error).database()).isEqualTo(db);

      long live = store().write(Record.of("c", "1"), to(db));
      List<Long> expected = new ArrayList<>();
      expected.add(r2);
      expected.addAll(overwrites);
      expected.add(live);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(fromLowest.events())
                      .extracting(ChangeEvent::revision)
                      .containsExactlyElementsOf(expected));
      assertThat(fromLowest.events().get(0).key()).isEqualTo("b");
      assertThat(fromLowest.events().get(depth).record().orElseThrow().valueAsString())
          .isEqualTo(String.valueOf(depth));
      assertThat(fromLowest.errors()).isEmpty();
      assertThat(gapped.events()).isEmpty();
      assertThat(gapped.errors()).hasSize(1);
    }
  }

  // ------------------------------------------------------------ slow listeners and buffers

  @Test
  void watch_aSlowListener_delaysOnlyItsOwnWatch() throws InterruptedException {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    Recorder slow =
        new Recorder() {
          @Override
          public void onEvent(ChangeEvent event) {
            blocked.countDown();
            try {
              release.await(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.onEvent(event);
          }
        };
    Recorder fast = new Recorder();

    try (Watch a = store().watch(watching(db).build(), slow);
        Watch b = store().watch(watching(db).build(), fast)) {
      try {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String key = String.format(Locale.ROOT, "k%02d", i);
          keys.add(key);
          store().write(Record.of(key, "v"), to(db));
        }

        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> assertThat(fast.events()).extracting(ChangeEvent::key).isEqualTo(keys));
        assertThat(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(slow.events()).isEmpty();

        release.countDown();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> assertThat(slow.events()).extracting(ChangeEvent::key).isEqualTo(keys));
        assertThat(slow.events()).extracting(ChangeEvent::revision).isSorted();
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void watch_withASmallBuffer_andARandomlySlowListener_deliversEveryChangeInOrderOnce() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Random random = new Random(42);
    Recorder slow =
        new Recorder() {
          @Override
          public void onEvent(ChangeEvent event) {
            int pace;
            synchronized (random) {
              pace = random.nextInt(4);
            }
            if (pace == 0) {
              LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
            } else if (pace == 1) {
              Thread.yield();
            }
            super.onEvent(event);
          }
        };
    List<String> keys = new ArrayList<>();

    try (Watch w = store().watch(watching(db).bufferSize(4).build(), slow)) {
      for (int i = 0; i < 500; i++) {
        String key = String.format(Locale.ROOT, "k%03d", i);
        keys.add(key);
        store().write(Record.of(key, "v" + i), to(db));
      }

      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(slow.events()).hasSizeGreaterThanOrEqualTo(500));
      assertThat(slow.events()).extracting(ChangeEvent::key).isEqualTo(keys);
      assertThat(slow.events())
          .extracting(ChangeEvent::revision)
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(slow.errors()).isEmpty();
    }
  }

  // ------------------------------------------------------------ the reactive form

  /** A Flow subscriber that records its signals and whether two ever overlapped. */
  static final class FlowRecorder implements Flow.Subscriber<ChangeEvent> {
    private final List<ChangeEvent> events = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final AtomicBoolean inSignal = new AtomicBoolean();
    private volatile boolean overlapped;
    private volatile int subscribed;
    private volatile boolean completed;
    private volatile Flow.@Nullable Subscription subscription;

    private void enter() {
      if (!inSignal.compareAndSet(false, true)) {
        overlapped = true;
      }
    }

    private void exit() {
      inSignal.set(false);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      enter();
      subscribed++;
      subscription = s;
      exit();
    }

    @Override
    public void onNext(ChangeEvent item) {
      enter();
      synchronized (this) {
        events.add(item);
      }
      exit();
    }

    @Override
    public void onError(Throwable throwable) {
      enter();
      synchronized (this) {
        errors.add(throwable);
      }
      exit();
    }

    @Override
    public void onComplete() {
      completed = true;
    }

    Flow.Subscription subscription() {
      Flow.Subscription s = subscription;
      assertThat(s).as("onSubscribe was signalled").isNotNull();
      return java.util.Objects.requireNonNull(s);
    }

    synchronized List<String> keys() {
      return events.stream().map(ChangeEvent::key).collect(Collectors.toList());
    }

    synchronized List<ChangeEvent> events() {
      return new ArrayList<>(events);
    }

    synchronized List<Throwable> errors() {
      return new ArrayList<>(errors);
    }

    void assertWellBehaved() {
      assertThat(subscribed).as("onSubscribe calls").isEqualTo(1);
      assertThat(overlapped).as("signals overlapped").isFalse();
      assertThat(completed).as("completed").isFalse();
    }
  }

  /** Writes a key and waits until a plain watch of the database has seen it. */
  private void writeSeenBy(Recorder witness, String db, String key) {
    long rev = store().write(Record.of(key, "v"), to(db));
    await().atMost(WAIT).until(() -> witness.events().stream().anyMatch(e -> e.revision() == rev));
  }

  @Test
  void changes_requestOne_deliversExactlyOneEventUntilTheNextRequest() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder witness = new Recorder();
    FlowRecorder sub = new FlowRecorder();

    try (Watch w = store().watch(watching(db).build(), witness)) {
      store().changes(watching(db).build()).subscribe(sub);
      try {
        writeSeenBy(witness, db, "a");
        writeSeenBy(witness, db, "b");
        writeSeenBy(witness, db, "c");
        assertThat(sub.keys()).isEmpty();

        sub.subscription().request(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("a"));
        writeSeenBy(witness, db, "d");
        assertThat(sub.keys()).containsExactly("a");

        sub.subscription().request(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("a", "b"));
        writeSeenBy(witness, db, "e");
        assertThat(sub.keys()).containsExactly("a", "b");

        sub.subscription().request(2);
        await()
            .atMost(WAIT)
            .untilAsserted(() -> assertThat(sub.keys()).containsExactly("a", "b", "c", "d"));
        writeSeenBy(witness, db, "f");
        assertThat(sub.keys()).containsExactly("a", "b", "c", "d");
        assertThat(sub.errors()).isEmpty();
        sub.assertWellBehaved();
      } finally {
        sub.subscription().cancel();
      }
    }
  }

  @Test
  void changes_requestMax_deliversEverything_andInitialRecordsAreOrdinaryPuts() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("x", "1"), to(db));
    store().write(Record.of("y", "1"), to(db));
    FlowRecorder sub = new FlowRecorder();

    store().changes(watching(db).includeInitial().build()).subscribe(sub);
    try {
      sub.subscription().request(Long.MAX_VALUE);
      sub.subscription().request(Long.MAX_VALUE); // demand adds up without overflowing
      await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("x", "y"));
      List<String> expected = new ArrayList<>(List.of("x", "y"));
      for (int i = 0; i < 20; i++) {
        String key = "k" + i;
        expected.add(key);
        store().write(Record.of(key, "v"), to(db));
      }

      await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).isEqualTo(expected));
      assertThat(sub.events()).extracting(ChangeEvent::op).containsOnly(ChangeEvent.Op.PUT);
      assertThat(sub.events()).extracting(ChangeEvent::revision).isSorted();
      assertThat(sub.errors()).isEmpty();
      sub.assertWellBehaved();
    } finally {
      sub.subscription().cancel();
    }
  }

  @Test
  void changes_cancel_stopsDelivery_andIsIdempotent() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder witness = new Recorder();
    FlowRecorder sub = new FlowRecorder();

    try (Watch w = store().watch(watching(db).build(), witness)) {
      store().changes(watching(db).build()).subscribe(sub);
      sub.subscription().request(Long.MAX_VALUE);
      writeSeenBy(witness, db, "a");
      await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("a"));

      sub.subscription().cancel();
      sub.subscription().cancel();
      sub.subscription().request(5);
      writeSeenBy(witness, db, "b");
      writeSeenBy(witness, db, "c");

      assertThat(sub.keys()).containsExactly("a");
      assertThat(sub.errors()).isEmpty();
      sub.assertWellBehaved();
    }
  }

  @Test
  void changes_requestZero_endsWithIllegalArgumentException_andNothingAfter() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    Recorder witness = new Recorder();
    FlowRecorder sub = new FlowRecorder();

    try (Watch w = store().watch(watching(db).build(), witness)) {
      store().changes(watching(db).build()).subscribe(sub);
      sub.subscription().request(1);
      writeSeenBy(witness, db, "a");
      await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("a"));

      sub.subscription().request(0);
      await().atMost(WAIT).until(() -> sub.errors().size() == 1);
      assertThat(sub.errors().get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3.9");
      sub.subscription().request(10);
      writeSeenBy(witness, db, "b");

      assertThat(sub.keys()).containsExactly("a");
      assertThat(sub.errors()).hasSize(1);
      sub.assertWellBehaved();
    }
  }

  @Test
  void changes_subscribeWithNull_throwsNullPointerException() {
    assumeFeature(StoreFeature.WATCH);
    Flow.Publisher<ChangeEvent> p = store().changes(watching(newDatabase()).build());

    assertThatThrownBy(() -> p.subscribe(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void changes_ofADatabaseThatIsDeleted_endsWithAWatchGapException() {
    assumeFeature(StoreFeature.WATCH);
    String db = newDatabase();
    store().write(Record.of("seed", "s"), to(db));
    FlowRecorder sub = new FlowRecorder();

    store().changes(watching(db).build()).subscribe(sub);
    sub.subscription().request(Long.MAX_VALUE);
    store().write(Record.of("a", "1"), to(db));
    await().atMost(WAIT).untilAsserted(() -> assertThat(sub.keys()).containsExactly("a"));
    store().deleteDatabase(db);

    await().atMost(WAIT).until(() -> sub.errors().size() == 1);
    assertThat(sub.errors().get(0)).isInstanceOf(WatchGapException.class);
    sub.assertWellBehaved();
  }
}
