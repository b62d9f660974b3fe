package dev.microstore.testing;

import static dev.microstore.testing.RawNats.ANSWER;
import static dev.microstore.testing.RawNats.SILENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NatsServerPauseTest {

  @Test
  void pause_stallsConnectionsWithoutClosingThem_resumeAnswersWhatPiledUp() throws IOException {
    try (NatsServer server = NatsServer.start();
        RawNats before = RawNats.connectAndGreet(server.port())) {
      server.pause();

      assertThat(server.isPaused()).isTrue();
      assertThat(server.isRunning()).isTrue();
      assertThat(server.pid()).isPresent();
      assertThat(server.toString()).endsWith("(paused)");
      // The kernel still accepts the connection, but the frozen server sends no INFO...
      try (RawNats during = RawNats.connect(server.port())) {
        assertThat(during.readLine(SILENCE)).isEmpty();
        // ... and an open connection gets no PONG.
        before.ping();
        assertThat(before.await("PONG", SILENCE)).isFalse();

        server.resume();

        assertThat(server.isPaused()).isFalse();
        assertThat(during.await("INFO", ANSWER)).isTrue();
        assertThat(before.await("PONG", ANSWER)).isTrue();
      }
      server.pause(); // twice is fine
      server.pause();
      server.resume();
      server.resume();
      try (RawNats after = RawNats.connectAndGreet(server.port())) {
        after.ping();
        assertThat(after.await("PONG", ANSWER)).isTrue();
      }
    }
  }

  @Test
  void stopKillRestartAndClose_workOnAPausedServer() throws IOException {
    NatsServer server = NatsServer.start();
    Path tempDir = server.tempDir();
    try {
      server.pause();
      server.restart();
      assertThat(server.isRunning()).isTrue();
      assertThat(server.isPaused()).isFalse();
      assertAnswers(server);

      server.pause();
      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThat(server.isPaused()).isFalse();
      assertThat(server.exitCode()).isPresent();
      assertThat(server.exitCode().getAsInt()).isNotEqualTo(137); // stopped, not killed
      assertThatThrownBy(server::pause)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot pause a nats-server that is not running");
      server.resume(); // not paused: nothing to do

      server.restart();
      server.pause();
      server.kill();
      assertThat(server.exitCode()).hasValue(137);
      assertThat(server.isPaused()).isFalse();

      server.restart();
      assertAnswers(server);
      server.pause();
      server.close();
      assertThat(server.isRunning()).isFalse();
      assertThat(tempDir).doesNotExist();
    } finally {
      server.close();
    }
  }

  private static void assertAnswers(NatsServer server) throws IOException {
    try (RawNats nats = RawNats.connectAndGreet(server.port())) {
      nats.ping();
      assertThat(nats.await("PONG", ANSWER)).isTrue();
    }
  }
}
