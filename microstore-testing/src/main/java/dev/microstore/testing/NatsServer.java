package dev.microstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real {@code nats-server} process with JetStream, for tests: one node, listening on {@code
 * 127.0.0.1}.
 *
 * <p>Start one with {@code NatsServer.builder().start()} (or {@link #start()} for all defaults) and
 * close it when done, best in a try-with-resources block:
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.builder().start()) {
 *   String url = server.url(); // nats://127.0.0.1:PORT
 *   ...
 *   server.kill();    // SIGKILL: a crash
 *   server.restart(); // same port, same store directory, same configuration
 *   server.pause();   // SIGSTOP: the process is frozen, connections stay open but stall
 *   server.resume();  // SIGCONT
 * }
 * }</pre>
 *
 * <p>The server runs from a configuration file written into its own temporary directory, which also
 * holds its log file ({@link #logFile()}) and, unless {@link Builder#storeDir(Path)} was given, its
 * JetStream store directory. {@link #close()} stops the server and deletes that temporary
 * directory.
 *
 * <p>Every server that is started is also recorded in a JVM-wide registry: a shutdown hook
 * (registered once) kills every server that was not closed and deletes its temporary directory, so
 * a test that forgets to close a server leaks no process.
 *
 * <p>Instances are thread-safe. No method accepts or returns {@code null}.
 */
public final class NatsServer implements AutoCloseable {

  /** How long {@link Builder#start()} and {@link #restart()} wait for the server to be ready. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final String PORT_IN_USE = "address already in use";
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final NatsServerBinary binary;
  private final String serverName;
  private final int port;
  private final int monitorPort;
  private final boolean jetStream;
  private final Path tempDir;
  private final Path configFile;
  private final Path logFile;
  private final Path storeDir;
  private final String healthPath;

  private volatile Process process;
  private volatile Process pausedProcess;
  private volatile long logOffset;
  private boolean closed;

  private NatsServer(Builder builder, NatsServerBinary binary, int port, int monitorPort)
      throws IOException {
    this.binary = binary;
    this.port = port;
    this.monitorPort = monitorPort;
    this.jetStream = builder.jetStream;
    this.serverName =
        builder.serverName != null
            ? builder.serverName
            : "microstore-"
                + port
                + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    this.tempDir = Files.createTempDirectory("microstore-nats-" + port + "-");
    this.configFile = tempDir.resolve("nats-server.conf");
    this.logFile = tempDir.resolve("nats-server.log");
    this.storeDir = builder.storeDir != null ? builder.storeDir : tempDir.resolve("store");
    if (!jetStream) {
      this.healthPath = "/healthz";
    } else if (builder.clusterConfig != null) {
      // A cluster node is healthy only once its cluster has a meta leader; NatsCluster waits for
      // that itself, a node on its own only waits until JetStream is enabled.
      this.healthPath = "/healthz?js-enabled-only=true";
    } else {
      this.healthPath = "/healthz";
    }
    try {
      Files.createDirectories(storeDir);
      Files.writeString(configFile, config(builder), StandardCharsets.UTF_8);
    } catch (IOException e) {
      Support.deleteQuietly(tempDir);
      throw e;
    }
  }

  private String config(Builder builder) {
    StringBuilder c = new StringBuilder();
    c.append("# Written by dev.microstore.testing.NatsServer\n");
    c.append("server_name: ").append(quote(serverName)).append('\n');
    c.append("listen: ").append(quote("127.0.0.1:" + port)).append('\n');
    if (monitorPort > 0) {
      c.append("http: ").append(quote("127.0.0.1:" + monitorPort)).append('\n');
    }
    if (jetStream) {
      c.append("jetstream {\n");
      c.append("  store_dir: ").append(quote(storeDir.toAbsolutePath().toString())).append('\n');
      c.append("  max_mem_store: 256MB\n");
      c.append("  max_file_store: 1GB\n");
      c.append("}\n");
    }
    if (builder.clusterConfig != null) {
      c.append(builder.clusterConfig).append('\n');
    }
    if (builder.extraConfig.length() > 0) {
      c.append("# Extra configuration\n").append(builder.extraConfig).append('\n');
    }
    return c.toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * Returns a new builder, with every setting at its default.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a server with every setting at its default: the binary from {@link
   * NatsServerBinary#find()}, free ports, JetStream and monitoring on.
   *
   * @return the started, ready server
   * @throws IllegalStateException as {@link Builder#start()}
   */
  public static NatsServer start() {
    return builder().start();
  }

  /** Builds and starts a {@link NatsServer}. Not thread-safe; {@code null} is never accepted. */
  public static final class Builder {
    private NatsServerBinary binary;
    private int port;
    private int monitorPort;
    private Path storeDir;
    private final StringBuilder extraConfig = new StringBuilder();
    private boolean jetStream = true;
    private boolean monitoring = true;
    private String serverName;
    private String clusterConfig;

    private Builder() {}

    /**
     * Sets the binary to run. Default: {@link NatsServerBinary#find()}, looked up at {@link
     * #start()}.
     *
     * @param binary the binary
     * @return this builder
     */
    public Builder binary(NatsServerBinary binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /**
     * Sets the client port on {@code 127.0.0.1}. Default: a free port from {@link
     * FreePorts#next()}, replaced by another one if some other process takes it first.
     *
     * @param port a port between 1 and 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /**
     * Sets the JetStream store directory, which is then neither emptied nor deleted by {@link
     * NatsServer#close()}. Default: a new directory inside the server's temporary directory,
     * deleted on close.
     *
     * @param storeDir the directory; created if missing
     * @return this builder
     */
    public Builder storeDir(Path storeDir) {
      this.storeDir = Objects.requireNonNull(storeDir, "storeDir").toAbsolutePath();
      return this;
    }

    /**
     * Appends raw nats-server configuration text to the generated configuration file, for accounts,
     * users, TLS, authorization and the like. Calls add up, each on its own lines, after the
     * generated settings ({@code server_name}, {@code listen}, {@code http}, {@code jetstream}), so
     * a key given here overrides a generated one. Default: none.
     *
     * @param config configuration text in nats-server's format
     * @return this builder
     */
    public Builder extraConfig(String config) {
      Objects.requireNonNull(config, "config");
      if (extraConfig.length() > 0) {
        extraConfig.append('\n');
      }
      extraConfig.append(config);
      return this;
    }

    /**
     * Turns JetStream on or off. Default: on, with {@code max_mem_store: 256MB} and {@code
     * max_file_store: 1GB}.
     *
     * @param enabled whether JetStream is enabled
     * @return this builder
     */
    public Builder jetStream(boolean enabled) {
      this.jetStream = enabled;
      return this;
    }

    /**
     * Turns the HTTP monitoring endpoint (on a free port of {@code 127.0.0.1}) on or off. Default:
     * on. Without it, readiness is only that the client port accepts connections, and {@link
     * NatsServer#monitorUrl()} fails.
     *
     * @param enabled whether monitoring is enabled
     * @return this builder
     */
    public Builder monitoring(boolean enabled) {
      this.monitoring = enabled;
      return this;
    }

    /**
     * Sets the server's name ({@code server_name}). Default: {@code microstore-<port>-<random>}.
     *
     * @param name letters, digits, {@code .}, {@code _} and {@code -} only
     * @return this builder
     * @throws IllegalArgumentException if {@code name} has other characters or is empty
     */
    public Builder serverName(String name) {
      Objects.requireNonNull(name, "name");
      if (!SERVER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Server name must match " + SERVER_NAME.pattern() + ": '" + name + "'");
      }
      this.serverName = name;
      return this;
    }

    /** Fixes the monitoring port (for cluster nodes); 0 means a free one. */
    Builder monitorPort(int port) {
      this.monitorPort = checkPort(port);
      return this;
    }

    /** Adds a {@code cluster { ... }} block (for cluster nodes). */
    Builder clusterConfig(String config) {
      this.clusterConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Starts the server and waits until it is ready: its client port accepts connections and, with
     * monitoring on, {@code GET /healthz} answers 200 (with JetStream on, that also means JetStream
     * is ready). Waits at most {@link #READY_TIMEOUT}.
     *
     * @return the started, ready server
     * @throws IllegalStateException if the binary is not found, the server exits early or is not
     *     ready in time; the message includes the end of the server's log
     * @throws UncheckedIOException if the temporary directory or configuration cannot be written
     */
    public NatsServer start() {
      if (binary == null) {
        binary = NatsServerBinary.find();
      }
      IllegalStateException last = null;
      // Another process may take a free port before the server binds it: then retry with new
      // ports, unless a port was given (which would fail again).
      boolean autoPorts = port == 0 && (!monitoring || monitorPort == 0);
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        NatsServer server = create();
        try {
          server.launch();
          server.awaitReady(READY_TIMEOUT);
          return server;
        } catch (PortInUseException e) {
          server.close();
          last = e;
          if (!autoPorts) {
            break;
          }
        } catch (RuntimeException | Error e) {
          server.close();
          throw e;
        }
      }
      throw last;
    }

    /** Makes the server (temporary directory, configuration) without starting it. */
    NatsServer create() {
      NatsServerBinary bin = binary != null ? binary : NatsServerBinary.find();
      int clientPort = port != 0 ? port : FreePorts.next();
      int httpPort = monitoring ? (monitorPort != 0 ? monitorPort : FreePorts.next()) : 0;
      try {
        return new NatsServer(this, bin, clientPort, httpPort);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot prepare the nats-server's files", e);
      }
    }

    private static int checkPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Port out of range: " + port);
      }
      return port;
    }
  }

  /** Thrown when a server exits at start because one of its ports is taken. */
  static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
      super(message);
    }
  }

  /** Starts the process (without waiting). */
  synchronized void launch() {
    if (closed) {
      throw new IllegalStateException("This nats-server was closed: " + this);
    }
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("This nats-server is already running: " + this);
    }
    logOffset = Support.size(logFile);
    pausedProcess = null;
    ProcessBuilder pb =
        new ProcessBuilder(binary.path().toString(), "-c", configFile.toString())
            .directory(tempDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()));
    try {
      Process started = pb.start();
      started.getOutputStream().close();
      process = started;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start " + binary + ": " + e.getMessage(), e);
    }
    Support.Registry.register(this);
  }

  /**
   * Waits until the server is ready, as {@link Builder#start()} does.
   *
   * @throws IllegalStateException on timeout or early exit, with the end of the log; the process is
   *     killed first
   */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 10;
    while (true) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        String tail = Support.tail(logFile, logOffset, LOG_TAIL_LINES);
        String message =
            "nats-server exited during start-up"
                + (p == null ? "" : " with status " + p.exitValue())
                + ": "
                + this
                + "\n--- end of "
                + logFile
                + " ---\n"
                + tail
                + "\n--- "
                + configFile
                + " ---\n"
                + configText();
        if (Support.logContains(logFile, logOffset, PORT_IN_USE)) {
          throw new PortInUseException(message);
        }
        throw new IllegalStateException(message);
      }
      if (isReady() && p.isAlive()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        killProcess(p);
        throw new IllegalStateException(
            "nats-server was not ready within "
                + timeout.toSeconds()
                + " s (client port "
                + port
                + (monitorPort > 0 ? ", GET " + monitorUrl() + healthPath + " == 200" : "")
                + "): "
                + this
                + "\n--- end of "
                + logFile
                + " ---\n"
                + Support.tail(logFile, logOffset, LOG_TAIL_LINES));
      }
      try {
        Support.pause(pause);
      } catch (IllegalStateException e) {
        killProcess(p);
        throw e;
      }
      pause = Math.min(pause * 2, 200);
    }
  }

  private String configText() {
    try {
      return Files.readString(configFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + configFile + ": " + e + ")";
    }
  }

  private boolean isReady() {
    // Monitoring first: nats-server opens it before the client port, and it fails fast.
    if (monitorPort != 0) {
      try {
        if (Support.httpGet(monitorUrl() + healthPath).status() != 200) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return Support.natsPortReady(port, serverName);
  }

  /**
   * Returns the client URL, {@code nats://127.0.0.1:PORT}.
   *
   * @return the URL
   */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * Returns the client port.
   *
   * @return the port on {@code 127.0.0.1}
   */
  public int port() {
    return port;
  }

  /**
   * Returns the monitoring URL, {@code http://127.0.0.1:HTTP_PORT}, for example to {@code GET
   * monitorUrl() + "/jsz"}.
   *
   * @return the URL, without a trailing slash
   * @throws IllegalStateException if monitoring was turned off
   */
  public String monitorUrl() {
    if (monitorPort == 0) {
      throw new IllegalStateException("Monitoring is off for this nats-server: " + this);
    }
    return "http://127.0.0.1:" + monitorPort;
  }

  /**
   * Sends {@code GET} to a monitoring endpoint and returns the body, for example {@code
   * monitoringGet("/jsz")} or {@code monitoringGet("/connz?subs=1")}.
   *
   * @param pathAndQuery the endpoint, starting with {@code /}
   * @return the response body (JSON for nats-server's endpoints)
   * @throws IllegalStateException if monitoring is off or the status is not 200
   * @throws UncheckedIOException if the endpoint cannot be reached
   */
  public String monitoringGet(String pathAndQuery) {
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    String url = monitorUrl() + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery;
    Support.Response response;
    try {
      response = Support.httpGet(url);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + url + " failed", e);
    }
    if (response.status() != 200) {
      throw new IllegalStateException(
          "GET " + url + " answered " + response.status() + ": " + response.body());
    }
    return response.body();
  }

  /**
   * Returns the binary this server runs.
   *
   * @return the binary
   */
  public NatsServerBinary binary() {
    return binary;
  }

  /**
   * Returns the server's name ({@code server_name} in its configuration).
   *
   * @return the name
   */
  public String serverName() {
    return serverName;
  }

  /**
   * Returns the JetStream store directory ({@code store_dir}); nats-server keeps its data in a
   * {@code jetstream} folder inside it. It survives {@link #kill()}, {@link #stop()} and {@link
   * #restart()}.
   *
   * @return the absolute directory
   */
  public Path storeDir() {
    return storeDir;
  }

  /**
   * Returns the log file, which receives the server's standard output and error; each (re)start
   * appends to it. Deleted by {@link #close()}.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * Returns the generated configuration file the server runs with. Deleted by {@link #close()}.
   *
   * @return the configuration file
   */
  public Path configFile() {
    return configFile;
  }

  /**
   * Tells whether the server process is alive. A {@linkplain #pause() paused} server is alive.
   *
   * @return {@code true} between a (re)start and {@link #stop()}, {@link #kill()} or a crash
   */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Returns the process id of the running server.
   *
   * @return the pid, or empty if the server is not running
   */
  public OptionalInt pid() {
    Process p = process;
    return p != null && p.isAlive() ? OptionalInt.of((int) p.pid()) : OptionalInt.empty();
  }

  /**
   * Returns the exit status of the server's last process once it has ended: {@code 137} (128 + 9)
   * after {@link #kill()}; after {@link #stop()} usually 0 (or 143, 128 + 15, if the process died
   * of {@code SIGTERM}).
   *
   * @return the exit status, or empty while the server runs
   */
  public OptionalInt exitCode() {
    Process p = process;
    return p != null && !p.isAlive() ? OptionalInt.of(p.exitValue()) : OptionalInt.empty();
  }

  /**
   * Freezes the server the way a long garbage-collection pause, a swapped-out machine or a
   * suspended virtual machine would: sends {@code SIGSTOP} (with the system's {@code kill} command,
   * as Java cannot send it). The process stays alive and the kernel still accepts TCP connections
   * on its ports, but the server reads, writes and times out nothing until {@link #resume()}: a
   * client sees stalled connections, not closed ones. On Linux, returns once the kernel reports the
   * process stopped. Does nothing if the server is already paused.
   *
   * <p>{@link #stop()}, {@link #kill()}, {@link #restart()} and {@link #close()} work on a paused
   * server. Pausing a cluster node also stalls its routes to the other nodes, which then elect
   * other leaders once their timeouts pass.
   *
   * @throws IllegalStateException if the server is not running, or the signal cannot be sent (the
   *     {@code kill} command is missing, fails or does not end within 5 s)
   */
  public synchronized void pause() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("Cannot pause a nats-server that is not running: " + this);
    }
    if (pausedProcess == p) {
      return;
    }
    Signals.stop(p.pid());
    pausedProcess = p;
  }

  /**
   * Continues a {@linkplain #pause() paused} server: sends {@code SIGCONT}. The server then handles
   * what piled up meanwhile, and may close connections whose pings went unanswered. Does nothing if
   * the server is not paused (or no longer runs).
   *
   * @throws IllegalStateException if the signal cannot be sent
   */
  public synchronized void resume() {
    Process p = pausedProcess;
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      Signals.resume(p.pid());
    }
    pausedProcess = null;
  }

  /**
   * Tells whether the server is {@linkplain #pause() paused}.
   *
   * @return {@code true} between {@link #pause()} and {@link #resume()} (or anything that ends or
   *     replaces the process), while the process is alive
   */
  public boolean isPaused() {
    Process p = pausedProcess;
    return p != null && p == process && p.isAlive();
  }

  /**
   * Stops the server gracefully: sends {@code SIGTERM} and waits for the process to end (after 10
   * s, kills it). A paused server is resumed first, so it can handle the signal. Does nothing if it
   * is not running. The store directory and ports are kept for {@link #restart()}.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      pausedProcess = null;
      return;
    }
    if (pausedProcess == p) {
      try {
        resume();
      } catch (IllegalStateException e) {
        // Cannot continue it: a stopped process ignores SIGTERM, so end it the hard way.
        killProcess(p);
        pausedProcess = null;
        return;
      }
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        killProcess(p);
      }
    } catch (InterruptedException e) {
      killProcess(p);
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the server the way a crash would: sends {@code SIGKILL} ({@link
   * Process#destroyForcibly()}, which is {@code kill -9} on Linux and macOS) and waits for the
   * process to end. A paused server is killed as it is. Does nothing if it is not running. The
   * store directory and ports are kept for {@link #restart()}.
   */
  public synchronized void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      killProcess(p);
    }
    pausedProcess = null;
  }

  private static void killProcess(Process p) {
    p.destroyForcibly();
    boolean interrupted = false;
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (p.isAlive() && System.nanoTime() - deadline < 0) {
      try {
        p.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the server if it runs (gracefully, resuming it first if paused) and starts it again with
   * the same binary, ports, store directory and configuration, then waits until it is ready as
   * {@link Builder#start()} does. A node of a {@link NatsCluster} only waits until it has JetStream
   * enabled; use {@link NatsCluster#awaitReady(Duration)} to wait for the whole cluster.
   *
   * @throws IllegalStateException if the server was closed, exits early or is not ready in time
   *     (the message includes the end of the log; the process is then killed)
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("This nats-server was closed: " + this);
    }
    stop();
    launch();
    awaitReady(READY_TIMEOUT);
  }

  /**
   * Stops the server (gracefully, as {@link #stop()}, resuming it first if paused) and deletes its
   * temporary directory with the configuration, the log and, unless {@link Builder#storeDir(Path)}
   * was given, the store directory. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
      if (isRunning()) {
        kill();
      }
    } finally {
      Support.deleteQuietly(tempDir);
      Support.Registry.unregister(this);
    }
  }

  /** Tells whether {@link #close()} was called. */
  synchronized boolean isClosed() {
    return closed;
  }

  /** Returns the temporary directory (config, log, default store dir). */
  Path tempDir() {
    return tempDir;
  }

  /** For the shutdown hook: kill without waiting for locks. */
  void reapKill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
    }
  }

  /** For the shutdown hook: wait a little for the process to end, then delete temporary files. */
  void reapCleanup() {
    Process p = process;
    if (p != null) {
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Support.deleteQuietly(tempDir);
  }

  /**
   * Returns for example {@code nats-server 2.9.10 microstore-4222-a1b2c3 at nats://127.0.0.1:4222
   * (running)}; the state is one of {@code running}, {@code paused} and {@code not running}.
   *
   * @return a description of this server
   */
  @Override
  public String toString() {
    return "nats-server "
        + binary.version()
        + " "
        + serverName
        + " at "
        + url()
        + (isPaused() ? " (paused)" : isRunning() ? " (running)" : " (not running)");
  }
}
