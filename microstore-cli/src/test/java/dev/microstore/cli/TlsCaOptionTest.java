package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.testing.NatsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls-ca} against a TLS server whose certificate a test CA (made with openssl) signed. */
class TlsCaOptionTest {
  @TempDir static Path tmp;

  private static NatsServer server;

  @BeforeAll
  static void startServer() throws Exception {
    assumeTrue(openssl("version"), "openssl is needed to make the test certificates");
    assertThat(
            openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=microstore test CA"))
        .isTrue();
    assertThat(
            openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1"))
        .isTrue();
    Files.writeString(tmp.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    assertThat(
            openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf"))
        .isTrue();
    server =
        NatsServer.builder()
            .extraConfig(
                "tls {\n  cert_file: \""
                    + tmp.resolve("server.pem")
                    + "\"\n  key_file: \""
                    + tmp.resolve("server.key")
                    + "\"\n}")
            .start();
  }

  private static boolean openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return false;
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      System.err.println(output);
      return false;
    }
    return true;
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tlsCa_trustsTheServer() {
    Cli.Result r =
        Cli.with("--server", server.url(), "--tls-ca", tmp.resolve("ca.pem").toString())
            .run("write", "k", "v");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void withoutTheCa_exits1() {
    Cli.Result r = Cli.with("--server", server.url(), "--connect-timeout", "2s").run("list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
  }

  @Test
  void notAPemFile_exits2() throws IOException {
    Path bad = tmp.resolve("bad.pem");
    Files.writeString(bad, "hello\n");
    Cli.Result r = Cli.with("--server", server.url(), "--tls-ca", bad.toString()).run("list");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).startsWith("microstore: --tls-ca file " + bad + " ");
  }
}
