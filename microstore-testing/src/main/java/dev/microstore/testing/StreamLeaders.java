package dev.microstore.testing;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the leader of a JetStream stream from the nodes' monitoring endpoints ({@code GET
 * /jsz?accounts=true&streams=true}), without a NATS client.
 *
 * <p>A node's {@code /jsz} lists only the streams it holds a replica of, each with {@code
 * cluster.leader} as that node sees it (nats-server 2.9 and later; a single server names itself).
 * The leader is agreed when every node that answers and holds the stream names the same leader and
 * that leader is one of them: a node that is not running or is {@linkplain NatsServer#isPaused()
 * paused} is not asked, so a frozen leader that the others still name is not agreed on.
 */
final class StreamLeaders {

  private StreamLeaders() {}

  /** What one node's {@code /jsz} says of a stream. */
  enum View {
    /** The node holds no replica of the stream (or no such account). */
    NOT_HOSTED,
    /** The node holds a replica but names no leader. */
    NO_LEADER,
    /** The node names a leader. */
    LEADER
  }

  /** A node's view: {@code leader} is empty unless the view is {@link View#LEADER}. */
  record Report(View view, String leader) {}

  /**
   * Reads what a {@code /jsz?accounts=true&streams=true} body says of {@code stream} in {@code
   * account} (matched against the account's {@code name} or {@code id}).
   *
   * @throws IllegalArgumentException if the body is not JSON
   */
  static Report read(String jsz, String account, String stream) {
    Object root = MonitorJson.parse(jsz);
    for (Object acc : MonitorJson.array(root, "account_details")) {
      boolean match =
          MonitorJson.string(acc, "name").filter(account::equals).isPresent()
              || MonitorJson.string(acc, "id").filter(account::equals).isPresent();
      if (!match) {
        continue;
      }
      for (Object s : MonitorJson.array(acc, "stream_detail")) {
        if (MonitorJson.string(s, "name").filter(stream::equals).isEmpty()) {
          continue;
        }
        Optional<String> leader =
            MonitorJson.field(s, "cluster")
                .flatMap(c -> MonitorJson.string(c, "leader"))
                .filter(l -> !l.isEmpty());
        return leader.isPresent()
            ? new Report(View.LEADER, leader.get())
            : new Report(View.NO_LEADER, "");
      }
    }
    return new Report(View.NOT_HOSTED, "");
  }

  /**
   * Asks every running, unpaused node once and returns the agreed leader, adding what each node
   * said to {@code report}.
   */
  static Optional<NatsServer> find(
      List<NatsServer> nodes, String account, String stream, List<String> report) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(stream, "stream");
    String agreed = null;
    boolean ok = true;
    NatsServer agreedNode = null;
    for (NatsServer node : nodes) {
      String name = node.serverName();
      if (!node.isRunning()) {
        report.add(name + ": not running");
        continue;
      }
      if (node.isPaused()) {
        report.add(name + ": paused");
        continue;
      }
      Report r;
      try {
        Support.Response jsz =
            Support.httpGet(node.monitorUrl() + "/jsz?accounts=true&streams=true");
        if (jsz.status() != 200) {
          report.add(name + ": /jsz " + jsz.status());
          continue;
        }
        r = read(jsz.body(), account, stream);
      } catch (IOException | IllegalArgumentException e) {
        report.add(name + ": " + e);
        continue;
      }
      switch (r.view()) {
        case NOT_HOSTED:
          report.add(name + ": holds no replica");
          break;
        case NO_LEADER:
          report.add(name + ": no leader");
          ok = false;
          break;
        default:
          report.add(name + ": leader " + r.leader());
          if (agreed == null) {
            agreed = r.leader();
          } else if (!agreed.equals(r.leader())) {
            ok = false;
          }
          if (r.leader().equals(name)) {
            agreedNode = node;
          }
      }
    }
    if (!ok || agreed == null || agreedNode == null || !agreedNode.serverName().equals(agreed)) {
      return Optional.empty();
    }
    return Optional.of(agreedNode);
  }
}
