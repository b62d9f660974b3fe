package dev.microstore.spring;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Watches the auto-configured NATS store's connection: installed as its jnats error listener and,
 * through {@link #connectionListener()}, its connection listener, it logs an outage once (WARN when
 * the connection is lost, INFO with the outage's duration when it is back, ERROR when reconnecting
 * stops) instead of one warning with a stack trace per reconnect attempt, and keeps the state the
 * health indicator reports without sending a request.
 *
 * <p>jnats calls it on its callback thread, one event at a time, in order.
 */
final class NatsConnectionMonitor
    implements ErrorListener, ApplicationListener<ContextClosedEvent> {
  private static final Log LOG = LogFactory.getLog(NatsConnectionMonitor.class);
  private static final Pattern USER_INFO = Pattern.compile("(\\w+://)[^/@\\s,]+@");

  private volatile @Nullable Connection connection;
  private volatile @Nullable Instant lostAt;
  private volatile List<String> lastServers = List.of();
  private volatile @Nullable String lastError;
  private volatile int attempts;
  private volatile boolean closing;
  private volatile int maxReconnects = -1;
  private volatile @Nullable Duration reconnectWait;

  NatsConnectionMonitor() {}

  /** The reconnect policy, for the log lines. */
  void reconnectPolicy(int maxReconnects, @Nullable Duration reconnectWait) {
    this.maxReconnects = maxReconnects;
    this.reconnectWait = reconnectWait;
  }

  /** The connection, once jnats reported an event of it; {@code null} before. */
  @Nullable Connection connection() {
    return connection;
  }

  /** When the connection was lost, or {@code null} while it is up. */
  @Nullable Instant lostAt() {
    return lostAt;
  }

  /** The last error the connection reported, or {@code null}. */
  @Nullable String lastError() {
    return lastError;
  }

  /** The failed reconnect attempts of the current outage. */
  int reconnectAttempts() {
    return attempts;
  }

  /** The connection's servers, without user information. */
  List<String> servers() {
    Connection c = connection;
    List<String> out = new ArrayList<>();
    if (c != null) {
      for (String s : c.getServers()) {
        out.add(mask(s));
      }
    }
    if (out.isEmpty()) {
      return lastServers; // a closed connection lists none
    }
    lastServers = List.copyOf(out);
    return out;
  }

  static String mask(@Nullable String text) {
    return text == null ? "" : USER_INFO.matcher(text).replaceAll("$1***@");
  }

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    closing = true;
  }

  /** The jnats connection listener that reports to this monitor. */
  ConnectionListener connectionListener() {
    return this::connectionEvent;
  }

  private void connectionEvent(Connection conn, ConnectionListener.Events type) {
    connection = conn;
    switch (type) {
      case DISCONNECTED -> disconnected();
      case RECONNECTED -> reconnected(conn);
      case CLOSED -> closed();
      case LAME_DUCK ->
          LOG.info(
              "NATS server "
                  + mask(conn.getConnectedUrl())
                  + " entered lame duck mode: the connection will move to another server");
      default -> {
        if (LOG.isDebugEnabled()) {
          LOG.debug("NATS connection event: " + type.getEvent());
        }
      }
    }
  }

  private void disconnected() {
    if (closing) {
      return;
    }
    if (lostAt != null) {
      attempts++;
      return;
    }
    lostAt = Instant.now();
    attempts = 0;
    Duration wait = reconnectWait;
    String policy =
        maxReconnects < 0
            ? "for as long as the store is open"
            : "at most " + maxReconnects + " times (microstore.nats.max-reconnects)";
    LOG.warn(
        "Lost the connection to NATS at "
            + String.join(",", servers())
            + (lastError == null ? "" : " (" + lastError + ")")
            + "; reconnecting "
            + (wait == null ? "" : "every " + text(wait) + " ")
            + policy
            + ". Store calls fail until the connection is back.");
  }

  private void reconnected(Connection conn) {
    Instant since = lostAt;
    lostAt = null;
    int tries = attempts;
    attempts = 0;
    LOG.info(
        "Reconnected to NATS at "
            + mask(conn.getConnectedUrl())
            + (since == null
                ? ""
                : " after " + text(Duration.between(since, Instant.now())) + " offline")
            + " ("
            + (tries + 1)
            + (tries == 0 ? " attempt)" : " attempts)"));
  }

  private void closed() {
    Instant since = lostAt;
    if (closing || since == null) {
      LOG.debug("NATS connection closed");
      return;
    }
    LOG.error(
        "Gave up reconnecting to NATS at "
            + String.join(",", servers())
            + " after "
            + attempts
            + " attempts in "
            + text(Duration.between(since, Instant.now()))
            + " (microstore.nats.max-reconnects="
            + maxReconnects
            + "): the connection is closed and every store call fails until the application"
            + " restarts"
            + (lastError == null ? "" : "; last error: " + lastError));
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    lastError = error;
    if (lostAt != null) {
      LOG.debug("NATS error while reconnecting: " + error);
    } else {
      LOG.warn("NATS error: " + error);
    }
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    lastError = mask(exp.toString());
    if (exp instanceof IOException) {
      // the connection failed or an attempt to reconnect failed: the connection events report it
      LOG.debug("NATS connection failure", exp);
    } else {
      LOG.warn("NATS connection exception", exp);
    }
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    LOG.warn("NATS slow consumer: messages were dropped");
  }

  @Override
  public void heartbeatAlarm(
      Connection conn,
      JetStreamSubscription sub,
      long lastStreamSequence,
      long lastConsumerSequence) {
    LOG.warn("NATS consumer heartbeat missed (last stream sequence " + lastStreamSequence + ")");
  }

  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return d.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString()
        .substring(2)
        .toLowerCase(Locale.ROOT);
  }
}
