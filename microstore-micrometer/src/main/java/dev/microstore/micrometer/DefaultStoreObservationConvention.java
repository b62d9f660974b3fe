package dev.microstore.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The default names and tags: observation (and timer) {@code microstore.operation}, span {@code
 * microstore <operation>}, low-cardinality tags {@code operation}, {@code database}, {@code
 * outcome} and {@code store}. No high-cardinality tags: keys, values and metadata never appear.
 */
public class DefaultStoreObservationConvention implements StoreObservationConvention {

  /** The name of the observations, and so of their timers. */
  public static final String NAME = "microstore.operation";

  /** Creates the convention. */
  public DefaultStoreObservationConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(StoreOperationContext context) {
    return "microstore " + context.operation();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(StoreOperationContext context) {
    return KeyValues.of(
        "operation", context.operation(),
        "database", context.database(),
        "outcome", context.outcome(),
        "store", context.storeKind());
  }
}
