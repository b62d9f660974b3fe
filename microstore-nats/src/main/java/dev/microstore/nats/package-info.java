/**
 * The NATS JetStream Key-Value store: {@link dev.microstore.nats.NatsStore} builds it, {@code
 * Stores.open("nats://...")} opens it by URI. Wire-compatible with Go-Micro's {@code nats-js-kv}
 * store plugin.
 */
@NullMarked
package dev.microstore.nats;

import org.jspecify.annotations.NullMarked;
