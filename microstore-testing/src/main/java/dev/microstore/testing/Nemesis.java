package dev.microstore.testing;

import dev.microstore.testing.NemesisFaults.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Injects faults into running servers and proxies while a test's workload runs, one at a time, in
 * the manner of Jepsen's nemesis: pauses ({@code SIGSTOP}), crashes ({@code kill -9}) and restarts,
 * a stream leader killed, connections cut or blocked.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.start();
 *     TcpProxy proxy = TcpProxy.start(server);
 *     Nemesis nemesis =
 *         Nemesis.builder()
 *             .seed(42)
 *             .interval(Duration.ofMillis(500))
 *             .pause(server, Duration.ofMillis(200), Duration.ofMillis(800))
 *             .killAndRestart(server, Duration.ZERO, Duration.ofSeconds(1))
 *             .cutConnections(proxy)
 *             .build()) {
 *   nemesis.start();
 *   runTheWorkloadThrough(proxy.url());
 *   nemesis.stop(); // every fault ended: the server runs, unpaused
 *   report(nemesis.counts(), nemesis.events());
 * }
 * }</pre>
 *
 * <p>Once started, a single daemon thread waits {@linkplain Builder#interval(Duration) the
 * interval}, picks one of the faults at random, starts it, keeps it in place for a random duration
 * within its bounds, ends it (resumes, restarts, unblocks), and begins again, until {@link
 * #stop()}. The choices and durations come from a {@link Random} with the {@linkplain
 * Builder#seed(long) seed}, so a run can be repeated (the timing of the system under test will
 * differ). A fault that cannot be started or ended is recorded as a failed {@link Event} and the
 * nemesis goes on.
 *
 * <p>Instances are thread-safe. No method accepts or returns {@code null}.
 */
public final class Nemesis implements AutoCloseable {

  /** How long {@link #stop()} waits for the current fault to end, restarts included. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  /** The kinds of fault. */
  public enum Kind {
    /** {@link NatsServer#pause()}, then {@link NatsServer#resume()}. */
    PAUSE,
    /** {@link NatsServer#kill()}, then {@link NatsServer#restart()} on the same store directory. */
    KILL,
    /** The node that leads a stream killed, then restarted. */
    KILL_STREAM_LEADER,
    /** {@link TcpProxy#cutConnections()}. */
    CUT,
    /** {@link TcpProxy#block()}, then {@link TcpProxy#unblock()}. */
    BLOCK
  }

  /**
   * One fault, as it happened.
   *
   * @param start when the nemesis began to inject it
   * @param end when it was over: ended (resumed, restarted, unblocked), or found impossible
   * @param kind its kind
   * @param target what it hit: a server's name, a proxy, or for {@link Kind#KILL_STREAM_LEADER} the
   *     node that led the stream
   * @param failure why it could not be started or ended, if it could not
   */
  public record Event(
      Instant start, Instant end, Kind kind, String target, Optional<String> failure) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is {@code null}
     */
    public Event {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(failure, "failure");
    }

    /**
     * Returns how long the fault was in place, from {@link #start()} to {@link #end()}.
     *
     * @return the duration
     */
    public Duration duration() {
      return Duration.between(start, end);
    }

    /**
     * Returns for example {@code 2025-01-01T10:00:00.123Z PAUSE n1 for 412 ms}, with {@code failed:
     * <why>} appended for a failure.
     *
     * @return a line for a report
     */
    @Override
    public String toString() {
      return start
          + " "
          + kind
          + " "
          + target
          + " for "
          + duration().toMillis()
          + " ms"
          + failure.map(f -> " failed: " + f).orElse("");
    }
  }

  private final long seed;
  private final NemesisLoop loop;

  private Nemesis(Builder builder) {
    this.seed = builder.seeded ? builder.seed : ThreadLocalRandom.current().nextLong();
    this.loop = new NemesisLoop(builder.faults, builder.interval, seed);
  }

  /**
   * Returns a new builder: no faults, an interval of 1 s, a random seed.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link Nemesis}. Each fault method adds one choice, and may be called many times (for
   * example once per node); every choice is as likely to be picked. The builder can be reused:
   * {@link #build()} copies it. Not thread-safe; {@code null} is never accepted.
   */
  public static final class Builder {
    private final List<Fault> faults = new ArrayList<>();
    private Duration interval = Duration.ofSeconds(1);
    private long seed;
    private boolean seeded;

    private Builder() {}

    /**
     * Sets the seed of the random choices of fault and duration. Default: a random seed, which
     * {@link Nemesis#seed()} tells.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      this.seeded = true;
      return this;
    }

    /**
     * Sets how long the nemesis waits before each fault (after the previous one ended, and after
     * {@link Nemesis#start()}). Default: 1 s.
     *
     * @param interval a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is zero or negative
     */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive: " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * Adds a pause: {@link NatsServer#pause()} for a random time in [{@code min}, {@code max}],
     * then {@link NatsServer#resume()}.
     *
     * @param server the server to pause
     * @param min the shortest pause, positive
     * @param max the longest pause, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if {@code min} is not positive or {@code max} is less
     */
    public Builder pause(NatsServer server, Duration min, Duration max) {
      Objects.requireNonNull(server, "server");
      range("pause duration", min, max, false);
      faults.add(new NemesisFaults.Pause(server, min, max));
      return this;
    }

    /**
     * Adds a crash: {@link NatsServer#kill()} ({@code SIGKILL}), a random downtime in [{@code min},
     * {@code max}], then {@link NatsServer#restart()} on the same port and store directory, which
     * waits until the server is ready. For a node of a cluster, the restart waits only until the
     * node has JetStream enabled.
     *
     * @param server the server to kill
     * @param min the shortest downtime, zero or more
     * @param max the longest downtime, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if {@code min} is negative or {@code max} is less
     */
    public Builder killAndRestart(NatsServer server, Duration min, Duration max) {
      Objects.requireNonNull(server, "server");
      range("downtime", min, max, true);
      faults.add(new NemesisFaults.Kill(server, min, max));
      return this;
    }

    /**
     * Adds a leader crash: finds the node that leads a stream now ({@link
     * NatsCluster#streamLeader(String, String)}, waiting up to 10 s for one), kills it, waits a
     * random downtime in [{@code min}, {@code max}] and restarts it. If no leader is found, the
     * fault is recorded as failed.
     *
     * @param cluster the cluster
     * @param account the stream's account; {@link NatsCluster#GLOBAL_ACCOUNT} if the configuration
     *     defines no accounts
     * @param stream the stream ({@code KV_<bucket>} for a key-value bucket)
     * @param min the shortest downtime, zero or more
     * @param max the longest downtime, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if {@code account} or {@code stream} is empty, {@code min}
     *     is negative or {@code max} is less
     */
    public Builder killStreamLeader(
        NatsCluster cluster, String account, String stream, Duration min, Duration max) {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(stream, "stream");
      if (account.isEmpty() || stream.isEmpty()) {
        throw new IllegalArgumentException(
            "account and stream must not be empty: '" + account + "', '" + stream + "'");
      }
      range("downtime", min, max, true);
      faults.add(new NemesisFaults.KillStreamLeader(cluster, account, stream, min, max));
      return this;
    }

    /**
     * Adds a cut: {@link TcpProxy#cutConnections()}, which is over at once.
     *
     * @param proxy the proxy
     * @return this builder
     */
    public Builder cutConnections(TcpProxy proxy) {
      faults.add(new NemesisFaults.Cut(Objects.requireNonNull(proxy, "proxy")));
      return this;
    }

    /**
     * Adds a partition: {@link TcpProxy#block()} for a random time in [{@code min}, {@code max}],
     * then {@link TcpProxy#unblock()}.
     *
     * @param proxy the proxy
     * @param min the shortest block, positive
     * @param max the longest block, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if {@code min} is not positive or {@code max} is less
     */
    public Builder block(TcpProxy proxy, Duration min, Duration max) {
      Objects.requireNonNull(proxy, "proxy");
      range("block duration", min, max, false);
      faults.add(new NemesisFaults.Block(proxy, min, max));
      return this;
    }

    /**
     * Builds a nemesis, not started yet.
     *
     * @return the nemesis
     * @throws IllegalStateException if no fault was added
     */
    public Nemesis build() {
      if (faults.isEmpty()) {
        throw new IllegalStateException(
            "a nemesis needs at least one fault: call pause, killAndRestart, killStreamLeader,"
                + " cutConnections or block");
      }
      return new Nemesis(this);
    }

    private static void range(String what, Duration min, Duration max, boolean zeroAllowed) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || (!zeroAllowed && min.isZero())) {
        throw new IllegalArgumentException(
            what + " must be " + (zeroAllowed ? "zero or more" : "positive") + ": " + min);
      }
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "longest " + what + " must not be less than the shortest: " + max + " < " + min);
      }
      if (max.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("longest " + what + " must be at most a day: " + max);
      }
    }
  }

  /**
   * Starts injecting faults, on a daemon thread, until {@link #stop()}.
   *
   * @throws IllegalStateException if it was started before
   */
  public void start() {
    loop.start();
  }

  /**
   * Stops injecting faults: ends the current one at once (resumes a paused server, restarts a
   * killed one, unblocks a proxy), waits for that (at most {@link #STOP_TIMEOUT}) and returns. Does
   * nothing if already stopped; a nemesis that was never started just cannot start any more.
   *
   * @throws IllegalStateException if the current fault could not be ended in time, or a fault could
   *     not be ended at all (for example a killed server did not restart), so something may still
   *     be broken; the message says what
   */
  public void stop() {
    loop.stop(STOP_TIMEOUT);
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Tells whether the nemesis is injecting faults.
   *
   * @return {@code true} between {@link #start()} and {@link #stop()}
   */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /**
   * Returns the seed of the random choices, to repeat a run with {@link Builder#seed(long)}.
   *
   * @return the seed given, or the one drawn
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns how many faults of each kind were started so far (those that could not be started are
   * not counted; they are in {@link #events()}).
   *
   * @return a snapshot with every kind, 0 for those that did not occur
   */
  public Map<Kind, Integer> counts() {
    return loop.counts();
  }

  /**
   * Returns every fault so far, once it is over, in order.
   *
   * @return a snapshot
   */
  public List<Event> events() {
    return loop.events();
  }

  /**
   * Returns for example {@code Nemesis seed 42, running, {PAUSE=3, KILL=1, ...}}.
   *
   * @return a description of this nemesis
   */
  @Override
  public String toString() {
    return "Nemesis seed " + seed + ", " + loop;
  }
}
