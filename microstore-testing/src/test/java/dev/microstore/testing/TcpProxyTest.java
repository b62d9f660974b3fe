package dev.microstore.testing;

import static dev.microstore.testing.RawNats.ANSWER;
import static dev.microstore.testing.RawNats.SILENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().jetStream(false).start();
  }

  @AfterAll
  static void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void forwardsBothWaysToTheTarget() throws IOException {
    try (TcpProxy proxy = TcpProxy.start(server);
        RawNats nats = RawNats.connectAndGreet(proxy.port())) {
      assertThat(proxy.url()).isEqualTo("nats://127.0.0.1:" + proxy.port());
      assertThat(proxy.port()).isNotEqualTo(server.port());
      assertThat(proxy.target()).isEqualTo("127.0.0.1:" + server.port());
      assertThat(proxy.connections()).isEqualTo(1);
      nats.ping();
      assertThat(nats.await("PONG", ANSWER)).isTrue();
      assertThat(proxy.toString()).contains("1 connections");
    }
  }

  @Test
  void cutConnections_closesOpenConnections_newOnesAreAccepted() throws IOException {
    try (TcpProxy proxy = TcpProxy.start(server);
        RawNats first = RawNats.connectAndGreet(proxy.port());
        RawNats second = RawNats.connectAndGreet(proxy.port())) {
      assertThat(proxy.connections()).isEqualTo(2);

      proxy.cutConnections();

      assertThat(first.readByte(ANSWER)).isEqualTo(-1);
      assertThat(second.readByte(ANSWER)).isEqualTo(-1);
      TestSupport.await(ANSWER, "no open connection", () -> proxy.connections() == 0);
      try (RawNats again = RawNats.connectAndGreet(proxy.port())) {
        again.ping();
        assertThat(again.await("PONG", ANSWER)).isTrue();
      }
    }
  }

  @Test
  void block_stallsOpenConnectionsAndClosesNewOnes_unblockForwardsWhatWasHeld() throws IOException {
    try (TcpProxy proxy = TcpProxy.start(server);
        RawNats held = RawNats.connectAndGreet(proxy.port())) {
      proxy.block();
      assertThat(proxy.isBlocked()).isTrue();

      held.ping();
      assertThat(held.await("PONG", SILENCE)).isFalse();
      assertRefusedOrClosedAtOnce(proxy.port());
      assertThat(proxy.connections()).isEqualTo(1); // held, not closed

      proxy.unblock();

      assertThat(proxy.isBlocked()).isFalse();
      assertThat(held.await("PONG", ANSWER)).isTrue();
      try (RawNats accepted = RawNats.connectAndGreet(proxy.port())) {
        accepted.ping();
        assertThat(accepted.await("PONG", ANSWER)).isTrue();
      }
    }
  }

  @Test
  void delay_addsAtLeastTheDelayToARoundTrip_zeroRemovesIt() throws IOException {
    Duration delay = Duration.ofMillis(150);
    try (TcpProxy proxy = TcpProxy.start(server);
        RawNats nats = RawNats.connectAndGreet(proxy.port())) {
      proxy.delay(delay);
      assertThat(proxy.delay()).isEqualTo(delay);

      long start = System.nanoTime();
      nats.ping();
      assertThat(nats.await("PONG", ANSWER)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);

      proxy.delay(Duration.ZERO);
      assertThat(proxy.delay()).isZero();
      nats.send("PING\r\n");
      assertThat(nats.await("PONG", ANSWER)).isTrue();
    }
  }

  @Test
  void aTargetThatIsDown_closesTheClientsConnectionAtOnce() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", FreePorts.next())) {
      assertRefusedOrClosedAtOnce(proxy.port());
      assertThat(proxy.connections()).isZero();
    }
  }

  @Test
  void close_closesOpenConnectionsAndStopsListening() throws IOException {
    TcpProxy proxy = TcpProxy.start(server);
    int port = proxy.port();
    try (RawNats nats = RawNats.connectAndGreet(port)) {
      proxy.close();
      assertThat(nats.readByte(ANSWER)).isEqualTo(-1);
      assertThat(Support.portAccepts(port)).isFalse();
      assertThat(proxy.connections()).isZero();
      proxy.close(); // again: nothing
      assertThat(proxy.toString()).endsWith("closed)");
    } finally {
      proxy.close();
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> TcpProxy.start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target port must be between 1 and 65535: 0");
    assertThatThrownBy(() -> TcpProxy.start("", 4222))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target host must not be empty");
    try (TcpProxy proxy = TcpProxy.start(server)) {
      assertThatThrownBy(() -> proxy.delay(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delay must not be negative: PT-1S");
    }
  }

  /**
   * A new connection ends at once: the reset comes while connecting, or reading gives the end of
   * the stream or a reset, not a timeout.
   */
  private static void assertRefusedOrClosedAtOnce(int port) {
    try (RawNats nats = RawNats.connect(port)) {
      assertThat(nats.readByte(ANSWER)).isEqualTo(-1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was not closed within " + ANSWER, e);
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("reset");
    }
  }
}
