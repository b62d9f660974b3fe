package dev.microstore.nats;

import dev.microstore.ChangeEvent;
import dev.microstore.StoreException;
import dev.microstore.WatchListener;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The live events of one watch on their way to its listener: a bounded queue, drained one callback
 * at a time by a task of the store's delivery pool, apart from every other watch.
 *
 * <p>The stream follower offers events on its dispatcher thread and never waits: when the queue
 * reaches its size, {@link #offer} answers false and the follower pauses (it drops its consumer, so
 * the server sends nothing more); once the listener has taken half of the queue, the delivery
 * resumes the follower, which continues after the last event it offered. A failure ends the queue:
 * the events before it are delivered, then {@link WatchListener#onError}, then nothing.
 *
 * <p>Thread-safe.
 */
final class WatchDelivery {
  /** What resumes the source of events after a pause. */
  interface Source {
    void resume();
  }

  private final WatchListener listener;
  private final Executor executor;
  private final int size;
  private final Runnable onFailed;

  // guarded by queue
  private final ArrayDeque<ChangeEvent> queue = new ArrayDeque<>();
  private @Nullable StoreException failure;
  private @Nullable Source source;
  private boolean started;
  private boolean draining;
  private boolean paused;
  private boolean closed;

  /**
   * @param size the most events held for the listener
   * @param onFailed runs after the listener heard of a failure (the watch ends)
   */
  WatchDelivery(WatchListener listener, Executor executor, int size, Runnable onFailed) {
    this.listener = listener;
    this.executor = executor;
    this.size = size;
    this.onFailed = onFailed;
  }

  /** The follower to resume after a pause; set before it can pause. */
  void source(Source s) {
    synchronized (queue) {
      this.source = s;
    }
  }

  /**
   * Queues a live event.
   *
   * @return false when the queue is now full: the source must pause until resumed
   */
  boolean offer(ChangeEvent e) {
    boolean schedule;
    boolean full;
    synchronized (queue) {
      if (closed || failure != null) {
        return true;
      }
      queue.add(e);
      if (queue.size() >= size) {
        paused = true;
      }
      full = paused;
      schedule = startDrain();
    }
    if (schedule) {
      schedule();
    }
    return !full;
  }

  /** Ends the watch with a failure, delivered after the events queued before it. */
  void fail(StoreException e) {
    boolean schedule;
    synchronized (queue) {
      if (closed || failure != null) {
        return;
      }
      failure = e;
      schedule = startDrain();
    }
    if (schedule) {
      schedule();
    }
  }

  /** Starts delivering, once the listener has heard that the initial data is done. */
  void start() {
    boolean schedule;
    synchronized (queue) {
      started = true;
      schedule = startDrain();
    }
    if (schedule) {
      schedule();
    }
  }

  /** Stops delivering; nothing queued is delivered afterwards. */
  void close() {
    synchronized (queue) {
      closed = true;
      queue.clear();
    }
  }

  /** Whether a drain task must be scheduled now. Holds the lock. */
  private boolean startDrain() {
    if (!started || draining || closed || (queue.isEmpty() && failure == null)) {
      return false;
    }
    draining = true;
    return true;
  }

  private void schedule() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException storeClosing) {
      synchronized (queue) {
        draining = false;
      }
    }
  }

  private void drain() {
    while (true) {
      ChangeEvent next;
      StoreException failed = null;
      Source resume = null;
      synchronized (queue) {
        next = closed ? null : queue.poll();
        if (next == null) {
          failed = closed ? null : failure;
          draining = false;
          if (failed != null) {
            closed = true;
          } else {
            return;
          }
        } else if (paused && queue.size() <= size / 2) {
          paused = false;
          resume = source;
        }
      }
      if (resume != null) {
        resume.resume();
      }
      if (failed != null) {
        try {
          listener.onError(failed);
        } catch (RuntimeException listenerFailure) {
          // the watch is over either way
        }
        onFailed.run();
        return;
      }
      try {
        listener.onEvent(next);
      } catch (RuntimeException listenerFailure) {
        // a failing listener must not stop the watch
      }
    }
  }
}
