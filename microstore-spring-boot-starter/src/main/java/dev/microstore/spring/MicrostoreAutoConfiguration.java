package dev.microstore.spring;

import dev.microstore.Store;
import dev.microstore.StoreUri;
import dev.microstore.Stores;
import dev.microstore.nats.NatsStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Creates one {@link Store} bean from {@code microstore.uri} unless the application defines its
 * own, and closes it with the application context. For {@code nats://} URIs the builder of {@link
 * NatsStore#fromUri(String)} is handed to every {@link NatsStoreCustomizer} bean first.
 */
@AutoConfiguration
@EnableConfigurationProperties(MicrostoreProperties.class)
@ConditionalOnProperty(prefix = "microstore", name = "enabled", matchIfMissing = true)
public class MicrostoreAutoConfiguration {
  /** Created by Spring. */
  public MicrostoreAutoConfiguration() {}

  /**
   * The store.
   *
   * @param properties the {@code microstore.*} properties
   * @param customizers the NATS builder customizers, in order
   * @return the store, closed by Spring when the context closes
   * @throws IllegalArgumentException if {@code microstore.uri} is blank or malformed, or its scheme
   *     has no provider on the class path
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Store.class)
  public Store microstore(
      MicrostoreProperties properties, ObjectProvider<NatsStoreCustomizer> customizers) {
    String uri = properties.getUri();
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException(
          "microstore.uri \""
              + (uri == null ? "" : uri)
              + "\" is invalid: it must name a store, for example memory: or"
              + " nats://127.0.0.1:4222?database=orders");
    }
    if (StoreUri.parse(uri).scheme().equals("nats")) {
      NatsStore builder = NatsStore.fromUri(uri);
      customizers.orderedStream().forEach(c -> c.customize(builder));
      return builder.build();
    }
    return Stores.open(uri);
  }
}
