package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default error listener: a lost connection is one warning line, the failed reconnect attempts
 * after it are DEBUG only.
 */
class StoreErrorListenerTest {
  private final Logger logger = Logger.getLogger("dev.microstore.nats");
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level previous;

  @BeforeEach
  void capture() {
    previous = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  @AfterEach
  void release() {
    logger.removeHandler(handler);
    logger.setLevel(previous);
  }

  @Test
  void aLostConnection_isOneWarningLine_andReconnectAttemptsAreDebugOnly() {
    StoreErrorListener listener = new StoreErrorListener();
    listener.exceptionOccurred(
        connection(Connection.Status.CONNECTED), new IOException("Read channel closed."));
    for (int i = 0; i < 5; i++) {
      listener.exceptionOccurred(
          connection(Connection.Status.DISCONNECTED), new ConnectException("Connection refused"));
    }
    listener.exceptionOccurred(
        connection(Connection.Status.CONNECTED), new IllegalStateException("a handler failed"));

    List<LogRecord> warnings =
        records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0).getThrown()).isNull();
    assertThat(warnings.get(0).getMessage()).contains("connection lost");
    assertThat(warnings.get(1).getThrown()).isInstanceOf(IllegalStateException.class);
    assertThat(records.stream().filter(r -> r.getLevel().intValue() < Level.INFO.intValue()))
        .hasSize(5);
  }

  private static Connection connection(Connection.Status status) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> method.getName().equals("getStatus") ? status : null);
  }
}
