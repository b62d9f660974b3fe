package dev.microstore.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Package-private helpers: HTTP, TCP probes, log tails, file deletion, the process registry. */
final class Support {

  private Support() {}

  /** An HTTP response: status code and body. */
  record Response(int status, String body) {}

  /**
   * Sends {@code GET url} with short timeouts.
   *
   * @throws IOException if the server cannot be reached or the exchange fails
   */
  static Response httpGet(String url) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(3000);
      connection.setUseCaches(false);
      connection.setRequestProperty("Connection", "close");
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String body = "";
      if (in != null) {
        try (in) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return new Response(status, body);
    } finally {
      connection.disconnect();
    }
  }

  /**
   * Connects to {@code 127.0.0.1:port} and, if the server greets with a NATS {@code INFO} line,
   * checks that it carries {@code "server_name":"<serverName>"}.
   *
   * @return {@code true} if the port accepts connections and is not another NATS server
   */
  static boolean natsPortReady(int port, String serverName) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(1000);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      try {
        int b;
        while (line.size() < 16 * 1024 && (b = in.read()) != -1 && b != '\n') {
          line.write(b);
        }
      } catch (SocketTimeoutException e) {
        // No greeting (for example TLS first): the port accepts connections, that is enough.
        return true;
      }
      String info = line.toString(StandardCharsets.UTF_8);
      if (!info.startsWith("INFO")) {
        return !info.isEmpty();
      }
      return info.replace(" ", "").contains("\"server_name\":\"" + serverName + "\"");
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns whether {@code 127.0.0.1:port} accepts TCP connections. */
  static boolean portAccepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns the last {@code maxLines} lines of {@code file} from byte {@code offset} on. */
  static String tail(Path file, long offset, int maxLines) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long start = Math.max(offset, length - 64 * 1024);
      if (start >= length) {
        return "(the log is empty)";
      }
      byte[] bytes = new byte[(int) (length - start)];
      raf.seek(start);
      raf.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
      Deque<String> last = new ArrayDeque<>();
      for (String l : lines) {
        last.addLast(l);
        if (last.size() > maxLines) {
          last.removeFirst();
        }
      }
      return String.join(System.lineSeparator(), last);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** Returns whether the log from byte {@code offset} on contains {@code text}. */
  static boolean logContains(Path file, long offset, String text) {
    return tail(file, offset, Integer.MAX_VALUE).contains(text);
  }

  /** Returns the size of {@code file}, 0 if it does not exist. */
  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Deletes {@code dir} and everything below it; ignores files that vanish meanwhile. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes {@code dir} recursively, ignoring failures. */
  static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException | RuntimeException e) {
      // Best effort: a leftover temporary directory is not worth failing for.
    }
  }

  /** Sleeps for {@code millis}, or throws if interrupted (after restoring the flag). */
  static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for nats-server", e);
    }
  }

  /**
   * Every {@link NatsServer} that was started and not closed, killed by a JVM shutdown hook that is
   * registered once, when the first server registers.
   */
  static final class Registry {
    private static final Set<NatsServer> SERVERS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_REGISTERED = new AtomicBoolean();

    private Registry() {}

    static void register(NatsServer server) {
      if (HOOK_REGISTERED.compareAndSet(false, true)) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(Registry::reapAll, "microstore-nats-server-reaper"));
      }
      SERVERS.add(server);
    }

    static void unregister(NatsServer server) {
      SERVERS.remove(server);
    }

    static boolean isRegistered(NatsServer server) {
      return SERVERS.contains(server);
    }

    static boolean hookRegistered() {
      return HOOK_REGISTERED.get();
    }

    /** Kills every registered server's process and deletes its temporary files. */
    static void reapAll() {
      NatsServer[] servers = SERVERS.toArray(new NatsServer[0]);
      for (NatsServer server : servers) {
        server.reapKill();
      }
      for (NatsServer server : servers) {
        server.reapCleanup();
      }
    }
  }
}
