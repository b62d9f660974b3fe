package dev.microstore;

/**
 * Service-provider interface: opens stores for one URI scheme. Implementations are registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.microstore.StoreProvider} and
 * must have a public no-argument constructor. Implementations are thread-safe.
 */
public interface StoreProvider {

  /**
   * The URI scheme this provider opens, lower case, for example {@code nats}.
   *
   * @return the scheme
   */
  String scheme();

  /**
   * Opens a store.
   *
   * @param uri the parsed URI, whose scheme is {@link #scheme()}
   * @return a ready store, which the caller closes
   * @throws IllegalArgumentException if the URI has an unknown or invalid parameter
   * @throws StoreException if the store cannot be opened
   */
  Store open(StoreUri uri);
}
