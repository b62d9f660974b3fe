package dev.microstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WatchPublisher}, the reactive form of a watch, against a store that only records its
 * watches (so the test decides on which thread and when events arrive) and against the in-memory
 * store.
 */
class WatchPublisherTest {
  private static final long WAIT_MS = 10_000;

  private final FakeStore fake = new FakeStore();
  private final Store memory = Stores.inMemory().build();

  @AfterEach
  void closeStore() {
    memory.close();
  }

  /** A store whose watches only record their listener and whether they were closed. */
  static final class FakeStore {
    final List<WatchListener> listeners = new ArrayList<>();
    final List<Thread> watchThreads = new ArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile @Nullable RuntimeException failure;
    volatile @Nullable CountDownLatch blockWatch;

    final Store store =
        (Store)
            Proxy.newProxyInstance(
                Store.class.getClassLoader(),
                new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("toString")) {
                    return "fake store";
                  }
                  if (!method.getName().equals("watch")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  RuntimeException f = failure;
                  if (f != null) {
                    throw f;
                  }
                  WatchListener l = (WatchListener) args[1];
                  synchronized (this) {
                    listeners.add(l);
                    watchThreads.add(Thread.currentThread());
                  }
                  CountDownLatch block = blockWatch;
                  if (block != null) {
                    block.await();
                  }
                  Watch w = closes::incrementAndGet;
                  return w;
                });

    synchronized int watches() {
      return listeners.size();
    }

    synchronized WatchListener listener() {
      return listeners.get(0);
    }

    synchronized Thread watchThread() {
      return watchThreads.get(0);
    }
  }

  /** Records the signals, and whether two overlapped or one came before onSubscribe. */
  static class Subscriber implements Flow.Subscriber<ChangeEvent> {
    final List<Object> signals = new ArrayList<>();
    private final AtomicBoolean inSignal = new AtomicBoolean();
    volatile boolean overlapped;
    volatile Flow.@Nullable Subscription subscription;

    void enter() {
      if (!inSignal.compareAndSet(false, true)) {
        overlapped = true;
      }
    }

    void exit() {
      inSignal.set(false);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      enter();
      record("subscribed");
      subscription = s;
      exit();
    }

    @Override
    public void onNext(ChangeEvent item) {
      enter();
      record(item.key());
      exit();
    }

    @Override
    public void onError(Throwable throwable) {
      enter();
      record(throwable);
      exit();
    }

    @Override
    public void onComplete() {
      record("complete");
    }

    synchronized void record(Object signal) {
      signals.add(signal);
    }

    synchronized List<Object> signals() {
      return new ArrayList<>(signals);
    }

    synchronized @Nullable Throwable error() {
      for (Object s : signals) {
        if (s instanceof Throwable) {
          return (Throwable) s;
        }
      }
      return null;
    }

    Flow.Subscription subscription() {
      Flow.Subscription s = subscription;
      assertThat(s).isNotNull();
      return java.util.Objects.requireNonNull(s);
    }
  }

  private static ChangeEvent put(String key, long revision) {
    return new ChangeEvent(
        ChangeEvent.Op.PUT, "db", key, revision, Record.builder(key).value("v").build());
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + " did not happen within " + WAIT_MS + " ms");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** Delivers an event as a store's delivery thread would, on a thread of its own. */
  private static Thread deliver(WatchListener l, ChangeEvent e) {
    Thread t = new Thread(() -> l.onEvent(e), "delivery-" + e.key());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitBlocked(Thread t) {
    waitFor(t.getName() + " waiting", () -> t.getState() == Thread.State.WAITING);
  }

  @Test
  void subscribe_null_throwsNullPointerException() {
    WatchPublisher p = new WatchPublisher(fake.store, WatchOptions.defaults());

    assertThatThrownBy(() -> p.subscribe(null)).isInstanceOf(NullPointerException.class);
    assertThat(fake.watches()).isZero();
  }

  @Test
  void onSubscribe_comesFirst_thenTheWatchStarts_beforeSubscribeReturns() {
    Subscriber s =
        new Subscriber() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            assertThat(fake.watches()).isZero();
            super.onSubscribe(sub);
          }
        };

    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);

    assertThat(s.signals()).containsExactly("subscribed");
    assertThat(fake.watches()).isEqualTo(1);
    assertThat(fake.watchThread()).isSameAs(Thread.currentThread());
  }

  @Test
  void theListener_waitsForDemand_onTheDeliveryThread_andDeliversExactlyWhatWasRequested()
      throws InterruptedException {
    Subscriber s = new Subscriber();
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    WatchListener l = fake.listener();

    Thread a = deliver(l, put("a", 1));
    awaitBlocked(a);
    assertThat(s.signals()).containsExactly("subscribed");
    s.subscription().request(2);
    a.join(WAIT_MS);
    l.onEvent(put("b", 2)); // demand left: does not wait
    Thread c = deliver(l, put("c", 3));
    awaitBlocked(c);

    assertThat(s.signals()).containsExactly("subscribed", "a", "b");
    s.subscription().request(Long.MAX_VALUE);
    s.subscription().request(Long.MAX_VALUE);
    c.join(WAIT_MS);
    l.onEvent(put("d", 4));
    assertThat(s.signals()).containsExactly("subscribed", "a", "b", "c", "d");
    assertThat(s.overlapped).isFalse();
  }

  @Test
  void cancel_endsTheWaitForDemand_closesTheWatchOnce_andNothingFollows()
      throws InterruptedException {
    Subscriber s = new Subscriber();
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    WatchListener l = fake.listener();
    Thread a = deliver(l, put("a", 1));
    awaitBlocked(a);

    s.subscription().cancel();
    a.join(WAIT_MS);
    s.subscription().cancel();
    s.subscription().request(3);
    l.onEvent(put("b", 2));
    l.onError(new StoreException("late"));

    assertThat(a.isAlive()).isFalse();
    assertThat(fake.closes.get()).isEqualTo(1);
    assertThat(s.signals()).containsExactly("subscribed");
  }

  @Test
  void anInterruptedWaitForDemand_endsTheSubscriptionWithAStoreException()
      throws InterruptedException {
    Subscriber s = new Subscriber();
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    Thread a = deliver(fake.listener(), put("a", 7));
    awaitBlocked(a);

    a.interrupt();
    a.join(WAIT_MS);

    assertThat(a.isAlive()).isFalse();
    assertThat(s.error()).isInstanceOf(StoreException.class).hasMessageContaining("revision 7");
    assertThat(s.signals()).hasSize(2);
    assertThat(fake.closes.get()).isEqualTo(1);
  }

  @Test
  void requestZeroOrNegative_isOnErrorIllegalArgumentException_closingTheWatch() {
    for (long n : new long[] {0, -1, Long.MIN_VALUE}) {
      Subscriber s = new Subscriber();
      FakeStore f = new FakeStore();
      new WatchPublisher(f.store, WatchOptions.defaults()).subscribe(s);

      s.subscription().request(n);
      s.subscription().request(n);
      f.listener().onEvent(put("a", 1));

      assertThat(s.signals()).hasSize(2);
      assertThat(s.error())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("request(" + n + ")")
          .hasMessageContaining("3.9");
      assertThat(f.closes.get()).isEqualTo(1);
    }
  }

  @Test
  void requestZero_whileOnNextRuns_isSignalledAfterOnNextReturns() throws InterruptedException {
    CountDownLatch inOnNext = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Subscriber s =
        new Subscriber() {
          @Override
          public void onNext(ChangeEvent item) {
            enter();
            inOnNext.countDown();
            try {
              finish.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            record(item.key());
            exit();
          }
        };
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    s.subscription().request(1);
    Thread a = deliver(fake.listener(), put("a", 1));
    assertThat(inOnNext.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();

    s.subscription().request(0);
    assertThat(s.signals()).containsExactly("subscribed");
    finish.countDown();
    a.join(WAIT_MS);

    assertThat(s.signals()).hasSize(3).element(1).isEqualTo("a");
    assertThat(s.error()).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.overlapped).isFalse();
  }

  @Test
  void requestZero_insideOnNextOrOnSubscribe_isSignalledAfterItReturns() {
    Subscriber inNext =
        new Subscriber() {
          @Override
          public void onNext(ChangeEvent item) {
            super.onNext(item);
            subscription().request(0);
          }
        };
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(inNext);
    inNext.subscription().request(5);
    fake.listener().onEvent(put("a", 1));
    fake.listener().onEvent(put("b", 2));

    assertThat(inNext.signals()).hasSize(3).element(1).isEqualTo("a");
    assertThat(inNext.error()).isInstanceOf(IllegalArgumentException.class);
    assertThat(inNext.overlapped).isFalse();

    FakeStore f = new FakeStore();
    Subscriber inSubscribe =
        new Subscriber() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            super.onSubscribe(sub);
            sub.request(-5);
          }
        };
    new WatchPublisher(f.store, WatchOptions.defaults()).subscribe(inSubscribe);

    assertThat(inSubscribe.signals()).hasSize(2).first().isEqualTo("subscribed");
    assertThat(inSubscribe.error()).isInstanceOf(IllegalArgumentException.class);
    assertThat(inSubscribe.overlapped).isFalse();
    assertThat(f.watches()).as("no watch after the subscription ended").isZero();
  }

  @Test
  void aWatchError_isOnError_andAFailingWatchStart_too() {
    Subscriber s = new Subscriber();
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    WatchGapException gap = new WatchGapException("db", 3, "gone");

    fake.listener().onInitialDataDone();
    fake.listener().onError(gap);

    assertThat(s.signals()).containsExactly("subscribed", gap);

    Subscriber refused = new Subscriber();
    FakeStore f = new FakeStore();
    f.failure = new IllegalStateException("store closed");
    new WatchPublisher(f.store, WatchOptions.defaults()).subscribe(refused);

    assertThat(refused.signals()).hasSize(2).first().isEqualTo("subscribed");
    assertThat(refused.error()).isSameAs(f.failure);
  }

  @Test
  void cancelInOnSubscribe_startsNoWatch() {
    Subscriber s =
        new Subscriber() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            super.onSubscribe(sub);
            sub.cancel();
          }
        };

    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);

    assertThat(fake.watches()).isZero();
    assertThat(s.signals()).containsExactly("subscribed");
  }

  @Test
  void aSubscriberThatThrows_isConsideredCancelled() {
    Subscriber s =
        new Subscriber() {
          @Override
          public void onNext(ChangeEvent item) {
            super.onNext(item);
            throw new IllegalStateException("subscriber bug");
          }
        };
    new WatchPublisher(fake.store, WatchOptions.defaults()).subscribe(s);
    s.subscription().request(10);

    fake.listener().onEvent(put("a", 1));
    fake.listener().onEvent(put("b", 2));

    assertThat(s.signals()).containsExactly("subscribed", "a");
    assertThat(fake.closes.get()).isEqualTo(1);
  }

  @Test
  void withInitialRecordsOrFromARevision_theWatchStartsOnAnotherThread_soSubscribeNeverBlocks()
      throws InterruptedException {
    for (WatchOptions o :
        List.of(
            WatchOptions.builder().includeInitial().build(),
            WatchOptions.builder().fromRevision(5).build())) {
      FakeStore f = new FakeStore();
      CountDownLatch block = new CountDownLatch(1);
      f.blockWatch = block; // as a store delivering its initial records waiting for demand
      Subscriber s = new Subscriber();

      new WatchPublisher(f.store, o).subscribe(s);

      waitFor("the watch started", () -> f.watches() == 1);
      assertThat(f.watchThread()).isNotSameAs(Thread.currentThread());
      s.subscription().cancel();
      block.countDown();
      waitFor("the late watch closed", () -> f.closes.get() == 1);
      assertThat(s.signals()).containsExactly("subscribed");
    }
  }

  // ------------------------------------------------------------ with the in-memory store

  @Test
  void memory_aSubscriberWithoutDemand_holdsUpOnlyItsWatch_whichCatchesUpWithASmallBuffer() {
    Subscriber s = new Subscriber();
    memory.changes(WatchOptions.builder().bufferSize(4).build()).subscribe(s);
    List<Object> expected = new ArrayList<>(List.of("subscribed"));
    for (int i = 0; i < 200; i++) {
      String key = String.format(java.util.Locale.ROOT, "k%03d", i);
      expected.add(key);
      memory.write(Record.of(key, "v"));
    }
    assertThat(s.signals()).containsExactly("subscribed");

    s.subscription().request(Long.MAX_VALUE);

    waitFor("every event", () -> s.signals().size() == expected.size());
    assertThat(s.signals()).isEqualTo(expected);
    assertThat(s.overlapped).isFalse();
  }

  @Test
  void memory_closingTheStore_endsAListenerWaitingForDemand() {
    Subscriber s = new Subscriber();
    memory.changes(WatchOptions.defaults()).subscribe(s);
    memory.write(Record.of("a", "v"));
    waitFor(
        "the delivery thread waiting for demand",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .anyMatch(
                    t ->
                        t.getName().startsWith("microstore-memory-watch-")
                            && t.getState() == Thread.State.WAITING));

    memory.close();

    waitFor("onError", () -> s.error() != null);
    assertThat(s.error()).isInstanceOf(StoreException.class).hasMessageContaining("interrupted");
    assertThat(s.signals()).hasSize(2);
  }

  @Test
  void memory_theInitialRecords_areOrdinaryPuts_withoutAMarker() {
    memory.write(Record.of("x", "1"));
    memory.write(Record.of("y", "1"));
    Subscriber s = new Subscriber();

    memory.changes(WatchOptions.builder().includeInitial().build()).subscribe(s);
    s.subscription().request(2);
    waitFor("the initial records", () -> s.signals().size() == 3);
    memory.write(Record.of("z", "1"));
    memory.write(Record.of("w", "1"));
    s.subscription().request(1);

    waitFor("the live change", () -> s.signals().size() == 4);
    assertThat(s.signals()).containsExactly("subscribed", "x", "y", "z");
  }
}
