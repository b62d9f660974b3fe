package dev.microstore.tck.memory;

import dev.microstore.Batch;
import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Store;
import dev.microstore.StoreStats;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import dev.microstore.tck.StoreFactory;
import dev.microstore.tck.StoreFeature;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StoreFactory} over one in-memory store.
 *
 * <p>{@code Stores.inMemory().build()} builds independent stores, but the kit needs stores that
 * share their data. So this factory builds one backing store and hands out <em>views</em> of it. A
 * view passes every call through, with two things of its own: it has its own closed state (closing
 * a view leaves the backing store and the other views open), and a view created with defaults other
 * than database {@code default} and no table fills them into options that name no database or
 * table. Everything else the kit checks is the backing store's own behaviour. {@link
 * MemoryStoreDirectTest} pins closing and store-wide defaults on real in-memory stores.
 *
 * <p>A view is a dynamic proxy, so it passes through every method of {@link Store}, including ones
 * added to the interface later. The kit asks for a factory per test, so each test gets a fresh
 * backing store.
 */
final class SharedMemoryStoreFactory implements StoreFactory {
  private static final String DEFAULT_DATABASE = "default";

  private static final int HISTORY_DEPTH = 8;

  private final Store backing = Stores.inMemory().history(HISTORY_DEPTH).build();

  @Override
  public Store create() {
    return view(null, null);
  }

  @Override
  public Store create(String defaultDatabase, String defaultTable) {
    return view(
        defaultDatabase.equals(DEFAULT_DATABASE) ? null : defaultDatabase,
        defaultTable.isEmpty() ? null : defaultTable);
  }

  @Override
  public Set<StoreFeature> features() {
    return EnumSet.of(
        StoreFeature.EXPIRY,
        StoreFeature.REVISIONS,
        StoreFeature.ARBITRARY_KEYS,
        StoreFeature.WATCH,
        StoreFeature.HISTORY,
        StoreFeature.ATOMIC_BATCH,
        StoreFeature.CONSISTENT_SCANS);
  }

  @Override
  public int historyDepth() {
    return HISTORY_DEPTH;
  }

  private Store view(@Nullable String database, @Nullable String table) {
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            new View(backing, database, table));
  }

  /** The behaviour of a view; see the class comment. */
  private static final class View implements InvocationHandler {
    /** Default methods of Store that the in-memory store implements itself: passed through. */
    private static final Set<String> OVERRIDDEN_DEFAULTS = Set.of("commit", "scan", "scanKeys");

    private final Store backing;
    private final @Nullable String database;
    private final @Nullable String table;
    private volatile boolean closed;

    View(Store backing, @Nullable String database, @Nullable String table) {
      this.backing = backing;
      this.database = database;
      this.table = table;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
        throws Throwable {
      switch (method.getName()) {
        case "close":
          closed = true;
          return null;
        case "toString":
          return describe();
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return args != null && proxy == args[0];
        case "defaultDatabase":
          return database != null ? database : backing.defaultDatabase();
        case "stats":
          return stats();
        default:
          break;
      }
      if (method.isDefault() && !OVERRIDDEN_DEFAULTS.contains(method.getName())) {
        // Route default methods such as read(key) through this view, so its defaults apply.
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (closed) {
        throw new IllegalStateException("store " + describe() + " is closed");
      }
      @Nullable Object[] actual = args == null ? null : args.clone();
      if (actual != null) {
        for (int i = 0; i < actual.length; i++) {
          actual[i] = withDefaults(actual[i]);
        }
      }
      try {
        return method.invoke(backing, actual);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /** The backing store's stats, disconnected once this view is closed. */
    private StoreStats stats() {
      StoreStats s = backing.stats();
      return StoreStats.builder(s.kind())
          .connected(!closed && s.connected())
          .reconnects(s.reconnects())
          .openWatches(s.openWatches())
          .nearCache(s.nearCacheEntries(), s.nearCacheHits(), s.nearCacheMisses())
          .build();
    }

    private @Nullable Object withDefaults(@Nullable Object arg) {
      if (arg instanceof Batch) {
        Batch o = (Batch) arg;
        Batch.Builder b = o.toBuilder();
        if (database != null && o.database().isEmpty()) {
          b.database(database);
        }
        if (table != null && o.table().isEmpty()) {
          b.table(table);
        }
        return b.build();
      }
      if (arg instanceof ReadOptions) {
        ReadOptions o = (ReadOptions) arg;
        ReadOptions.Builder b = o.toBuilder();
        if (database != null && o.database().isEmpty()) {
          b.database(database);
        }
        if (table != null && o.table().isEmpty()) {
          b.table(table);
        }
        return b.build();
      }
      if (arg instanceof WriteOptions) {
        WriteOptions o = (WriteOptions) arg;
        WriteOptions.Builder b = o.toBuilder();
        if (database != null && o.database().isEmpty()) {
          b.database(database);
        }
        if (table != null && o.table().isEmpty()) {
          b.table(table);
        }
        return b.build();
      }
      if (arg instanceof DeleteOptions) {
        DeleteOptions o = (DeleteOptions) arg;
        DeleteOptions.Builder b = o.toBuilder();
        if (database != null && o.database().isEmpty()) {
          b.database(database);
        }
        if (table != null && o.table().isEmpty()) {
          b.table(table);
        }
        return b.build();
      }
      if (arg instanceof ListOptions) {
        ListOptions o = (ListOptions) arg;
        ListOptions.Builder b = o.toBuilder();
        if (database != null && o.database().isEmpty()) {
          b.database(database);
        }
        if (table != null && o.table().isEmpty()) {
          b.table(table);
        }
        return b.build();
      }
      return arg;
    }

    private String describe() {
      return "view of "
          + backing
          + (database == null ? "" : " with database " + database)
          + (table == null ? "" : " with table " + table);
    }
  }
}
