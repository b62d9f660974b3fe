package dev.microstore;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The watches of an in-memory store. Events are queued per watch while the database lock is held,
 * so they keep revision order, and delivered by a small shared pool, one at a time per watch, so
 * listeners never run under a store lock.
 */
final class MemoryWatches {
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

  /** One watch: its filter and its queue of pending callbacks. */
  final class Subscription implements Watch {
    final String database;
    final String scope;
    final String prefix;
    final WatchListener listener;
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean draining;
    private volatile boolean closed;

    Subscription(String database, String scope, String prefix, WatchListener listener) {
      this.database = database;
      this.scope = scope;
      this.prefix = prefix;
      this.listener = listener;
    }

    /** The key relative to the watched table when it matches the filter, else null. */
    @Nullable String relative(String storedKey) {
      if (!storedKey.startsWith(scope)) {
        return null;
      }
      String rel = storedKey.substring(scope.length());
      return rel.startsWith(prefix) ? rel : null;
    }

    void event(ChangeEvent e) {
      enqueue(() -> listener.onEvent(e));
    }

    void initialDone() {
      enqueue(listener::onInitialDataDone);
    }

    void error(StoreException e) {
      enqueue(() -> listener.onError(e));
      closeQuietly();
    }

    private void enqueue(Runnable r) {
      boolean start;
      synchronized (pending) {
        if (closed) {
          return;
        }
        pending.add(r);
        start = !draining;
        draining = true;
      }
      if (start) {
        delivery.execute(this::drain);
      }
    }

    private void drain() {
      while (true) {
        Runnable r;
        synchronized (pending) {
          r = pending.poll();
          if (r == null || closed) {
            draining = false;
            pending.clear();
            return;
          }
        }
        try {
          r.run();
        } catch (RuntimeException listenerFailure) {
          // a failing listener must not stop the watch or the store
        }
      }
    }

    private void closeQuietly() {
      List<Subscription> subs = byDatabase.get(database);
      if (subs != null) {
        subs.remove(this);
      }
    }

    @Override
    public void close() {
      closed = true;
      closeQuietly();
    }
  }

  Subscription add(String database, String scope, String prefix, WatchListener listener) {
    Subscription s = new Subscription(database, scope, prefix, listener);
    byDatabase.computeIfAbsent(database, d -> new CopyOnWriteArrayList<>()).add(s);
    return s;
  }

  List<Subscription> of(String database) {
    List<Subscription> subs = byDatabase.get(database);
    return subs == null ? List.of() : subs;
  }

  void dropped(String database) {
    for (Subscription s : of(database)) {
      s.error(new StoreException("database \"" + database + "\" was deleted"));
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
