package dev.microstore;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Entry points: the in-memory store and stores opened by URI through {@link StoreProvider}s. */
public final class Stores {
  private Stores() {}

  /**
   * A builder for the in-memory store.
   *
   * @return a new builder
   */
  public static MemoryStoreBuilder inMemory() {
    return new MemoryStoreBuilder();
  }

  /**
   * Opens a store by URI, choosing the {@link StoreProvider} registered for its scheme: {@code
   * memory:} (parameters {@code database}, {@code table}) is built in; {@code nats://} comes with
   * the {@code microstore-nats} module.
   *
   * @param uri the store URI, for example {@code memory:?database=orders}
   * @return a ready store, which the caller closes
   * @throws IllegalArgumentException if the URI is malformed or its scheme has no provider (the
   *     message names the known schemes)
   * @throws StoreException if the store cannot be opened
   */
  public static Store open(String uri) {
    StoreUri parsed = StoreUri.parse(uri);
    Map<String, StoreProvider> providers = providers();
    StoreProvider provider = providers.get(parsed.scheme());
    if (provider == null) {
      throw new IllegalArgumentException(
          "store URI scheme \""
              + parsed.scheme()
              + "\" has no provider: known schemes are "
              + providers.keySet()
              + " (add the module that provides it to the class path)");
    }
    return provider.open(parsed);
  }

  /**
   * The providers found on the class path, by scheme: those of this class's loader, looked up once
   * (providers are stateless, and a loader's service files do not change), then those only the
   * thread's context class loader sees, looked up on each call.
   *
   * @return a sorted map of scheme to provider
   */
  static Map<String, StoreProvider> providers() {
    Map<String, StoreProvider> byScheme = new TreeMap<>(OwnProviders.BY_SCHEME);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != Stores.class.getClassLoader()) {
      for (StoreProvider p : ServiceLoader.load(StoreProvider.class, context)) {
        byScheme.putIfAbsent(p.scheme(), p);
      }
    }
    return byScheme;
  }

  /** The providers of this class's loader, found on first use. */
  private static final class OwnProviders {
    static final Map<String, StoreProvider> BY_SCHEME = load();

    private static Map<String, StoreProvider> load() {
      Map<String, StoreProvider> byScheme = new TreeMap<>();
      for (StoreProvider p :
          ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
        byScheme.putIfAbsent(p.scheme(), p);
      }
      return java.util.Collections.unmodifiableMap(byScheme);
    }
  }
}
