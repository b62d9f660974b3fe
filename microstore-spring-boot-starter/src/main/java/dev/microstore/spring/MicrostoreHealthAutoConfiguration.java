package dev.microstore.spring;

import dev.microstore.Store;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * A health indicator named {@code microstore} for the application's {@link Store} bean, when Spring
 * Boot's health support is on the class path; {@code management.health.microstore.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = MicrostoreAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Store.class)
@ConditionalOnProperty(
    prefix = "management.health.microstore",
    name = "enabled",
    matchIfMissing = true)
public class MicrostoreHealthAutoConfiguration {
  /** Created by Spring. */
  public MicrostoreHealthAutoConfiguration() {}

  /**
   * The indicator.
   *
   * @param store the store to check
   * @param monitor the connection monitor of the auto-configured NATS store, if any
   * @return UP while the store is reachable, DOWN with the reason otherwise
   */
  @Bean
  @ConditionalOnMissingBean(name = "microstoreHealthIndicator")
  public HealthIndicator microstoreHealthIndicator(
      Store store, ObjectProvider<NatsConnectionMonitor> monitor) {
    return new StoreHealthIndicator(store, monitor.getIfAvailable());
  }
}
