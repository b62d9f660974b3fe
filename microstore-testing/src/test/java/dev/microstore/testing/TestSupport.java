package dev.microstore.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for this module's tests: picking a binary, polling, a minimal NATS request. */
final class TestSupport {

  private TestSupport() {}

  /** "stable" is {@link NatsServerBinary#find()}; "newest" is skipped when not installed. */
  static NatsServerBinary binary(String which) {
    if (which.equals("stable")) {
      return NatsServerBinary.find();
    }
    Optional<NatsServerBinary> newest = NatsServerBinary.newest();
    assumeTrue(
        newest.isPresent(),
        "no newest nats-server (run scripts/install-nats-server.sh to fetch Debian testing's)");
    return newest.get();
  }

  /** Polls {@code condition} with a small backoff until it holds; fails after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 10;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "Timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Support.pause(pause);
      pause = Math.min(pause * 2, 200);
    }
  }

  /** Reads an integer field such as {@code "streams": 1} from a monitoring JSON body. */
  static long jsonNumber(String json, String field) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(\\d+)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("No numeric field " + field + " in " + json);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Sends one request over the raw NATS protocol (no client library) and returns the reply's
   * payload.
   */
  static String request(int port, String subject, String payload) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      String info = readLine(in);
      if (!info.startsWith("INFO")) {
        throw new IOException("Expected INFO, got: " + info);
      }
      byte[] body = payload.getBytes(StandardCharsets.UTF_8);
      String inbox = "_INBOX.microstore-test";
      String command =
          "CONNECT {\"verbose\":false,\"pedantic\":false,\"lang\":\"java\",\"version\":\"0\"}\r\n"
              + "SUB "
              + inbox
              + " 1\r\n"
              + "PUB "
              + subject
              + " "
              + inbox
              + " "
              + body.length
              + "\r\n"
              + payload
              + "\r\n";
      out.write(command.getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String line = readLine(in);
        if (line.startsWith("PING")) {
          out.write("PONG\r\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        } else if (line.startsWith("-ERR")) {
          throw new IOException("Server error: " + line);
        } else if (line.startsWith("MSG ")) {
          String[] parts = line.split(" ");
          int size = Integer.parseInt(parts[parts.length - 1]);
          byte[] reply = in.readNBytes(size);
          readLine(in);
          return new String(reply, StandardCharsets.UTF_8);
        }
      }
    }
  }

  /** Returns the server's INFO line. */
  static String info(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      return readLine(socket.getInputStream());
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b == -1 && line.size() == 0) {
      throw new IOException("Connection closed");
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
