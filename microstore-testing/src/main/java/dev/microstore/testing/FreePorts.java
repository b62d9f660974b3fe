package dev.microstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out TCP ports that are free on {@code 127.0.0.1}.
 *
 * <p>A port is found by binding a socket to port 0 on {@code 127.0.0.1}, reading the port the
 * system chose and closing the socket. A port is handed out at most once per JVM, so two servers
 * started by the same tests never get the same port. Another process may still take a port between
 * the moment it is handed out and the moment a server binds it; {@link NatsServer} retries with new
 * ports when that happens.
 */
public final class FreePorts {

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final InetAddress LOOPBACK = loopback();

  private FreePorts() {}

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Returns a TCP port that is free on {@code 127.0.0.1} and was not handed out before in this JVM.
   *
   * @return a port number between 1 and 65535
   * @throws UncheckedIOException if no socket can be bound
   * @throws IllegalStateException if no new free port is found after many attempts
   */
  public static int next() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot bind a socket on 127.0.0.1 to find a free port", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No free TCP port on 127.0.0.1 that was not handed out before");
  }
}
