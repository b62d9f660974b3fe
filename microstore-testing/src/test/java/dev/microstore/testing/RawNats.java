package dev.microstore.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A raw NATS protocol connection for the fault tests: reads lines with a deadline, so a test can
 * tell a server that answers from one that is paused or cut off.
 */
final class RawNats implements AutoCloseable {

  /** How long a test waits for an answer it expects. */
  static final Duration ANSWER = Duration.ofSeconds(10);

  /** How long a test waits to conclude that no answer comes. */
  static final Duration SILENCE = Duration.ofMillis(500);

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  private RawNats(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Opens a TCP connection to {@code 127.0.0.1:port}; reads nothing yet. */
  static RawNats connect(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return new RawNats(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Opens a connection and reads the server's {@code INFO} line, or fails. */
  static RawNats connectAndGreet(int port) throws IOException {
    RawNats nats = connect(port);
    Optional<String> info = nats.readLine(ANSWER);
    if (info.isEmpty() || !info.get().startsWith("INFO")) {
      nats.close();
      throw new IOException("Expected INFO from port " + port + ", got " + info);
    }
    return nats;
  }

  /** Sends {@code CONNECT} and {@code PING}. */
  void ping() throws IOException {
    send("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n");
  }

  /** Sends raw protocol text. */
  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  /** Reads lines until one starts with {@code prefix}; returns whether it came within timeout. */
  boolean await(String prefix, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Optional<String> line = readLine(Duration.ofNanos(left));
      if (line.isEmpty()) {
        return false;
      }
      if (line.get().startsWith(prefix)) {
        return true;
      }
    }
  }

  /**
   * Reads one line (without its end), waiting at most {@code timeout}; empty on timeout. A line
   * begun before a timeout is completed by the next call.
   *
   * @throws IOException if the connection is closed or fails
   */
  Optional<String> readLine(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      }
      if (b == -1) {
        throw new IOException("Connection closed");
      }
      if (b == '\n') {
        String line = partial.toString(StandardCharsets.UTF_8).replace("\r", "");
        partial.reset();
        return Optional.of(line);
      }
      partial.write(b);
      if (System.nanoTime() - deadline > 0) {
        return Optional.empty();
      }
    }
  }

  /** Reads one byte, waiting at most {@code timeout}: -1 at the end of the stream. */
  int readByte(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    return in.read();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
