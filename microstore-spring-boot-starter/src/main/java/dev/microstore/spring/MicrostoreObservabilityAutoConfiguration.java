package dev.microstore.spring;

import dev.microstore.Store;
import dev.microstore.micrometer.StoreMetrics;
import dev.microstore.micrometer.StoreObservations;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Observability of the application's stores: every {@link Store} bean is wrapped by {@link
 * StoreObservations#observe} with the application's {@link ObservationRegistry} (timers {@code
 * microstore.operation} in {@code /actuator/metrics}, spans in traces), and, when the application
 * has Micrometer metrics, a {@link StoreMetrics} bean publishes the store's connection, watch and
 * near-cache gauges.
 */
@AutoConfiguration(after = MicrostoreAutoConfiguration.class)
@ConditionalOnClass({StoreObservations.class, ObservationRegistry.class})
public class MicrostoreObservabilityAutoConfiguration {

  /** Created by Spring. */
  public MicrostoreObservabilityAutoConfiguration() {}

  /**
   * Wraps each {@link Store} bean, once it is initialised, in an observed store; without an {@link
   * ObservationRegistry} bean the stores stay as they are.
   *
   * @param registry the application's observation registry, if it has one
   * @return the post-processor
   */
  @Bean
  static BeanPostProcessor microstoreObservationPostProcessor(
      ObjectProvider<ObservationRegistry> registry) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof Store)) {
          return bean;
        }
        ObservationRegistry observations = registry.getIfAvailable();
        return observations == null ? bean : StoreObservations.observe((Store) bean, observations);
      }
    };
  }

  /** The store's gauges, when the application has Micrometer metrics. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class MetricsConfiguration {
    MetricsConfiguration() {}

    @Bean
    @ConditionalOnSingleCandidate(Store.class)
    @ConditionalOnMissingBean(StoreMetrics.class)
    StoreMetrics microstoreMetrics(Store store) {
      return new StoreMetrics(store);
    }
  }
}
