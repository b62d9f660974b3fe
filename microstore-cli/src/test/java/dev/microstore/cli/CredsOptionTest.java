package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.nats.TestCredentials;
import dev.microstore.testing.NatsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --creds} (a user JWT and its seed) against a server in operator mode. */
class CredsOptionTest {
  @TempDir static Path tmp;

  private static NatsServer server;
  private static Path creds;
  private static Path foreign;

  @BeforeAll
  static void startServer() throws Exception {
    TestCredentials trusted = TestCredentials.create();
    creds = tmp.resolve("user.creds");
    Files.writeString(creds, trusted.credsFile);
    foreign = tmp.resolve("foreign.creds");
    Files.writeString(foreign, TestCredentials.create().credsFile);
    server = NatsServer.builder().extraConfig(trusted.serverConfig).start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void credsFile_connects() {
    Cli cli = Cli.with("--server", server.url(), "--creds", creds.toString());
    Cli.Result write = cli.run("write", "k", "v");
    assertThat(write.exitCode()).as(write.toString()).isZero();
    Cli.Result list = cli.run("list");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.lines()).containsExactly("k");
  }

  @Test
  void credsOfAnUntrustedAccount_exit1_sayingAuthenticationFailed() {
    Cli.Result r = Cli.with("--server", server.url(), "--creds", foreign.toString()).run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(r.err()).contains("authentication failed");
  }

  @Test
  void missingCredsFile_exits2() {
    Cli.Result r =
        Cli.with("--server", server.url(), "--creds", tmp.resolve("nope.creds").toString())
            .run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
  }
}
