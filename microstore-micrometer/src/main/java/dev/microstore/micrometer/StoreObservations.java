package dev.microstore.micrometer;

import dev.microstore.Store;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Makes every operation of a store a Micrometer {@code Observation}.
 *
 * <p>The returned store does what the given one does, with the same results and exceptions; each
 * call is observed from its start to its end — for asynchronous calls until the future completes,
 * for scans until the stream is closed. With Micrometer's {@code DefaultMeterObservationHandler}
 * each operation records a timer {@code microstore.operation} tagged {@code operation}, {@code
 * database}, {@code outcome} ({@code ok}, {@code not-found}, {@code conflict}, {@code unknown},
 * {@code error}) and {@code store} ({@code nats}, {@code memory}, ...); with a tracing handler each
 * is a span named {@code microstore <operation>}. Keys, values and metadata never become tags.
 *
 * <p>Not observed: {@code changes} (a publisher; its watch is observed when it opens), {@code
 * stats}, {@code defaultDatabase}, {@code close}.
 *
 * <pre>{@code
 * ObservationRegistry observations = ObservationRegistry.create();
 * observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
 * Store store = StoreObservations.observe(Stores.open(uri), observations);
 * }</pre>
 */
public final class StoreObservations {
  private static final StoreObservationConvention DEFAULT = new DefaultStoreObservationConvention();

  private StoreObservations() {}

  /**
   * Observes every operation of {@code store} with the default convention.
   *
   * @param store the store to observe; closing the returned store closes it
   * @param registry where observations go; {@link ObservationRegistry#NOOP} gives back {@code
   *     store} itself
   * @return the observed store
   */
  public static Store observe(Store store, ObservationRegistry registry) {
    return observe(store, registry, DEFAULT);
  }

  /**
   * Observes every operation of {@code store}, named and tagged by {@code convention}.
   *
   * @param store the store to observe; closing the returned store closes it
   * @param registry where observations go; {@link ObservationRegistry#NOOP}, or a store this
   *     registry already observes, gives back {@code store} itself (no call is observed twice)
   * @param convention names and tags the observations
   * @return the observed store
   */
  public static Store observe(
      Store store, ObservationRegistry registry, StoreObservationConvention convention) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(convention, "convention");
    if (registry.isNoop() || ObservedStore.observedBy(store, registry)) {
      return store;
    }
    return new ObservedStore(store, registry, convention, DEFAULT);
  }
}
