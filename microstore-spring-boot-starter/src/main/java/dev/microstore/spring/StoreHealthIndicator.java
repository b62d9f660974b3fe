package dev.microstore.spring;

import dev.microstore.Store;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of the store. For the auto-configured NATS store it is read from the connection's
 * state, without a request, so it answers at once while NATS is down: UP while connected, DOWN
 * otherwise, with the state, the servers (user information masked), the last error and how long the
 * connection has been away. For other stores (the in-memory store, an application's own store) it
 * is UP when the store lists its databases, DOWN with the exception otherwise.
 */
final class StoreHealthIndicator extends AbstractHealthIndicator {
  private final Store store;
  private final @Nullable NatsConnectionMonitor monitor;

  StoreHealthIndicator(Store store, @Nullable NatsConnectionMonitor monitor) {
    super("microstore health check failed");
    this.store = store;
    this.monitor = monitor;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Connection connection = monitor == null ? null : monitor.connection();
    if (monitor == null || connection == null) {
      int databases = store.databases().size();
      builder.up().withDetail("store", store.toString()).withDetail("databases", databases);
      return;
    }
    Connection.Status status = connection.getStatus();
    builder
        .withDetail("store", store.toString())
        .withDetail("state", status.name().toLowerCase(Locale.ROOT))
        .withDetail("servers", monitor.servers());
    if (status == Connection.Status.CONNECTED) {
      builder
          .up()
          .withDetail("connectedUrl", NatsConnectionMonitor.mask(connection.getConnectedUrl()));
      return;
    }
    builder.down();
    String error = monitor.lastError();
    builder.withDetail("error", error == null ? "not connected to NATS" : error);
    Instant lostAt = monitor.lostAt();
    if (lostAt != null) {
      builder
          .withDetail("disconnectedSince", lostAt.toString())
          .withDetail(
              "disconnectedFor",
              NatsConnectionMonitor.text(Duration.between(lostAt, Instant.now())))
          .withDetail("reconnectAttempts", monitor.reconnectAttempts());
    }
  }
}
