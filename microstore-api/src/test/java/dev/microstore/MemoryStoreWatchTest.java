package dev.microstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the in-memory store's watches do beyond the conformance kit: where callbacks run, how a
 * watch that fell behind catches up or ends with a gap, and what the gap says.
 */
@SuppressWarnings("try") // a watch is kept open by its try-with-resources block
class MemoryStoreWatchTest {
  private static final long WAIT_MS = 10_000;

  private final Store store = Stores.inMemory().build();

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** Records events, errors and the threads of the callbacks; may block in onEvent. */
  static class Listener implements WatchListener {
    final List<ChangeEvent> events = new ArrayList<>();
    final List<StoreException> errors = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    volatile @Nullable CountDownLatch gate;
    final CountDownLatch blocked = new CountDownLatch(1);

    @Override
    public void onEvent(ChangeEvent event) {
      CountDownLatch g = gate;
      if (g != null) {
        blocked.countDown();
        try {
          g.await(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (this) {
        events.add(event);
        threads.add(Thread.currentThread());
      }
    }

    @Override
    public synchronized void onInitialDataDone() {
      threads.add(Thread.currentThread());
    }

    @Override
    public synchronized void onError(StoreException error) {
      errors.add(error);
    }

    synchronized List<String> keys() {
      List<String> out = new ArrayList<>();
      for (ChangeEvent e : events) {
        out.add(
            e.op() == ChangeEvent.Op.PUT
                ? e.key() + "=" + e.record().orElseThrow().valueAsString()
                : e.op() + " " + e.key());
      }
      return out;
    }

    synchronized List<StoreException> errors() {
      return new ArrayList<>(errors);
    }

    synchronized List<Thread> threads() {
      return new ArrayList<>(threads);
    }
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " did not happen within " + WAIT_MS + " ms");
      }
      Thread.yield();
    }
  }

  private static WriteOptions to(String db) {
    return WriteOptions.builder().database(db).build();
  }

  @Test
  void initialRecordsAndTheirEnd_areDeliveredOnTheCallingThread_liveChangesOnAStoreThread() {
    store.write(Record.of("x", "1"));
    store.write(Record.of("y", "1"));
    Listener l = new Listener();

    try (Watch w = store.watch(WatchOptions.builder().includeInitial().build(), l)) {
      assertThat(l.keys()).containsExactly("x=1", "y=1");
      assertThat(l.threads()).hasSize(3).containsOnly(Thread.currentThread());
      store.write(Record.of("z", "1"));

      waitFor("the live change", () -> l.keys().size() == 3);
      assertThat(l.threads().get(3)).isNotSameAs(Thread.currentThread());
    }
  }

  @Test
  void aGap_namesTheDatabaseTheRevisionTheLowestHeldOneAndWhatToDo() {
    long r1 = store.write(Record.of("a", "1"), to("orders"));
    long r2 = store.write(Record.of("b", "1"), to("orders"));
    store.write(Record.of("a", "2"), to("orders")); // history 1: r1 is gone
    Listener l = new Listener();

    try (Watch w =
        store.watch(WatchOptions.builder().database("orders").fromRevision(r1).build(), l)) {
      waitFor("the gap", () -> l.errors().size() == 1);
    }

    WatchGapException gap = (WatchGapException) l.errors().get(0);
    assertThat(gap.database()).isEqualTo("orders");
    assertThat(gap.firstMissedRevision()).isEqualTo(r1);
    assertThat(gap.getMessage())
        .contains("database \"orders\" no longer holds revision " + r1)
        .contains("the lowest revision it holds is " + r2)
        .contains("history depth of 1")
        .contains("includeInitial")
        .contains("from revision " + r2);
    assertThat(l.events).isEmpty();
  }

  @Test
  void fromARevisionBeyondTheCurrentOne_deliversOnlyChangesFromIt() {
    long current = store.write(Record.of("a", "1"));
    Listener l = new Listener();

    try (Watch w = store.watch(WatchOptions.builder().fromRevision(current + 2).build(), l)) {
      store.write(Record.of("b", "1"));
      store.write(Record.of("c", "1"));
      store.write(Record.of("d", "1"));

      waitFor("c and d", () -> l.keys().size() == 2);
      assertThat(l.keys()).containsExactly("c=1", "d=1");
    }
  }

  @Test
  void fromARevision_ofADatabaseThatDoesNotExistYet_waitsForIt() {
    Listener l = new Listener();

    try (Watch w =
        store.watch(WatchOptions.builder().database("later").fromRevision(1).build(), l)) {
      store.write(Record.of("a", "1"), to("later"));

      waitFor("a", () -> l.keys().size() == 1);
      assertThat(l.errors()).isEmpty();
    }
  }

  @Test
  void aCatchUp_overManyChangesOfOtherKeys_endsLive_inSteps() {
    Store deep = Stores.inMemory().history(2).build();
    try {
      long from = deep.write(Record.of("watched", "0"));
      for (int i = 0; i < MemoryStore.CATCH_UP_STEP * 2 + 10; i++) {
        deep.write(Record.of("other" + i, "x"));
      }
      deep.write(Record.of("watched", "1"));
      Listener l = new Listener();

      try (Watch w =
          deep.watch(
              WatchOptions.builder().prefix("watched").fromRevision(from).bufferSize(1).build(),
              l)) {
        waitFor("the kept changes", () -> l.keys().size() == 2);
        deep.write(Record.of("watched", "2"));

        waitFor("the live change", () -> l.keys().size() == 3);
        assertThat(l.keys()).containsExactly("watched=0", "watched=1", "watched=2");
      }
    } finally {
      deep.close();
    }
  }

  @Test
  void aWatchBehindItsBuffer_whoseNextRevisionIsOverwritten_endsWithAGapAfterWhatItHeld()
      throws InterruptedException {
    Listener l = new Listener();
    CountDownLatch release = new CountDownLatch(1);
    l.gate = release;

    try (Watch w = store.watch(WatchOptions.builder().bufferSize(1).build(), l)) {
      store.write(Record.of("k", "1"));
      try {
        assertThat(l.blocked.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
        store.write(Record.of("k", "2")); // queued: the buffer is full
        long r3 = store.write(Record.of("k", "3")); // not queued: the watch is behind
        store.write(Record.of("k", "4")); // history 1: r3 is gone
        release.countDown();

        waitFor("the gap", () -> l.errors().size() == 1);
        assertThat(l.keys()).containsExactly("k=1", "k=2");
        assertThat(((WatchGapException) l.errors().get(0)).firstMissedRevision()).isEqualTo(r3);
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aDatabaseDeletedWhileAWatchIsBehind_isAGapFromTheFirstRevisionNotQueued()
      throws InterruptedException {
    Listener l = new Listener();
    CountDownLatch release = new CountDownLatch(1);
    l.gate = release;

    try (Watch w = store.watch(WatchOptions.builder().database("d").bufferSize(1).build(), l)) {
      store.write(Record.of("a", "1"), to("d"));
      try {
        assertThat(l.blocked.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
        store.write(Record.of("b", "1"), to("d"));
        long r3 = store.write(Record.of("c", "1"), to("d"));
        store.write(Record.of("e", "1"), to("d"));
        store.deleteDatabase("d");
        release.countDown();

        waitFor("the gap", () -> l.errors().size() == 1);
        assertThat(l.keys()).containsExactly("a=1", "b=1");
        WatchGapException gap = (WatchGapException) l.errors().get(0);
        assertThat(gap.firstMissedRevision()).isEqualTo(r3);
        assertThat(gap.getMessage()).contains("database \"d\" was deleted");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aCatchUp_deliversDeletes_inRevisionOrder() {
    Store deep = Stores.inMemory().history(4).build();
    try {
      long from = deep.write(Record.of("a", "1"));
      deep.delete("a");
      deep.write(Record.of("b", "1"));
      Listener l = new Listener();

      try (Watch w = deep.watch(WatchOptions.builder().fromRevision(from).build(), l)) {
        waitFor("the kept changes", () -> l.keys().size() == 3);
        assertThat(l.keys()).containsExactly("a=1", "DELETE a", "b=1");
        assertThat(l.events).extracting(ChangeEvent::revision).isSorted().doesNotHaveDuplicates();
      }
    } finally {
      deep.close();
    }
  }
}
