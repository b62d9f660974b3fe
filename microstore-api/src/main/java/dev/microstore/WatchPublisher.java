package dev.microstore;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * {@link Store#changes(WatchOptions)}: a cold publisher whose every subscription is a watch of its
 * own, made with {@link Store#watch(WatchOptions, WatchListener)} only, so every store has it.
 *
 * <p>The watch's listener waits, on the watch's delivery thread, until the subscriber has demand,
 * so a subscriber that requests nothing holds up only its own watch, which then stops taking
 * changes once its buffer is full. The wait ends on demand, on cancel, on an error and when the
 * thread is interrupted (a store interrupts its delivery threads when it closes).
 *
 * <p>Signals to the subscriber are serialised by a flag under {@link WatchSubscription#lock}: at
 * most one thread signals at a time, and a terminal {@code onError} raised while another signal is
 * in progress (request(0) from another thread, a watch error) is signalled by the thread that
 * finishes that signal.
 */
final class WatchPublisher implements Flow.Publisher<ChangeEvent> {
  private final Store store;
  private final WatchOptions options;

  WatchPublisher(Store store, WatchOptions options) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChangeEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    new WatchSubscription(subscriber).begin();
  }

  @Override
  public String toString() {
    return "changes of " + store + " with " + options;
  }

  /** One subscription: a watch whose listener hands events to the subscriber on demand. */
  private final class WatchSubscription implements Flow.Subscription, WatchListener {
    private final Flow.Subscriber<? super ChangeEvent> subscriber;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demandOrEnd = lock.newCondition();

    /** Events requested and not yet signalled. */
    private long demand;

    /** No event is signalled any more: cancelled, or a terminal error is pending or signalled. */
    private boolean cancelled;

    /** A thread is signalling the subscriber. */
    private boolean signalling;

    /** The terminal error to signal, once no other signal is in progress. */
    private @Nullable Throwable terminal;

    /** The terminal error was signalled (or is being). */
    private boolean terminated;

    /** The running watch, once started and until closed. */
    private @Nullable Watch watch;

    WatchSubscription(Flow.Subscriber<? super ChangeEvent> subscriber) {
      this.subscriber = subscriber;
    }

    /** Signals onSubscribe, then starts the watch unless the subscriber cancelled. */
    void begin() {
      lock.lock();
      try {
        signalling = true;
      } finally {
        lock.unlock();
      }
      try {
        subscriber.onSubscribe(this);
      } catch (RuntimeException subscriberFailure) {
        cancel(); // rule 2.13: a subscriber that throws is considered cancelled
      } finally {
        endSignal();
      }
      if (isCancelled()) {
        return;
      }
      if (options.includeInitial() || options.fromRevision().isPresent()) {
        // the initial records (and, in some stores, the revisions to catch up) may be delivered on
        // the thread calling watch, waiting for demand: not on the subscriber's thread
        Thread starter = new Thread(this::start, "microstore-watch-start");
        starter.setDaemon(true);
        starter.start();
      } else {
        start(); // before subscribe returns, so every later change is delivered
      }
    }

    private void start() {
      Watch w;
      try {
        w = store.watch(options, this);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      boolean closeNow;
      lock.lock();
      try {
        closeNow = cancelled;
        if (!closeNow) {
          watch = w;
        }
      } finally {
        lock.unlock();
      }
      if (closeNow) {
        w.close();
      }
    }

    // ------------------------------------------------------------ the watch's listener

    @Override
    public void onEvent(ChangeEvent event) {
      boolean interrupted = false;
      lock.lock();
      try {
        while (demand == 0 && !cancelled) {
          demandOrEnd.await();
        }
        if (cancelled) {
          return;
        }
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        signalling = true;
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        lock.unlock();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
        fail(
            new StoreException(
                "the watch of database \""
                    + event.database()
                    + "\" stopped: its delivery thread was interrupted (the store may have been"
                    + " closed) while it waited for demand; revision "
                    + event.revision()
                    + " and later were not delivered"));
        return;
      }
      try {
        subscriber.onNext(event);
      } catch (RuntimeException subscriberFailure) {
        cancel(); // rule 2.13
      } finally {
        endSignal();
      }
    }

    @Override
    public void onInitialDataDone() {
      // not signalled: the initial records are ordinary PUT events
    }

    @Override
    public void onError(StoreException error) {
      fail(error);
    }

    // ------------------------------------------------------------ the subscription

    @Override
    public void request(long n) {
      if (n <= 0) {
        fail(
            new IllegalArgumentException(
                "request("
                    + n
                    + ") is invalid: a subscriber requests at least 1 event (Reactive Streams"
                    + " rule 3.9)"));
        return;
      }
      lock.lock();
      try {
        if (!cancelled) {
          long sum = demand + n;
          demand = sum < 0 ? Long.MAX_VALUE : sum;
          demandOrEnd.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void cancel() {
      Watch w;
      lock.lock();
      try {
        if (cancelled) {
          return;
        }
        cancelled = true;
        w = watch;
        watch = null;
        demandOrEnd.signalAll();
      } finally {
        lock.unlock();
      }
      if (w != null) {
        w.close();
      }
    }

    // ------------------------------------------------------------ signalling

    private boolean isCancelled() {
      lock.lock();
      try {
        return cancelled;
      } finally {
        lock.unlock();
      }
    }

    /** Ends the subscription with an error, signalled now or when the signal in progress ends. */
    private void fail(Throwable error) {
      Watch w;
      lock.lock();
      try {
        if (cancelled) {
          return;
        }
        cancelled = true;
        terminal = error;
        w = watch;
        watch = null;
        demandOrEnd.signalAll();
      } finally {
        lock.unlock();
      }
      if (w != null) {
        w.close();
      }
      signalTerminalIfIdle();
    }

    private void endSignal() {
      lock.lock();
      try {
        signalling = false;
      } finally {
        lock.unlock();
      }
      signalTerminalIfIdle();
    }

    private void signalTerminalIfIdle() {
      Throwable error;
      lock.lock();
      try {
        if (signalling || terminated || terminal == null) {
          return;
        }
        terminated = true;
        signalling = true;
        error = terminal;
      } finally {
        lock.unlock();
      }
      try {
        subscriber.onError(error);
      } catch (RuntimeException subscriberFailure) {
        // rule 2.13: nothing follows a terminal signal anyway
      }
    }
  }
}
