package dev.microstore.testing;

import dev.microstore.testing.Nemesis.Kind;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** The faults a {@link Nemesis} injects: each knows how to start itself and how to end it. */
final class NemesisFaults {

  private NemesisFaults() {}

  /** A fault started: what it hit and what ends it. */
  record Injected(String target, Runnable end) {}

  /** One kind of fault on one target, staying in place for a random time in [min, max]. */
  abstract static class Fault {
    final Kind kind;
    private final Duration min;
    private final Duration max;

    Fault(Kind kind, Duration min, Duration max) {
      this.kind = kind;
      this.min = min;
      this.max = max;
    }

    /** Draws how long the fault stays in place. */
    Duration duration(Random random) {
      long span = max.toNanos() - min.toNanos();
      return span <= 0 ? min : min.plusNanos((long) (random.nextDouble() * span));
    }

    /** What the fault aims at, before it is started. */
    abstract String target();

    /**
     * Starts the fault.
     *
     * @param stopped tells whether the nemesis is stopping, for faults that wait before starting
     * @throws RuntimeException if it cannot be started (then nothing needs ending)
     */
    abstract Injected inject(BooleanSupplier stopped);
  }

  /** {@link NatsServer#pause()} until {@link NatsServer#resume()}. */
  static final class Pause extends Fault {
    private final NatsServer server;

    Pause(NatsServer server, Duration min, Duration max) {
      super(Kind.PAUSE, min, max);
      this.server = server;
    }

    @Override
    String target() {
      return server.serverName();
    }

    @Override
    Injected inject(BooleanSupplier stopped) {
      server.pause();
      return new Injected(target(), server::resume);
    }
  }

  /** {@link NatsServer#kill()}, then {@link NatsServer#restart()} on the same store directory. */
  static final class Kill extends Fault {
    private final NatsServer server;

    Kill(NatsServer server, Duration min, Duration max) {
      super(Kind.KILL, min, max);
      this.server = server;
    }

    @Override
    String target() {
      return server.serverName();
    }

    @Override
    Injected inject(BooleanSupplier stopped) {
      if (!server.isRunning()) {
        throw new IllegalStateException("Cannot kill a nats-server that is not running: " + server);
      }
      server.kill();
      return new Injected(target(), server::restart);
    }
  }

  /** Kills whichever node leads a stream now, then restarts it. */
  static final class KillStreamLeader extends Fault {
    /** How long to look for the stream's leader before giving up on this fault. */
    static final Duration LEADER_TIMEOUT = Duration.ofSeconds(10);

    private final NatsCluster cluster;
    private final String account;
    private final String stream;

    KillStreamLeader(
        NatsCluster cluster, String account, String stream, Duration min, Duration max) {
      super(Kind.KILL_STREAM_LEADER, min, max);
      this.cluster = cluster;
      this.account = account;
      this.stream = stream;
    }

    @Override
    String target() {
      return "leader of " + account + " > " + stream;
    }

    @Override
    Injected inject(BooleanSupplier stopped) {
      long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
      Optional<NatsServer> leader = cluster.streamLeader(account, stream);
      while (leader.isEmpty()) {
        if (stopped.getAsBoolean()) {
          throw new IllegalStateException("Stopped while looking for the " + target());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "No agreed " + target() + " within " + LEADER_TIMEOUT.toSeconds() + " s");
        }
        Support.pause(50);
        leader = cluster.streamLeader(account, stream);
      }
      NatsServer node = leader.get();
      node.kill();
      return new Injected(node.serverName() + " (" + target() + ")", node::restart);
    }
  }

  /** {@link TcpProxy#cutConnections()}: instantaneous, nothing to end. */
  static final class Cut extends Fault {
    private final TcpProxy proxy;

    Cut(TcpProxy proxy) {
      super(Kind.CUT, Duration.ZERO, Duration.ZERO);
      this.proxy = proxy;
    }

    @Override
    String target() {
      return "proxy 127.0.0.1:" + proxy.port() + " -> " + proxy.target();
    }

    @Override
    Injected inject(BooleanSupplier stopped) {
      proxy.cutConnections();
      return new Injected(target(), () -> {});
    }
  }

  /** {@link TcpProxy#block()} until {@link TcpProxy#unblock()}. */
  static final class Block extends Fault {
    private final TcpProxy proxy;

    Block(TcpProxy proxy, Duration min, Duration max) {
      super(Kind.BLOCK, min, max);
      this.proxy = proxy;
    }

    @Override
    String target() {
      return "proxy 127.0.0.1:" + proxy.port() + " -> " + proxy.target();
    }

    @Override
    Injected inject(BooleanSupplier stopped) {
      proxy.block();
      return new Injected(target(), proxy::unblock);
    }
  }
}
