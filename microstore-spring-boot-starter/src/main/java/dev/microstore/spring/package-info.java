/**
 * Spring Boot auto-configuration of a microstore {@link dev.microstore.Store}: one bean, opened
 * from the {@code microstore.uri} property (in memory by default, NATS JetStream for {@code
 * nats://} URIs), customisable by {@link dev.microstore.spring.NatsStoreCustomizer} beans, and
 * closed with the application context.
 */
@NullMarked
package dev.microstore.spring;

import org.jspecify.annotations.NullMarked;
