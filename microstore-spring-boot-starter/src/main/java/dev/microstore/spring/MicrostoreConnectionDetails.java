package dev.microstore.spring;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the store connects, as a bean: when the application context holds one, its URI replaces
 * {@code microstore.uri} (the separate {@code microstore.*} properties still apply on top). This is
 * Spring Boot's service-connection contract: a test or a platform integration defines the bean
 * instead of setting properties.
 *
 * <pre>{@code
 * @Bean
 * MicrostoreConnectionDetails microstoreConnectionDetails() {
 *   return () -> nats.url() + "?database=orders";
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MicrostoreConnectionDetails extends ConnectionDetails {

  /**
   * The store URI, for example {@code nats://10.0.0.5:4222?database=orders} or {@code memory:}.
   *
   * @return the URI, with any parameter {@code microstore.uri} accepts
   */
  String getUri();
}
