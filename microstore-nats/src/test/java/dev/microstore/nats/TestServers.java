package dev.microstore.nats;

import dev.microstore.testing.NatsServer;
import dev.microstore.testing.NatsServerBinary;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * The nats-server the NATS tests of this JVM share. System property {@code microstore.test.server}
 * chooses the binary: {@code stable} (default: {@link NatsServerBinary#find()}) or {@code newest}
 * ({@link NatsServerBinary#newest()}, which must exist).
 */
final class TestServers {
  private static NatsServer shared;

  private TestServers() {}

  static synchronized NatsServer shared() {
    if (shared == null || !shared.isRunning()) {
      shared = NatsServer.builder().binary(binary()).start();
    }
    return shared;
  }

  /** Whether this JVM tests against the newest server ({@code microstore.test.server=newest}). */
  static boolean newest() {
    return System.getProperty("microstore.test.server", "stable").equals("newest");
  }

  static NatsServerBinary binary() {
    if (newest()) {
      return NatsServerBinary.newest()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "microstore.test.server=newest but no newest nats-server was found:"
                          + " run scripts/install-nats-server.sh"));
    }
    return NatsServerBinary.find();
  }

  static boolean nativeTtl() {
    return shared().binary().isAtLeast(2, 11);
  }

  /** A raw jnats connection, standing in for another process or a Go service. */
  static Connection rawConnection() throws Exception {
    return Nats.connect(new Options.Builder().server(shared().url()).build());
  }
}
