/**
 * The NATS JetStream Key-Value store, wire-compatible with Go-Micro's nats-js-kv plugin: {@code
 * NatsStore} builds it, and {@code Stores.open("nats://...")} opens it by URI.
 *
 * @provides dev.microstore.StoreProvider the NATS store, for {@code nats://} URIs
 */
// jnats is an automatic module (its jar names itself io.nats.jnats in its manifest), and its types
// are part of this API (NatsStore takes jnats Options and Connections), hence requires transitive.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.microstore.nats {
  requires transitive dev.microstore;
  requires transitive io.nats.jnats;
  // jnats' default ErrorListener logs with java.util.logging, a requirement an automatic module
  // cannot declare: without this, an application launched with --module would lack java.logging.
  requires java.logging;
  requires static org.jspecify;

  exports dev.microstore.nats;

  provides dev.microstore.StoreProvider with
      dev.microstore.nats.NatsStoreProvider;
}
