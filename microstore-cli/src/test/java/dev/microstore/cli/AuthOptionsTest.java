package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.testing.NatsServer;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --user/--password} and {@code --nkey} against a server that requires them. */
class AuthOptionsTest {
  @TempDir static Path tmp;

  private static NatsServer server;
  private static Path seedFile;

  @BeforeAll
  static void startServer() throws Exception {
    NKey user = NKey.createUser(new SecureRandom());
    seedFile = tmp.resolve("user.nk");
    Files.writeString(seedFile, new String(user.getSeed()) + "\n");
    server =
        NatsServer.builder()
            .extraConfig(
                "authorization {\n  users = [\n    { user: \"alice\", password: \"s3cret\" }\n"
                    + "    { nkey: \""
                    + new String(user.getPublicKey())
                    + "\" }\n  ]\n}")
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void userAndPassword_connect() {
    Cli.Result r =
        Cli.with("--server", server.url(), "--user", "alice", "--password", "s3cret")
            .run("write", "k", "v");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void wrongPassword_exits1() {
    Cli.Result r =
        Cli.with("--server", server.url(), "--user", "alice", "--password", "wrong").run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(r.err()).startsWith("microstore: cannot connect to NATS at nats://127.0.0.1:");
    assertThat(r.err()).contains("authentication failed");
    assertThat(r.err()).doesNotContain("wrong");
  }

  @Test
  void nkeySeedFile_connects() {
    Cli.Result r = Cli.with("--server", server.url(), "--nkey", seedFile.toString()).run("list");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void nkeyFileWithoutSeed_exits2() throws Exception {
    Path bad = tmp.resolve("bad.nk");
    Files.writeString(bad, "not a seed\n");
    Cli.Result r = Cli.with("--server", server.url(), "--nkey", bad.toString()).run("list");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "microstore: --nkey file " + bad + " holds no NKey seed (a line starting with SU)\n");
  }

  @Test
  void noCredentials_exits1() {
    Cli.Result r = Cli.with("--server", server.url()).run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
  }
}
