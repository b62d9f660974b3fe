package dev.microstore.nats;

import dev.microstore.Store;
import dev.microstore.StoreProvider;
import dev.microstore.StoreUri;
import java.time.Duration;
import java.util.Set;

/**
 * Opens NATS stores for {@code nats://} URIs: {@code
 * nats://[user:password@]host:port[,host:port...][?parameter=value&...]}. Parameters: {@code
 * database}, {@code table}, {@code encodeKeys} (true/false), {@code defaultTtl} and {@code timeout}
 * (ISO-8601 such as {@code PT1H} or a number of seconds), {@code memoryStorage} (true/false),
 * {@code description}, {@code replicas}, {@code history}, {@code token}, {@code creds} (a
 * credentials file), {@code nearCache} ({@code true} for every database, or a comma-separated list
 * of databases; see {@link NatsStore#nearCache(String...)}). {@code tls://} URIs connect with TLS.
 */
public final class NatsStoreProvider implements StoreProvider {
  private static final Set<String> PARAMETERS =
      Set.of(
          "database",
          "table",
          "encodeKeys",
          "defaultTtl",
          "timeout",
          "memoryStorage",
          "description",
          "replicas",
          "history",
          "token",
          "creds",
          "nearCache");

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public NatsStoreProvider() {}

  @Override
  public String scheme() {
    return "nats";
  }

  @Override
  public Store open(StoreUri uri) {
    return builder(uri).build();
  }

  /** The builder a URI describes. */
  static NatsStore builder(StoreUri uri) {
    uri.requireKnownParameters(PARAMETERS);
    NatsStore b = NatsStore.builder();
    if (!uri.authority().isEmpty()) {
      String authority = uri.authority();
      String userInfo = "";
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        userInfo = authority.substring(0, at + 1);
        authority = authority.substring(at + 1);
      }
      for (String host : authority.split(",")) {
        b.servers(uri.scheme() + "://" + userInfo + host);
      }
    }
    uri.parameter("database").ifPresent(b::database);
    uri.parameter("table").ifPresent(b::table);
    uri.parameter("encodeKeys").ifPresent(v -> b.encodeKeys(bool("encodeKeys", v)));
    uri.parameter("memoryStorage")
        .ifPresent(
            v -> {
              if (bool("memoryStorage", v)) {
                b.memoryStorage();
              }
            });
    uri.parameter("defaultTtl").ifPresent(v -> b.defaultTtl(duration("defaultTtl", v)));
    uri.parameter("timeout").ifPresent(v -> b.timeout(duration("timeout", v)));
    uri.parameter("description").ifPresent(b::description);
    uri.parameter("replicas").ifPresent(v -> b.replicas(integer("replicas", v)));
    uri.parameter("history").ifPresent(v -> b.history(integer("history", v)));
    uri.parameter("nearCache")
        .ifPresent(
            v -> {
              if (v.equals("true") || v.isEmpty()) {
                b.nearCache(true);
              } else if (!v.equals("false")) {
                b.nearCache(v.split(","));
              }
            });
    if (uri.parameter("token").isPresent() || uri.parameter("creds").isPresent()) {
      b.connectionOptions(
          ob -> {
            uri.parameter("token").ifPresent(t -> ob.token(t.toCharArray()));
            uri.parameter("creds")
                .ifPresent(f -> ob.authHandler(io.nats.client.Nats.credentials(f)));
          });
    }
    return b;
  }

  private static boolean bool(String name, String v) {
    if (v.isEmpty() || v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "store URI parameter " + name + "=" + v + " is invalid: use true or false");
  }

  private static int integer(String name, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "store URI parameter " + name + "=" + v + " is invalid: use a whole number", e);
    }
  }

  private static Duration duration(String name, String v) {
    try {
      return v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "store URI parameter "
              + name
              + "="
              + v
              + " is invalid: use ISO-8601 (PT30S, PT1H) or a number of seconds",
          e);
    }
  }
}
