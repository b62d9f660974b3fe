package dev.microstore.testing;

import static dev.microstore.testing.TestSupport.jsonNumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NatsServerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @ParameterizedTest
  @ValueSource(strings = {"stable", "newest"})
  void startsKillsAndRestartsWithItsData(String which) throws IOException {
    NatsServerBinary binary = TestSupport.binary(which);
    NatsServer server = NatsServer.builder().binary(binary).start();
    Path tempDir = server.tempDir();
    try {
      int port = server.port();
      Path storeDir = server.storeDir();

      assertThat(server.isRunning()).isTrue();
      assertThat(server.binary()).isEqualTo(binary);
      assertThat(server.url()).isEqualTo("nats://127.0.0.1:" + port);
      assertThat(server.monitorUrl()).startsWith("http://127.0.0.1:");
      assertThat(server.pid()).isPresent();
      assertThat(server.exitCode()).isEmpty();
      assertThat(Support.portAccepts(port)).isTrue();
      assertThat(Support.natsPortReady(port, server.serverName())).isTrue();
      assertThat(server.monitoringGet("/varz"))
          .contains("\"version\": \"" + binary.version() + "\"");
      assertThat(Files.readString(server.configFile()))
          .contains("listen: \"127.0.0.1:" + port + "\"")
          .contains("max_mem_store: 256MB")
          .contains("max_file_store: 1GB");
      assertThat(server.logFile()).isRegularFile();
      assertThat(Support.Registry.isRegistered(server)).isTrue();
      assertThat(Support.Registry.hookRegistered()).isTrue();

      // A stream, made over the raw protocol, to see JetStream data survive.
      assertThat(
              TestSupport.request(
                  port,
                  "$JS.API.STREAM.CREATE.T",
                  "{\"name\":\"T\",\"subjects\":[\"t.>\"],\"storage\":\"file\"}"))
          .contains("stream_create_response")
          .doesNotContain("\"error\"");
      assertThat(TestSupport.request(port, "t.1", "hello")).contains("\"stream\":\"T\"");
      assertThat(jsonNumber(server.monitoringGet("/jsz"), "streams")).isEqualTo(1);

      server.kill();

      assertThat(server.isRunning()).isFalse();
      assertThat(server.exitCode()).hasValue(137); // 128 + SIGKILL (9)
      assertThat(server.pid()).isEmpty();
      assertThat(Support.portAccepts(port)).isFalse();

      server.restart();

      assertThat(server.isRunning()).isTrue();
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.storeDir()).isEqualTo(storeDir);
      assertThat(storeDir.resolve("jetstream")).isDirectory();
      assertThat(Support.portAccepts(port)).isTrue();
      assertThat(jsonNumber(server.monitoringGet("/jsz"), "streams")).isEqualTo(1);

      // Graceful stop and restart keep the message too.
      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThat(server.exitCode()).isPresent();
      assertThat(server.exitCode().getAsInt()).isNotEqualTo(137);
      server.restart();
      String jsz = server.monitoringGet("/jsz");
      assertThat(jsonNumber(jsz, "streams")).isEqualTo(1);
      assertThat(jsonNumber(jsz, "messages")).isEqualTo(1);
      assertThat(Files.readString(server.logFile())).contains("Server is ready");

      server.close();

      assertThat(server.isRunning()).isFalse();
      assertThat(Support.portAccepts(port)).isFalse();
      assertThat(tempDir).doesNotExist();
      assertThat(Support.Registry.isRegistered(server)).isFalse();
      assertThatThrownBy(server::restart)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    } finally {
      server.close();
    }
    assertThat(tempDir).doesNotExist();
  }

  @Test
  void extraConfigIsAppliedAndJetStreamAndMonitoringCanBeTurnedOff(@TempDir Path store)
      throws IOException {
    NatsServer server =
        NatsServer.builder()
            .jetStream(false)
            .monitoring(false)
            .serverName("plain")
            .storeDir(store)
            .extraConfig("max_payload: 65536")
            .extraConfig("max_connections: 100")
            .start();
    try {
      assertThat(server.serverName()).isEqualTo("plain");
      assertThat(Files.readString(server.configFile()))
          .contains("max_payload: 65536\nmax_connections: 100")
          .doesNotContain("jetstream")
          .doesNotContain("http:");
      assertThatThrownBy(server::monitorUrl).isInstanceOf(IllegalStateException.class);
      assertThat(Support.natsPortReady(server.port(), "plain")).isTrue();
      assertThat(TestSupport.info(server.port()))
          .contains("\"max_payload\":65536")
          .doesNotContain("\"jetstream\":true");
      server.close();
      assertThat(server.tempDir()).doesNotExist();
    } finally {
      server.close();
    }
    assertThat(store).isDirectory(); // a given store dir is not deleted
  }

  @Test
  void serversGetDistinctPorts() {
    try (NatsServer a = NatsServer.start();
        NatsServer b = NatsServer.builder().start()) {
      assertThat(a.port()).isNotEqualTo(b.port());
      assertThat(a.monitorUrl()).isNotEqualTo(b.monitorUrl());
      assertThat(a.storeDir()).isNotEqualTo(b.storeDir());
    }
  }

  @Test
  void aTakenFixedPortFailsWithTheServersLog() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      NatsServer.Builder builder = NatsServer.builder().port(taken.getLocalPort());
      assertThatThrownBy(builder::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("nats-server exited during start-up")
          .hasMessageContaining("address already in use");
    }
  }

  @Test
  void badExtraConfigFailsWithTheServersLog() {
    NatsServer.Builder builder = NatsServer.builder().extraConfig("this is { not valid");
    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nats-server exited during start-up")
        .hasMessageContaining("Parse error")
        .hasMessageContaining("nats-server.conf ---")
        .hasMessageContaining("this is { not valid");
  }

  @Test
  void aMissingBinaryGivesAClearMessage() {
    assertThatThrownBy(
            () ->
                NatsServer.builder()
                    .binary(NatsServerBinary.at(Path.of("/nonexistent/nats-server")))
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/nats-server")
        .hasMessageContaining("scripts/install-nats-server.sh");
  }

  @Test
  void freePortsAreNotReused() {
    int a = FreePorts.next();
    int b = FreePorts.next();
    assertThat(a).isNotEqualTo(b).isBetween(1, 65535);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> NatsServer.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NatsServer.builder().serverName("a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
