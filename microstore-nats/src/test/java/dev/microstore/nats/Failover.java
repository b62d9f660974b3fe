package dev.microstore.nats;

import dev.microstore.testing.NatsCluster;
import dev.microstore.testing.NatsServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What followed the kill of a stream's leader: the node the survivors agreed on, how long it took,
 * and whether the killed node had to come back first.
 *
 * <p>nats-server 2.9 can leave a replicated stream without a leader for as long as the killed
 * leader stays away: a follower that was catching up from that leader (it had fallen behind, which
 * a busy 2-core machine makes likely) does not stand for election while its catch-up is open, and
 * 2.9 never gives up a catch-up whose leader is gone; the other follower, behind it, cannot win its
 * vote. Newer servers cancel a stalled catch-up and campaign. On 2.9 the test therefore restarts
 * the killed node when no leader is agreed within {@link #LEADERLESS_2_9} — what an operator would
 * do — and carries on: what the tests check is the store's and the watch's behaviour across the
 * leader's loss and return, which holds either way. On newer servers no leader within a minute
 * fails the test.
 *
 * @param leader the agreed leader: a survivor, or any node once the killed one was restarted
 * @param afterMillis time from the kill to the agreement
 * @param killedRestarted whether the killed node was restarted to end a leaderless stream (2.9)
 */
record Failover(NatsServer leader, long afterMillis, boolean killedRestarted) {

  /** How long a 2.9 stream may stay leaderless before the killed node is brought back. */
  static final Duration LEADERLESS_2_9 = Duration.ofSeconds(20);

  private static final Duration ELECTION = Duration.ofSeconds(60);

  /**
   * Waits until the running nodes agree on a leader of {@code stream} (in the global account) after
   * {@code killed} was killed at {@code killedNanos} ({@link System#nanoTime()}).
   */
  static Failover await(NatsCluster cluster, String stream, NatsServer killed, long killedNanos) {
    boolean oldServer = !TestServers.binary().isAtLeast(2, 10);
    try {
      NatsServer leader =
          cluster.awaitStreamLeader(
              NatsCluster.GLOBAL_ACCOUNT, stream, oldServer ? LEADERLESS_2_9 : ELECTION);
      return new Failover(leader, since(killedNanos), false);
    } catch (IllegalStateException leaderless) {
      if (!oldServer) {
        throw leaderless;
      }
      killed.restart();
      NatsServer leader = cluster.awaitStreamLeader(NatsCluster.GLOBAL_ACCOUNT, stream, ELECTION);
      return new Failover(leader, since(killedNanos), true);
    }
  }

  /** Restarts the killed node unless it already was. */
  void restartKilled(NatsServer killed) {
    if (!killed.isRunning()) {
      killed.restart();
    }
  }

  private static long since(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
