package dev.microstore.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JetStream cluster of real {@code nats-server} processes on {@code 127.0.0.1}, for tests.
 *
 * <pre>{@code
 * try (NatsCluster cluster = NatsCluster.start(3)) {
 *   String servers = cluster.urls(); // nats://127.0.0.1:P1,nats://127.0.0.1:P2,...
 *   cluster.node(0).kill();          // node n1 crashes
 *   cluster.awaitMetaLeader(Duration.ofSeconds(20));
 *   cluster.node(0).restart();
 * }
 * }</pre>
 *
 * <p>Node {@code i} (0-based) is named {@code n<i+1>} and has its own client, cluster (route) and
 * monitoring port and its own store directory; every node has routes to all the others, and the
 * cluster is named {@value #DEFAULT_NAME} unless {@link Builder#name(String)} says otherwise. The
 * nodes are {@link NatsServer}s: stop, kill and restart a node through its object. Do not close a
 * node on its own; {@link #close()} closes all of them.
 *
 * <p>Instances are thread-safe. No method accepts or returns {@code null}.
 */
public final class NatsCluster implements AutoCloseable {

  /** The cluster name used unless {@link Builder#name(String)} is called. */
  public static final String DEFAULT_NAME = "microstore-test";

  /** How long {@link Builder#start()} waits for the cluster to be ready. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The name of nats-server's global account, {@code $G}: the account of every client when the
   * configuration defines no accounts, as in a cluster started without {@link
   * Builder#extraConfig(String)}.
   */
  public static final String GLOBAL_ACCOUNT = "$G";

  private static final Pattern META_LEADER =
      Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^{}]*?\"leader\"\\s*:\\s*\"([^\"]*)\"");
  private static final int START_ATTEMPTS = 3;

  private final String name;
  private final List<NatsServer> nodes;
  private boolean closed;

  private NatsCluster(String name, List<NatsServer> nodes) {
    this.name = name;
    this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
  }

  /**
   * Starts a cluster of {@code size} nodes with the binary from {@link NatsServerBinary#find()} and
   * waits until it is ready, as {@link Builder#start()}.
   *
   * @param size the number of nodes, at least 1
   * @return the started, ready cluster
   * @throws IllegalStateException as {@link Builder#start()}
   */
  public static NatsCluster start(int size) {
    return builder().size(size).start();
  }

  /**
   * Returns a new builder, with every setting at its default (3 nodes).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds and starts a {@link NatsCluster}. Not thread-safe; {@code null} is never accepted. */
  public static final class Builder {
    private int size = 3;
    private NatsServerBinary binary;
    private final List<String> extraConfig = new ArrayList<>();
    private String name = DEFAULT_NAME;

    private Builder() {}

    /**
     * Sets the number of nodes. Default: 3.
     *
     * @param size at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    public Builder size(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("A cluster needs at least one node: " + size);
      }
      this.size = size;
      return this;
    }

    /**
     * Sets the binary every node runs. Default: {@link NatsServerBinary#find()}.
     *
     * @param binary the binary
     * @return this builder
     */
    public Builder binary(NatsServerBinary binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /**
     * Appends raw nats-server configuration text to every node's configuration, as {@link
     * NatsServer.Builder#extraConfig(String)}.
     *
     * @param config configuration text in nats-server's format
     * @return this builder
     */
    public Builder extraConfig(String config) {
      extraConfig.add(Objects.requireNonNull(config, "config"));
      return this;
    }

    /**
     * Sets the cluster's name ({@code cluster { name: ... }}). Default: {@value #DEFAULT_NAME}.
     *
     * @param name letters, digits, {@code .}, {@code _} and {@code -} only
     * @return this builder
     * @throws IllegalArgumentException if {@code name} has other characters or is empty
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("Cluster name must match [A-Za-z0-9._-]+: " + name);
      }
      this.name = name;
      return this;
    }

    /**
     * Starts every node, then waits (at most {@link #READY_TIMEOUT}) until every node is ready and
     * healthy and all of them report the same JetStream meta leader.
     *
     * @return the started, ready cluster
     * @throws IllegalStateException if the binary is not found, a node exits early, or the cluster
     *     is not ready in time; the message includes the end of the nodes' logs
     */
    public NatsCluster start() {
      NatsServerBinary bin = binary != null ? binary : NatsServerBinary.find();
      IllegalStateException last = null;
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        List<NatsServer> nodes = create(bin);
        NatsCluster cluster = new NatsCluster(name, nodes);
        try {
          for (NatsServer node : nodes) {
            node.launch();
          }
          for (NatsServer node : nodes) {
            node.awaitReady(NatsServer.READY_TIMEOUT);
          }
          cluster.awaitReady(READY_TIMEOUT);
          return cluster;
        } catch (NatsServer.PortInUseException e) {
          cluster.close();
          last = e;
        } catch (RuntimeException | Error e) {
          cluster.close();
          throw e;
        }
      }
      throw last;
    }

    private List<NatsServer> create(NatsServerBinary bin) {
      int[] clientPorts = new int[size];
      int[] routePorts = new int[size];
      int[] httpPorts = new int[size];
      for (int i = 0; i < size; i++) {
        clientPorts[i] = FreePorts.next();
        routePorts[i] = FreePorts.next();
        httpPorts[i] = FreePorts.next();
      }
      List<NatsServer> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < size; i++) {
          StringBuilder cluster = new StringBuilder();
          cluster.append("cluster {\n");
          cluster.append("  name: \"").append(name).append("\"\n");
          cluster.append("  listen: \"127.0.0.1:").append(routePorts[i]).append("\"\n");
          cluster.append("  routes: [\n");
          for (int j = 0; j < size; j++) {
            if (j != i) {
              cluster.append("    \"nats-route://127.0.0.1:").append(routePorts[j]).append("\"\n");
            }
          }
          cluster.append("  ]\n");
          cluster.append("}");
          NatsServer.Builder b =
              NatsServer.builder()
                  .binary(bin)
                  .serverName("n" + (i + 1))
                  .port(clientPorts[i])
                  .monitorPort(httpPorts[i])
                  .clusterConfig(cluster.toString());
          for (String extra : extraConfig) {
            b.extraConfig(extra);
          }
          nodes.add(b.create());
        }
      } catch (RuntimeException | Error e) {
        nodes.forEach(NatsServer::close);
        throw e;
      }
      return nodes;
    }
  }

  /**
   * Waits until every running node is ready and healthy ({@code GET /healthz} answers 200) and they
   * all report the same JetStream meta leader, which is one of the running nodes. Useful after
   * {@link NatsServer#restart()} of a node, which only waits for that node. Here and in {@link
   * #awaitMetaLeader(Duration)} and {@link #metaLeader()}, a {@linkplain NatsServer#pause() paused}
   * node counts as not running.
   *
   * @param timeout how long to wait at most
   * @return the meta leader
   * @throws IllegalStateException if that does not happen in time or no node is running; the
   *     message includes what each node reported and the end of its log
   */
  public NatsServer awaitReady(Duration timeout) {
    return await(timeout, true);
  }

  /**
   * Waits until all running nodes report the same JetStream meta leader, which is one of the
   * running nodes (for example after the leader was killed).
   *
   * @param timeout how long to wait at most
   * @return the meta leader
   * @throws IllegalStateException if that does not happen in time or no node is running; the
   *     message includes what each node reported and the end of its log
   */
  public NatsServer awaitMetaLeader(Duration timeout) {
    return await(timeout, false);
  }

  private NatsServer await(Duration timeout, boolean healthy) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 20;
    while (true) {
      List<String> report = new ArrayList<>();
      NatsServer leader = check(healthy, report);
      if (leader != null) {
        return leader;
      }
      if (System.nanoTime() - deadline > 0) {
        StringBuilder message =
            new StringBuilder("NATS cluster ")
                .append(name)
                .append(
                    healthy
                        ? " was not healthy with an agreed JetStream meta leader within "
                        : " had no agreed JetStream meta leader within ")
                .append(timeout.toSeconds())
                .append(" s: ")
                .append(String.join("; ", report));
        for (NatsServer node : nodes) {
          message
              .append("\n--- end of ")
              .append(node.serverName())
              .append("'s log ")
              .append(node.logFile())
              .append(" ---\n")
              .append(Support.tail(node.logFile(), 0, 15));
        }
        throw new IllegalStateException(message.toString());
      }
      Support.pause(pause);
      pause = Math.min(pause * 2, 250);
    }
  }

  /** One poll: returns the agreed leader if every running node is fine, else null. */
  private NatsServer check(boolean healthy, List<String> report) {
    String agreed = null;
    boolean ok = true;
    int running = 0;
    for (NatsServer node : nodes) {
      if (!node.isRunning()) {
        report.add(node.serverName() + ": not running");
        continue;
      }
      if (node.isPaused()) {
        report.add(node.serverName() + ": paused");
        continue;
      }
      running++;
      try {
        if (healthy) {
          Support.Response health = Support.httpGet(node.monitorUrl() + "/healthz");
          if (health.status() != 200) {
            report.add(node.serverName() + ": /healthz " + health.status() + " " + health.body());
            ok = false;
            continue;
          }
        }
        Support.Response jsz = Support.httpGet(node.monitorUrl() + "/jsz");
        Optional<String> leader = jsz.status() == 200 ? metaLeader(jsz.body()) : Optional.empty();
        if (leader.isEmpty()) {
          report.add(node.serverName() + ": no meta leader");
          ok = false;
        } else if (agreed == null) {
          agreed = leader.get();
          report.add(node.serverName() + ": meta leader " + agreed);
        } else if (!agreed.equals(leader.get())) {
          report.add(node.serverName() + ": meta leader " + leader.get());
          ok = false;
        } else {
          report.add(node.serverName() + ": meta leader " + agreed);
        }
      } catch (IOException e) {
        report.add(node.serverName() + ": " + e);
        ok = false;
      }
    }
    if (!ok || running == 0 || agreed == null) {
      return null;
    }
    for (NatsServer node : nodes) {
      if (node.serverName().equals(agreed) && node.isRunning()) {
        return node;
      }
    }
    report.add("the meta leader " + agreed + " is not running");
    return null;
  }

  /**
   * Extracts the JetStream meta leader's name from a {@code /jsz} response.
   *
   * @return the leader's name, or empty if there is none
   */
  static Optional<String> metaLeader(String jsz) {
    Matcher m = META_LEADER.matcher(jsz);
    if (m.find() && !m.group(1).isEmpty()) {
      return Optional.of(m.group(1));
    }
    return Optional.empty();
  }

  /**
   * Returns the name of the JetStream meta leader as the running nodes report it right now, without
   * waiting.
   *
   * @return the leader's server name ({@code n1}, {@code n2}, ...), or empty if the running nodes
   *     report none or disagree
   */
  public Optional<String> metaLeader() {
    NatsServer leader = check(false, new ArrayList<>());
    return leader == null ? Optional.empty() : Optional.of(leader.serverName());
  }

  /**
   * Returns the node that leads a JetStream stream right now, as the nodes' monitoring endpoints
   * ({@code /jsz}) report it, without waiting. For a key-value bucket {@code B} the stream is
   * {@code KV_B}.
   *
   * <p>The leader counts as found only when every running node that holds a replica of the stream
   * names the same leader, and that leader runs and names itself. Nodes that are not running or are
   * {@linkplain NatsServer#isPaused() paused} are not asked: a paused leader is not returned, even
   * while the others have not yet elected another. Takes one HTTP request per running node.
   *
   * @param account the account that owns the stream, by name (or id); {@link #GLOBAL_ACCOUNT} if
   *     the configuration defines no accounts
   * @param stream the stream's name
   * @return the leader, or empty if there is none right now, the nodes disagree, or no running node
   *     holds the stream
   */
  public Optional<NatsServer> streamLeader(String account, String stream) {
    return StreamLeaders.find(nodes, account, stream, new ArrayList<>());
  }

  /**
   * Waits until a JetStream stream has a leader, as {@link #streamLeader(String, String)} finds it,
   * for example after its leader was killed or paused.
   *
   * @param account the account that owns the stream; {@link #GLOBAL_ACCOUNT} if the configuration
   *     defines no accounts
   * @param stream the stream's name
   * @param timeout how long to wait at most
   * @return the leader
   * @throws IllegalStateException if no leader is agreed within {@code timeout}; the message says
   *     what each node reported last
   */
  public NatsServer awaitStreamLeader(String account, String stream, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 20;
    while (true) {
      List<String> report = new ArrayList<>();
      Optional<NatsServer> leader = StreamLeaders.find(nodes, account, stream, report);
      if (leader.isPresent()) {
        return leader.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "Stream "
                + stream
                + " of account "
                + account
                + " had no agreed leader within "
                + timeout.toMillis()
                + " ms: "
                + String.join("; ", report));
      }
      Support.pause(pause);
      pause = Math.min(pause * 2, 250);
    }
  }

  /**
   * Returns the cluster's name.
   *
   * @return the name given to {@code cluster { name: ... }}
   */
  public String name() {
    return name;
  }

  /**
   * Returns the nodes, in order ({@code n1} first).
   *
   * @return an unmodifiable list
   */
  public List<NatsServer> nodes() {
    return nodes;
  }

  /**
   * Returns one node.
   *
   * @param index the 0-based index: {@code node(0)} is {@code n1}
   * @return the node
   * @throws IndexOutOfBoundsException if {@code index} is not between 0 and the size minus 1
   */
  public NatsServer node(int index) {
    return nodes.get(index);
  }

  /**
   * Returns the number of nodes.
   *
   * @return the number of nodes
   */
  public int size() {
    return nodes.size();
  }

  /**
   * Returns every node's client URL, comma separated, as a NATS client takes a server list: for
   * example {@code nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224}.
   *
   * @return the URLs, in node order, whether the nodes run or not
   */
  public String urls() {
    return String.join(",", urlList());
  }

  /**
   * Returns every node's client URL ({@code nats://127.0.0.1:PORT}), in node order.
   *
   * @return an unmodifiable list
   */
  public List<String> urlList() {
    return nodes.stream().map(NatsServer::url).collect(Collectors.toUnmodifiableList());
  }

  /**
   * Closes every node: kills all of them ({@code SIGKILL}, as the cluster's data is deleted anyway
   * and a graceful stop of one node after another only makes the others elect new leaders), then
   * deletes their temporary files. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Kill first: stopping one node at a time makes the others busy electing new leaders.
    for (NatsServer node : nodes) {
      node.kill();
    }
    for (NatsServer node : nodes) {
      node.close();
    }
  }

  /**
   * Returns for example {@code NATS cluster microstore-test [n1 at nats://127.0.0.1:4222 (running),
   * ...]}.
   *
   * @return a description of this cluster
   */
  @Override
  public String toString() {
    return "NATS cluster "
        + name
        + " "
        + nodes.stream()
            .map(
                n ->
                    n.serverName()
                        + " at "
                        + n.url()
                        + (n.isPaused() ? " (paused)" : n.isRunning() ? " (running)" : ""))
            .collect(Collectors.toList());
  }
}
