package dev.microstore.spring;

import dev.microstore.Store;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP when the store answers a list of its databases (one round trip to a NATS server), DOWN with
 * the exception otherwise. Details: the store (its URI form, secrets masked) and the number of
 * databases.
 */
final class StoreHealthIndicator extends AbstractHealthIndicator {
  private final Store store;

  StoreHealthIndicator(Store store) {
    super("microstore health check failed");
    this.store = store;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    int databases = store.databases().size();
    builder.up().withDetail("store", store.toString()).withDetail("databases", databases);
  }
}
