package dev.microstore.spring;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.StoreException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a startup that failed because the store could not be opened: the NATS server is
 * unreachable, refused the credentials, or has no JetStream.
 */
final class StoreStartupFailureAnalyzer extends AbstractFailureAnalyzer<StoreException>
    implements Ordered {

  StoreStartupFailureAnalyzer() {}

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, StoreException cause) {
    if (cause instanceof NotFoundException || cause instanceof ConflictException) {
      return null; // the application's own logic, not the store's setup
    }
    boolean opening = false;
    for (Throwable t = rootFailure; t != null && t != cause; t = t.getCause()) {
      if (t instanceof BeanCreationException
          && "microstore".equals(((BeanCreationException) t).getBeanName())) {
        opening = true;
      }
    }
    String message = String.valueOf(cause.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    String action;
    if (lower.contains("authentication") || lower.contains("authorization")) {
      action =
          "Check the credentials: microstore.nats.username and microstore.nats.password,"
              + " microstore.nats.token or microstore.nats.credentials (or the user information,"
              + " token or creds parameter of microstore.uri) must be accepted by the server.";
    } else if (lower.contains("jetstream")) {
      action =
          "Enable JetStream on the NATS server (nats-server -js, or a jetstream block in its"
              + " configuration) for this account.";
    } else if (lower.contains("cannot connect")) {
      action =
          "Start the NATS server, or correct microstore.nats.servers or the hosts of"
              + " microstore.uri. A server that requires TLS needs microstore.nats.ssl.bundle;"
              + " microstore.nats.connection-timeout sets how long connecting may take.";
    } else {
      action =
          "Check that the NATS server is running and that microstore.uri and the"
              + " microstore.nats.* properties describe it.";
    }
    return new FailureAnalysis(
        (opening
                ? "The microstore store could not be opened: "
                : "A microstore store call failed during startup: ")
            + message,
        action,
        cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }
}
