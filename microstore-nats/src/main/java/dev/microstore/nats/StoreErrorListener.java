package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import java.lang.System.Logger.Level;

/**
 * The jnats error listener of connections the store opens itself (unless the caller configures
 * one): errors, exceptions, slow consumers and heartbeat alarms are logged as warnings through
 * {@link System.Logger}; routine events (flow control answered on every scan) are not logged, as
 * jnats' default listener would at INFO level, once per flow-control request.
 *
 * <p>A lost connection is one warning line without a stack trace; the failed attempts to reconnect
 * that follow (one I/O exception per attempt while the connection is away) are logged at DEBUG
 * only, with their stack traces.
 */
final class StoreErrorListener implements ErrorListener {
  private static final System.Logger LOG = System.getLogger("dev.microstore.nats");

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.log(Level.WARNING, "NATS error: {0}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    if (exp instanceof java.io.IOException) {
      if (conn.getStatus() == Connection.Status.CONNECTED) {
        LOG.log(Level.WARNING, "NATS connection lost ({0}); reconnecting", exp.toString());
      } else {
        LOG.log(Level.DEBUG, "NATS reconnect attempt failed", exp);
      }
      return;
    }
    LOG.log(Level.WARNING, "NATS connection exception", exp);
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    LOG.log(Level.WARNING, "NATS slow consumer: messages were dropped");
  }

  @Override
  public void heartbeatAlarm(
      Connection conn,
      JetStreamSubscription sub,
      long lastStreamSequence,
      long lastConsumerSequence) {
    LOG.log(
        Level.WARNING,
        "NATS consumer heartbeat missed (last stream sequence {0})",
        lastStreamSequence);
  }
}
