package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.testing.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code --token} against a server that requires a token. */
class TokenOptionTest {
  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().extraConfig("authorization { token: \"t0k3n\" }").start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void token_connects() {
    Cli.Result r = Cli.with("--server", server.url(), "--token", "t0k3n").run("write", "k", "v");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void wrongToken_exits1() {
    Cli.Result r = Cli.with("--server", server.url(), "--token", "nope").run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(r.err()).contains("authentication failed").doesNotContain("nope");
  }
}
