package dev.microstore.cli;

import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Global options for connecting to NATS securely, turned into jnats {@link Options}. */
final class ConnectionOptions {
  @Option(
      names = "--user",
      paramLabel = "USER",
      scope = ScopeType.INHERIT,
      description = "User name (with --password).")
  @Nullable String user;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      scope = ScopeType.INHERIT,
      description = "Password (with --user).")
  @Nullable String password;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description = "Authentication token.")
  @Nullable String token;

  @Option(
      names = "--creds",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "NATS credentials file (JWT and NKey seed).")
  @Nullable String creds;

  @Option(
      names = "--nkey",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "File holding an NKey user seed (SU...).")
  @Nullable String nkey;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "PEM file of the CA certificate(s) to trust; connects with TLS.")
  @Nullable String tlsCa;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      converter = Durations.class,
      description = "How long to wait for the server when connecting (default 2s).")
  @Nullable Duration connectTimeout;

  /**
   * Applies these settings to the jnats options the store builds (the servers are already set).
   * Files are read and checked at once, so that mistakes are reported before connecting.
   *
   * @throws ExitException (invalid input) for a missing file, a bad seed or PEM, or a user without
   *     a password
   */
  Consumer<Options.Builder> customizer(CliEnvironment env, boolean verbose, PrintWriter err) {
    if ((user == null) != (password == null)) {
      throw ExitException.invalidInput("--user and --password must be given together");
    }
    if (creds != null && nkey != null) {
      throw ExitException.invalidInput("--creds and --nkey cannot be combined");
    }
    AuthHandler auth = null;
    if (creds != null) {
      auth = Nats.credentials(readable(env, creds, "--creds").toString());
    } else if (nkey != null) {
      auth = NKeySeedAuth.fromFile(readable(env, nkey, "--nkey"));
    }
    SSLContext ssl = tlsCa == null ? null : PemTrust.sslContext(readable(env, tlsCa, "--tls-ca"));
    if (connectTimeout != null && connectTimeout.isZero()) {
      throw ExitException.invalidInput("--connect-timeout must be positive");
    }
    String u = user;
    String p = password;
    String t = token;
    AuthHandler a = auth;
    Duration timeout = connectTimeout;
    return b -> {
      if (u != null && p != null) {
        b.userInfo(u, p);
      }
      if (t != null) {
        b.token(t.toCharArray());
      }
      if (a != null) {
        b.authHandler(a);
      }
      if (ssl != null) {
        b.sslContext(ssl);
      }
      if (timeout != null) {
        b.connectionTimeout(timeout);
      }
      b.errorListener(new QuietErrorListener(verbose, err));
    };
  }

  private static Path readable(CliEnvironment env, String file, String option) {
    Path path = env.resolve(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ExitException.invalidInput(
          option + " file " + file + " does not exist or is not readable");
    }
    return path;
  }

  /** Reports connection trouble only with {@code --verbose}; commands report their own failures. */
  private static final class QuietErrorListener implements ErrorListener {
    private final boolean verbose;
    private final PrintWriter err;

    QuietErrorListener(boolean verbose, PrintWriter err) {
      this.verbose = verbose;
      this.err = err;
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      if (verbose) {
        err.println("microstore: nats: " + error);
        err.flush();
      }
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      if (verbose) {
        err.println("microstore: nats: " + exp);
        err.flush();
      }
    }
  }
}
