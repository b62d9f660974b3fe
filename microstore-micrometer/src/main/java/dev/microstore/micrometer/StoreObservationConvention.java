package dev.microstore.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of store operations. Implement it (or extend {@link
 * DefaultStoreObservationConvention}) to rename them or change their tags, and pass it to {@link
 * StoreObservations#observe(dev.microstore.Store, io.micrometer.observation.ObservationRegistry,
 * StoreObservationConvention)}.
 */
public interface StoreObservationConvention extends ObservationConvention<StoreOperationContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof StoreOperationContext;
  }
}
