package dev.microstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on {@code 127.0.0.1} that forwards every connection to a target, and can cut, stall
 * or slow them: the network faults a client sees between itself and a server.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.start();
 *     TcpProxy proxy = TcpProxy.start(server)) {
 *   Connection nc = Nats.connect(proxy.url()); // the client talks to the server through the proxy
 *   proxy.cutConnections();                    // every open connection is closed; new ones work
 *   proxy.block();                             // a partition: nothing passes, new connections fail
 *   proxy.unblock();
 *   proxy.delay(Duration.ofMillis(50));        // 50 ms more on every chunk, each way
 * }
 * }</pre>
 *
 * <p>Each connection is forwarded by two daemon threads, one each way; at most {@value
 * #MAX_CONNECTIONS} connections are open at once (more are closed at once). The proxy listens on a
 * free port chosen by the system when it starts, which stays the same until {@link #close()}.
 *
 * <p>Instances are thread-safe. No method accepts or returns {@code null}.
 */
public final class TcpProxy implements AutoCloseable {

  /** The most connections open at once; the proxy closes any further one at once. */
  public static final int MAX_CONNECTIONS = 256;

  private static final int CONNECT_TIMEOUT_MILLIS = 2000;
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final long GATE_WAIT_MILLIS = 1000;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextId = new AtomicInteger();

  /**
   * Guards {@link #blocked}, {@link #delayNanos} and {@link #closed}; notified when they change.
   */
  private final Object gate = new Object();

  private boolean blocked;
  private long delayNanos;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    try {
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 128);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port() + "-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy to {@code host:port}.
   *
   * @param host the target's host name or address; best a loopback one, such as {@code 127.0.0.1}
   * @param port the target's port, between 1 and 65535
   * @return the started proxy, accepting connections
   * @throws IllegalArgumentException if {@code host} is empty or {@code port} is out of range
   * @throws UncheckedIOException if the proxy cannot listen on {@code 127.0.0.1}
   */
  public static TcpProxy start(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("target host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("target port must be between 1 and 65535: " + port);
    }
    TcpProxy proxy;
    try {
      proxy = new TcpProxy(InetSocketAddress.createUnresolved(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on 127.0.0.1 for a proxy to " + host, e);
    }
    proxy.acceptor.start();
    return proxy;
  }

  /**
   * Starts a proxy to a server's client port, {@code 127.0.0.1:server.port()}. The proxy keeps
   * forwarding to that port across the server's restarts.
   *
   * @param server the server
   * @return the started proxy, accepting connections
   * @throws UncheckedIOException if the proxy cannot listen on {@code 127.0.0.1}
   */
  public static TcpProxy start(NatsServer server) {
    return start("127.0.0.1", Objects.requireNonNull(server, "server").port());
  }

  /**
   * Returns the URL a NATS client connects to, {@code nats://127.0.0.1:PORT}.
   *
   * @return the URL, with the proxy's port
   */
  public String url() {
    return "nats://127.0.0.1:" + port();
  }

  /**
   * Returns the port the proxy listens on.
   *
   * @return the port on {@code 127.0.0.1}
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Returns the target, as {@code host:port}.
   *
   * @return where the proxy forwards connections
   */
  public String target() {
    return target.getHostString() + ":" + target.getPort();
  }

  /**
   * Returns how many connections are open through the proxy now.
   *
   * @return the number of open connections
   */
  public int connections() {
    return links.size();
  }

  /**
   * Closes every open connection now, on both sides, the way a broken network or a restarted load
   * balancer would: the client reads end-of-stream (or a reset, if the proxy had bytes to it still
   * unread). New connections are accepted as before.
   */
  public void cutConnections() {
    for (Link link : links) {
      link.close();
    }
  }

  /**
   * Starts a partition, as the client sees it: new connections are closed at once (with a reset),
   * and open connections stop forwarding bytes both ways, held open until {@link #unblock()}, so
   * the client sees them stall. Does nothing if already blocked.
   */
  public void block() {
    synchronized (gate) {
      blocked = true;
      gate.notifyAll();
    }
  }

  /**
   * Ends a partition: held bytes are forwarded and new connections accepted again. Does nothing if
   * not blocked.
   */
  public void unblock() {
    synchronized (gate) {
      blocked = false;
      gate.notifyAll();
    }
  }

  /**
   * Tells whether the proxy is {@linkplain #block() blocked}.
   *
   * @return {@code true} between {@link #block()} and {@link #unblock()}
   */
  public boolean isBlocked() {
    synchronized (gate) {
      return blocked;
    }
  }

  /**
   * Adds latency: every chunk of bytes read from either side waits {@code delay} before it is
   * written to the other, so a request and its answer take at least twice {@code delay} more. As
   * chunks are forwarded one after another, the delay also limits each direction to about 64 KiB
   * per {@code delay}. Applies to open connections too.
   *
   * @param delay the latency to add; {@link Duration#ZERO} removes it
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public void delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    long nanos;
    try {
      nanos = delay.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("delay must be at most 292 years: " + delay, e);
    }
    synchronized (gate) {
      delayNanos = nanos;
      gate.notifyAll();
    }
  }

  /**
   * Returns the latency {@link #delay(Duration)} added.
   *
   * @return the delay, {@link Duration#ZERO} if none
   */
  public Duration delay() {
    synchronized (gate) {
      return Duration.ofNanos(delayNanos);
    }
  }

  /**
   * Stops listening and closes every open connection. Calling it again does nothing; afterwards the
   * other controls do nothing.
   */
  @Override
  public void close() {
    synchronized (gate) {
      if (closed) {
        return;
      }
      closed = true;
      gate.notifyAll();
    }
    try {
      listener.close();
    } catch (IOException e) {
      // Closing is best effort.
    }
    cutConnections();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Returns for example {@code TCP proxy 127.0.0.1:40123 -> 127.0.0.1:4222 (2 connections,
   * blocked)}.
   *
   * @return a description of this proxy
   */
  @Override
  public String toString() {
    Duration d = delay();
    return "TCP proxy 127.0.0.1:"
        + port()
        + " -> "
        + target()
        + " ("
        + connections()
        + " connections"
        + (isBlocked() ? ", blocked" : "")
        + (d.isZero() ? "" : ", delay " + d.toMillis() + " ms")
        + (closed ? ", closed" : "")
        + ")";
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          Support.pause(10); // for example too many open files: try again shortly
        }
        continue;
      }
      if (isBlocked() || closed || links.size() >= MAX_CONNECTIONS) {
        reset(client);
        continue;
      }
      Socket server = new Socket();
      try {
        InetSocketAddress resolved =
            new InetSocketAddress(target.getHostString(), target.getPort());
        server.connect(resolved, CONNECT_TIMEOUT_MILLIS);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        // The target is down: the client sees its connection closed at once.
        closeQuietly(server);
        reset(client);
        continue;
      }
      Link link = new Link(nextId.incrementAndGet(), client, server);
      links.add(link);
      link.start();
      if (closed) {
        link.close(); // close() may have cut the connections just before this one was added
      }
    }
  }

  /** Closes a socket with a reset (RST), as a refused or broken connection. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // Then a plain close.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is best effort.
    }
  }

  /**
   * Waits until a chunk read at {@code readAt} may be forwarded: not blocked and its delay passed.
   *
   * @return {@code false} if the link or the proxy closed meanwhile
   */
  private boolean awaitForward(Link link, long readAt) {
    synchronized (gate) {
      while (true) {
        if (closed || link.isClosed()) {
          return false;
        }
        long wait =
            blocked
                ? TimeUnit.MILLISECONDS.toNanos(GATE_WAIT_MILLIS)
                : delayNanos - (System.nanoTime() - readAt);
        if (wait <= 0) {
          return true;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(gate, wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /** One proxied connection: the client's socket, the target's, and a thread each way. */
  private final class Link {
    private final int id;
    private final Socket client;
    private final Socket server;
    private final AtomicInteger finished = new AtomicInteger();
    private volatile boolean done;

    Link(int id, Socket client, Socket server) {
      this.id = id;
      this.client = client;
      this.server = server;
    }

    void start() {
      thread("up", client, server).start();
      thread("down", server, client).start();
    }

    private Thread thread(String direction, Socket from, Socket to) {
      Thread t =
          new Thread(() -> pump(from, to), "tcp-proxy-" + port() + "-" + id + "-" + direction);
      t.setDaemon(true);
      return t;
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[BUFFER_SIZE];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int n = in.read(buffer);
          long readAt = System.nanoTime();
          if (!awaitForward(this, readAt)) {
            close();
            return;
          }
          if (n < 0) {
            to.shutdownOutput(); // pass the end of the stream on
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        close(); // one side reset or closed: so does the other
        return;
      }
      if (finished.incrementAndGet() == 2) {
        close();
      }
    }

    boolean isClosed() {
      return done;
    }

    void close() {
      done = true;
      closeQuietly(client);
      closeQuietly(server);
      links.remove(this);
      synchronized (gate) {
        gate.notifyAll();
      }
    }
  }
}
