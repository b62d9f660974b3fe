package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one place that owns the connection options: the servers, the store's defaults (a quiet error
 * listener, reconnecting for as long as the store is open), then every customizer in order, each
 * adding to what came before — or the user's complete {@link Options}. Connects, and reports a
 * refused login or an unreachable server with messages that never show secrets.
 */
final class Connector {
  private static final Pattern USER_INFO = Pattern.compile("(\\w+://)[^/@\\s\\]\\[,]+@");

  /** A new connection and the listener that notices its permission violations. */
  static final class Connected {
    final Connection connection;
    final PermissionViolations violations;

    Connected(Connection connection, PermissionViolations violations) {
      this.connection = connection;
      this.violations = violations;
    }
  }

  private Connector() {}

  static Connected connect(
      List<String> servers,
      @Nullable Options natsOptions,
      List<Consumer<Options.Builder>> customizers) {
    Options options = options(servers, natsOptions, customizers);
    ErrorListener previous = options.getErrorListener();
    PermissionViolations violations =
        new PermissionViolations(previous != null ? previous : new ErrorListener() {});
    options = new Options.Builder(options).errorListener(violations).build();
    try {
      return new Connected(Nats.connect(options), violations);
    } catch (IOException e) {
      if (authenticationFailed(e)) {
        throw new StoreException(
            "cannot connect to NATS at "
                + safeServers(options)
                + ": authentication failed, the server refused the credentials ("
                + withoutUserInfo(e.getMessage())
                + ")",
            e,
            0,
            false);
      }
      throw new StoreException(
          "cannot connect to NATS at "
              + safeServers(options)
              + ": "
              + withoutUserInfo(e.getMessage()),
          e,
          0,
          true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while connecting to NATS", e);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to NATS at "
              + safeServers(options)
              + ": "
              + withoutUserInfo(e.getMessage()),
          e);
    }
  }

  private static Options options(
      List<String> servers,
      @Nullable Options natsOptions,
      List<Consumer<Options.Builder>> customizers) {
    if (natsOptions != null) {
      if (!servers.isEmpty() || !customizers.isEmpty()) {
        throw new IllegalArgumentException(
            "natsOptions(Options) holds the servers and every setting: do not combine it with"
                + " servers(...) or connectionOptions(...)");
      }
      return natsOptions;
    }
    Options.Builder ob = new Options.Builder();
    ob.servers(
        servers.isEmpty()
            ? new String[] {NatsStore.DEFAULT_SERVER}
            : servers.toArray(new String[0]));
    // quiet by default: jnats' own listener logs every flow-control request of a scan
    ob.errorListener(new StoreErrorListener());
    // an open store keeps reconnecting: jnats' default gives up after 60 attempts
    ob.maxReconnects(-1);
    // requests that got no reply end within this of their timeout (jnats' default: 5 s), so the
    // store needs no timer of its own per request
    ob.requestCleanupInterval(Requests.PRECISE_CLEANUP);
    for (Consumer<Options.Builder> customizer : customizers) {
      customizer.accept(ob);
    }
    return ob.build();
  }

  static void closeQuietly(Connection nc) {
    try {
      nc.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean authenticationFailed(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthenticationException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null) {
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("authorization violation")
            || lower.contains("authentication")
            || lower.contains("user authentication expired")) {
          return true;
        }
      }
    }
    return false;
  }

  static String withoutUserInfo(@Nullable String message) {
    return message == null ? "" : USER_INFO.matcher(message).replaceAll("$1");
  }

  private static String safeServers(Options options) {
    List<String> out = new ArrayList<>();
    for (java.net.URI uri : options.getServers()) {
      out.add(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
    }
    return String.join(",", out);
  }
}
