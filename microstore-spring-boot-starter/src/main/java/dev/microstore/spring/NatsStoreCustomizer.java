package dev.microstore.spring;

import dev.microstore.nats.NatsStore;

/**
 * Adjusts the NATS store builder before the auto-configured store is built, for what a URI cannot
 * carry: a TLS context or other jnats options ({@link NatsStore#connectionOptions}), JetStream
 * options, bucket configurations. Customizers run in {@link org.springframework.core.Ordered}
 * order, after the URI's parameters were applied; they are not used for other URI schemes.
 */
@FunctionalInterface
public interface NatsStoreCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the builder configured from {@code microstore.uri}
   */
  void customize(NatsStore builder);
}
