package dev.microstore;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The watches of an in-memory store. Live events are queued per watch while the database lock is
 * held, so they keep revision order, and delivered by a shared pool, one at a time per watch and on
 * one pool thread while the watch has events, so listeners never run under a store lock and a slow
 * listener delays only its own watch.
 *
 * <p>A watch holds at most its {@link WatchOptions#bufferSize()} events. When a live change finds
 * its queue full, the watch falls <em>behind</em>: it stops queueing and remembers the last
 * revision it has seen (every matching change up to it is queued). Once its listener has taken
 * every queued event, the delivery thread asks the database (its {@link Source}) to catch up: under
 * the database lock, the database queues the kept changes after that revision, at most a buffer's
 * worth, and when none is left the watch is live again, before the lock is released, so no change
 * is lost or repeated. A watch started {@link WatchOptions#fromRevision() from a revision} starts
 * behind. When the database no longer holds a revision the watch still needs, the watch ends with a
 * {@link WatchGapException}.
 */
final class MemoryWatches {
  /** A database that a watch which fell behind catches up from. */
  interface Source {
    /**
     * Queues the kept changes after the watch's {@linkplain Subscription#resumeAfter() cursor}, and
     * makes the watch live again when none is left, or ends it with a gap. Takes the database lock;
     * called on the watch's delivery thread.
     *
     * @param s the watch, behind and with an empty queue
     */
    void catchUp(Subscription s);
  }

  private final Map<String, List<Subscription>> byDatabase = new ConcurrentHashMap<>();
  private final ExecutorService delivery;

  MemoryWatches() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "microstore-memory-watch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.delivery = Executors.newCachedThreadPool(threads);
  }

  /**
   * One watch: its filter, its queue of events (and at most one error, last) and whether it is
   * live, behind or ended. The queue and the state are guarded by {@link #lock}, taken after the
   * database lock when both are needed.
   */
  final class Subscription implements Watch {
    final String database;
    final String scope;
    final String prefix;
    final WatchListener listener;
    final int bufferSize;
    private final Object lock = new Object();
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private int queuedEvents;
    private boolean draining;
    private boolean held;
    private boolean ended;
    private boolean behind;
    private long cursor;
    private long floor;
    private @Nullable Source source;
    private volatile boolean closed;

    Subscription(String database, String scope, String prefix, WatchListener listener, int size) {
      this.database = database;
      this.scope = scope;
      this.prefix = prefix;
      this.listener = listener;
      this.bufferSize = size;
    }

    /** The key relative to the watched table when it matches the filter, else null. */
    @Nullable String relative(String storedKey) {
      if (!storedKey.startsWith(scope)) {
        return null;
      }
      String rel = storedKey.substring(scope.length());
      return rel.startsWith(prefix) ? rel : null;
    }

    /**
     * Queues nothing for the listener until {@link #release()}: the caller delivers the initial
     * data on its own thread first. Called before the watch is registered.
     */
    void hold() {
      synchronized (lock) {
        held = true;
      }
    }

    /** Lets the delivery thread deliver what was queued while the initial data was delivered. */
    void release() {
      boolean start;
      synchronized (lock) {
        held = false;
        start = wake();
      }
      if (start) {
        execute();
      }
    }

    /** Delivers only changes with this revision or a later one. Called before registration. */
    void from(long revision) {
      synchronized (lock) {
        floor = revision;
      }
    }

    /**
     * Starts behind: the changes after {@code revision} are caught up from {@code db} by the
     * delivery thread. Called before registration, under the database lock.
     */
    void behind(long revision, Source db) {
      synchronized (lock) {
        behind = true;
        cursor = revision;
        floor = revision + 1;
        source = db;
      }
    }

    /** A live change of a matching key; the caller holds the database lock. */
    void live(ChangeEvent e, Source db) {
      boolean start;
      synchronized (lock) {
        if (closed || ended || behind || e.revision() < floor) {
          return;
        }
        if (queuedEvents >= bufferSize) {
          // every matching change before this one is queued: catch up after it once drained
          behind = true;
          cursor = e.revision() - 1;
          source = db;
        } else {
          pending.add(e);
          queuedEvents++;
        }
        start = wake();
      }
      if (start) {
        execute();
      }
    }

    /** The last revision whose changes are queued; the catch-up goes on after it. */
    long resumeAfter() {
      synchronized (lock) {
        return cursor;
      }
    }

    /**
     * Queues a kept change during a catch-up; the caller holds the database lock.
     *
     * @return whether the queue has room for more
     */
    boolean caughtUp(ChangeEvent e) {
      synchronized (lock) {
        pending.add(e);
        queuedEvents++;
        cursor = e.revision();
        return queuedEvents < bufferSize;
      }
    }

    /** Every kept change up to {@code revision} was looked at during a catch-up. */
    void skippedTo(long revision) {
      synchronized (lock) {
        cursor = Math.max(cursor, revision);
      }
    }

    /**
     * No kept change is left to catch up: live changes are queued again from now on. The caller
     * holds the database lock, so no change comes between.
     */
    void goLive() {
      synchronized (lock) {
        behind = false;
      }
    }

    /**
     * The first revision this watch has not queued, when the database is deleted at {@code
     * nextRevision}.
     */
    long firstMissed(long nextRevision) {
      synchronized (lock) {
        return behind ? cursor + 1 : Math.max(floor, nextRevision);
      }
    }

    /** Ends the watch with an error, delivered after the queued events. */
    void error(StoreException e) {
      boolean start;
      synchronized (lock) {
        if (closed || ended) {
          return;
        }
        ended = true;
        behind = false;
        pending.add(e);
        start = wake();
      }
      unregister();
      if (start) {
        execute();
      }
    }

    /** Whether the watch is over: closed, or its error is queued. */
    boolean isOver() {
      synchronized (lock) {
        return closed || ended;
      }
    }

    /** Marks this watch draining when it is not and may be; the caller holds {@link #lock}. */
    private boolean wake() {
      if (draining || held || (pending.isEmpty() && !behind)) {
        return false;
      }
      draining = true;
      return true;
    }

    private void execute() {
      try {
        delivery.execute(this::drain);
      } catch (RejectedExecutionException storeClosed) {
        synchronized (lock) {
          draining = false;
        }
      }
    }

    private void drain() {
      while (true) {
        Object next;
        Source catchUpFrom = null;
        synchronized (lock) {
          next = pending.poll();
          if (closed) {
            pending.clear();
            queuedEvents = 0;
            draining = false;
            return;
          }
          if (next == null) {
            if (behind && !ended && source != null) {
              catchUpFrom = source;
            } else {
              draining = false;
              return;
            }
          } else if (next instanceof ChangeEvent) {
            queuedEvents--;
          }
        }
        if (catchUpFrom != null) {
          catchUpFrom.catchUp(this);
          continue;
        }
        try {
          if (next instanceof ChangeEvent) {
            listener.onEvent((ChangeEvent) next);
          } else {
            listener.onError((StoreException) next);
          }
        } catch (RuntimeException listenerFailure) {
          // a failing listener must not stop the watch or the store
        }
      }
    }

    /** Whether the watch still delivers: neither closed nor ended by an error. */
    boolean open() {
      synchronized (lock) {
        return !closed && !ended;
      }
    }

    private void unregister() {
      List<Subscription> subs = byDatabase.get(database);
      if (subs != null) {
        subs.remove(this);
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        closed = true;
      }
      unregister();
    }
  }

  Subscription create(
      String database, String scope, String prefix, WatchListener listener, int bufferSize) {
    return new Subscription(database, scope, prefix, listener, bufferSize);
  }

  /** Registers a watch: it gets the live changes of its database from now on. */
  void register(Subscription s) {
    byDatabase.computeIfAbsent(s.database, d -> new CopyOnWriteArrayList<>()).add(s);
  }

  /** The number of registered watches that still deliver. */
  int open() {
    int n = 0;
    for (List<Subscription> subs : byDatabase.values()) {
      for (Subscription s : subs) {
        n += s.open() ? 1 : 0;
      }
    }
    return n;
  }

  List<Subscription> of(String database) {
    List<Subscription> subs = byDatabase.get(database);
    return subs == null ? List.of() : subs;
  }

  /**
   * Ends every watch of a deleted database with a gap; the caller holds the database lock.
   *
   * @param nextRevision the revision the database would have given its next change
   */
  void dropped(String database, long nextRevision) {
    for (Subscription s : of(database)) {
      long missed = s.firstMissed(nextRevision);
      s.error(
          new WatchGapException(
              database,
              missed,
              "database \""
                  + database
                  + "\" was deleted: the watch had not yet delivered revision "
                  + missed
                  + " and later; watch the database again, with includeInitial to start from its"
                  + " current records"));
    }
  }

  void close() {
    for (List<Subscription> subs : byDatabase.values()) {
      for (Subscription s : subs) {
        s.close();
      }
    }
    byDatabase.clear();
    delivery.shutdownNow();
  }
}
