package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.testing.NatsCluster;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster with replicated buckets: the stream leader killed under load, and reads
 * right after writes when followers answer direct gets. Runs once (tag {@code fault}), on the
 * default server; {@code -Dmicrostore.longTests=true} writes ten times as much.
 */
@Tag("fault")
@SuppressWarnings("try") // jnats connections close in try-with-resources
class NatsClusterFaultTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final int SCALE = LongTests.enabled() ? 10 : 1;

  private static NatsCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = NatsCluster.builder().binary(TestServers.binary()).size(3).start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Store store(String db, List<String> urls) {
    return store(db, urls, 1);
  }

  private static Store store(String db, List<String> urls, int history) {
    return builder(db, urls, history).build();
  }

  private static NatsStore builder(String db, List<String> urls, int history) {
    return NatsStore.builder()
        .servers(urls.toArray(new String[0]))
        .database(db)
        .replicas(3)
        .history(history)
        .timeout(TIMEOUT)
        .connectionOptions(
            b ->
                b.maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(100))
                    .connectionTimeout(TIMEOUT)
                    .errorListener(new io.nats.client.ErrorListener() {}));
  }

  private static Connection raw(List<String> urls) throws Exception {
    return Nats.connect(
        new Options.Builder()
            .servers(urls.toArray(new String[0]))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .errorListener(new io.nats.client.ErrorListener() {})
            .build());
  }

  private static StreamInfo streamInfo(Connection raw, String db) throws Exception {
    return raw.jetStreamManagement().getStreamInfo(Wire.streamName(db));
  }

  private static NatsServer node(String serverName) {
    return cluster.nodes().stream()
        .filter(n -> n.serverName().equals(serverName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node named " + serverName));
  }

  /** Every replica of the bucket is current: no follower lags behind the leader. */
  private static boolean allReplicasCurrent(Connection raw, String db) {
    try {
      StreamInfo si = streamInfo(raw, db);
      if (si.getClusterInfo() == null || si.getClusterInfo().getLeader() == null) {
        return false;
      }
      List<Replica> replicas = si.getClusterInfo().getReplicas();
      return replicas != null
          && replicas.size() == 2
          && replicas.stream().allMatch(r -> r.isCurrent() && !r.isOffline() && r.getLag() == 0);
    } catch (Exception notYet) {
      return false;
    }
  }

  // ------------------------------------------------------------------ leader failover

  @Test
  void streamLeaderKilledDuringWrites_everyAcknowledgedWriteSurvives_failuresAreRetriable()
      throws Exception {
    cluster.awaitReady(Duration.ofSeconds(60));
    int threads = 4;
    int total = 10_000 * SCALE;
    int perThread = total / threads;
    int keysPerThread = 500;
    String db = "failover";
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicLong acks = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong slowestCallNanos = new AtomicLong();
    AtomicLong killedAt = new AtomicLong();
    AtomicLong firstAckAfterKill = new AtomicLong();
    List<Throwable> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, Integer> failureKinds = new ConcurrentHashMap<>();
    java.util.Set<Long> acknowledgedRevisions = ConcurrentHashMap.newKeySet();
    List<Long> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<StoreException> watchErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    // the bucket keeps 10 revisions per key (each key is written about 5 times), so that every
    // acknowledged revision is still there for a watch that has to start a new consumer
    try (Store store = store(db, cluster.urlList(), 10);
        Store watching = store(db, cluster.urlList(), 10);
        Store cached = builder(db, cluster.urlList(), 10).nearCache(db).build();
        Connection raw = raw(cluster.urlList())) {
      // creating a replicated bucket on a busy machine can take longer than the timeout
      retrying(() -> store.write(Record.of("warmup", "0")));
      // a near-cache replica through the failover, started by a first read
      retrying(() -> cached.read("warmup"));
      // a watch through the failover: its consumer may live on the killed node
      dev.microstore.Watch watch =
          retrying(
              () ->
                  watching.watch(
                      dev.microstore.WatchOptions.builder().build(),
                      new dev.microstore.WatchListener() {
                        @Override
                        public void onEvent(dev.microstore.ChangeEvent event) {
                          watched.add(event.revision());
                        }

                        @Override
                        public void onError(StoreException error) {
                          watchErrors.add(error);
                        }
                      }));
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread w =
            new Thread(
                () -> {
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180L * SCALE);
                  for (int i = 0; i < perThread && problems.isEmpty(); i++) {
                    String key = "t" + id + "-k" + (i % keysPerThread);
                    String value = "t" + id + "-v" + i;
                    while (true) {
                      long start = System.nanoTime();
                      try {
                        acknowledgedRevisions.add(store.write(Record.of(key, value)));
                        long done = System.nanoTime();
                        slowestCallNanos.accumulateAndGet(done - start, Math::max);
                        acknowledged.put(key, value);
                        acks.incrementAndGet();
                        long k = killedAt.get();
                        if (k != 0 && start - k > 0) {
                          firstAckAfterKill.compareAndSet(0, done);
                        }
                        break;
                      } catch (StoreException e) {
                        slowestCallNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                        failures.incrementAndGet();
                        failureKinds.merge(kind(e), 1, Integer::sum);
                        if (!e.isRetriable()
                            || e.getMessage() == null
                            || e.getMessage().isEmpty()) {
                          problems.add(e);
                          return;
                        }
                        if (System.nanoTime() - deadline > 0) {
                          problems.add(new AssertionError("writes kept failing", e));
                          return;
                        }
                      } catch (RuntimeException e) {
                        problems.add(e);
                        return;
                      }
                    }
                  }
                },
                "failover-writer-" + t);
        writers.add(w);
        w.start();
      }

      await().atMost(120L * SCALE, TimeUnit.SECONDS).until(() -> acks.get() >= total / 4);
      String leaderName = streamInfo(raw, db).getClusterInfo().getLeader();
      NatsServer leader = node(leaderName);
      killedAt.set(System.nanoTime());
      leader.kill();
      long ackedAtKill = acks.get();

      Failover failover = Failover.await(cluster, Wire.streamName(db), leader, killedAt.get());
      await()
          .atMost(120L * SCALE, TimeUnit.SECONDS)
          .until(() -> acks.get() >= total / 2 || !problems.isEmpty());
      failover.restartKilled(leader);

      for (Thread w : writers) {
        w.join(TimeUnit.SECONDS.toMillis(300L * SCALE));
        assertThat(w.isAlive()).as("writer %s finished", w.getName()).isFalse();
      }
      assertThat(problems).isEmpty();
      assertThat(acks.get()).isEqualTo(total);
      cluster.awaitReady(Duration.ofSeconds(60));
      await().atMost(60, TimeUnit.SECONDS).until(() -> allReplicasCurrent(raw, db));

      int lost = 0;
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        List<Record> r = readWithRetry(store, e.getKey());
        if (r.isEmpty() || !r.get(0).valueAsString().equals(e.getValue())) {
          lost++;
        }
      }
      String survivor =
          cluster.nodes().stream()
              .filter(n -> !n.serverName().equals(leaderName))
              .findFirst()
              .orElseThrow()
              .url();
      int lostOnSurvivor = 0;
      try (Store other = store(db, List.of(survivor))) {
        Map<String, String> scanned = new HashMap<>();
        for (Record r : other.read("t", ReadOptions.builder().prefix().build())) {
          scanned.put(r.key(), r.valueAsString());
        }
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
          if (!e.getValue().equals(scanned.get(e.getKey()))) {
            lostOnSurvivor++;
          }
          List<Record> r = readWithRetry(other, e.getKey());
          if (r.isEmpty() || !r.get(0).valueAsString().equals(e.getValue())) {
            lostOnSurvivor++;
          }
        }
      }
      long highestAcknowledged =
          acknowledgedRevisions.stream().mapToLong(r -> r).max().orElseThrow();
      long watchStarted = System.nanoTime();
      await()
          .atMost(60, TimeUnit.SECONDS)
          .alias(
              "the watch reaches the highest acknowledged revision "
                  + highestAcknowledged
                  + " (stream's last sequence: "
                  + streamInfo(raw, db).getStreamState().getLastSequence()
                  + ")")
          .until(
              () ->
                  !watchErrors.isEmpty()
                      || (!watched.isEmpty()
                          && watched.get(watched.size() - 1) >= highestAcknowledged));
      long watchCaughtUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - watchStarted);
      // the replica converges on every acknowledged value
      long[] staleInCache = {0};
      await()
          .atMost(60, TimeUnit.SECONDS)
          .ignoreExceptions()
          .until(
              () -> {
                staleInCache[0] =
                    acknowledged.entrySet().stream()
                        .filter(
                            e -> {
                              List<Record> r = cached.read(e.getKey());
                              return !r.get(0).valueAsString().equals(e.getValue());
                            })
                        .count();
                return staleInCache[0] == 0;
              });
      watch.close();
      java.util.Set<Long> seen = new java.util.HashSet<>(watched);
      long missedByWatch = acknowledgedRevisions.stream().filter(r -> !seen.contains(r)).count();
      boolean watchInOrder = true;
      for (int i = 1; i < watched.size(); i++) {
        watchInOrder &= watched.get(i) > watched.get(i - 1);
      }
      long recoveryMillis =
          firstAckAfterKill.get() == 0
              ? -1
              : TimeUnit.NANOSECONDS.toMillis(firstAckAfterKill.get() - killedAt.get());
      Figures.report(
          "cluster failover",
          "writes="
              + total
              + " threads="
              + threads
              + " keys="
              + acknowledged.size()
              + " acknowledged="
              + acks.get()
              + " ackedBeforeKill="
              + ackedAtKill
              + " failedAndReported="
              + failures.get()
              + " failureKinds="
              + failureKinds
              + " lost="
              + lost
              + " lostOnSurvivor="
              + lostOnSurvivor
              + " newLeaderAfterMs="
              + failover.afterMillis()
              + " killedRestartedToEndLeaderlessStream="
              + failover.killedRestarted()
              + " firstAckAfterKillMs="
              + recoveryMillis
              + " slowestCallMs="
              + TimeUnit.NANOSECONDS.toMillis(slowestCallNanos.get())
              + " watchEvents="
              + watched.size()
              + " watchMissedAcknowledged="
              + missedByWatch
              + " watchInOrder="
              + watchInOrder
              + " watchCaughtUpAfterWritersMs="
              + watchCaughtUpMillis
              + " staleInNearCache="
              + staleInCache[0]);
      assertThat(((NatsKvStore) cached).nearCacheServes(db)).isTrue();
      assertThat(watchErrors).isEmpty();
      assertThat(missedByWatch).isZero();
      assertThat(watchInOrder).isTrue();
      assertThat(lost).isZero();
      assertThat(lostOnSurvivor).isZero();
      assertThat(firstAckAfterKill.get()).isNotZero();
      // a call makes at most three requests (publish, bucket lookup, publish again)
      assertThat(Duration.ofNanos(slowestCallNanos.get()))
          .isLessThan(TIMEOUT.multipliedBy(3).plusSeconds(3));
    }
  }

  private static String kind(StoreException e) {
    String m = e.getMessage();
    if (m.contains("timed out")) {
      return "timeout";
    }
    if (m.contains("no responders")) {
      return "noResponders";
    }
    if (e.errorCode() != 0) {
      return "server" + e.errorCode();
    }
    return m.length() > 60 ? m.substring(0, 60) : m;
  }

  /** Calls until the call does not fail retriably (as an application would), for up to 60 s. */
  private static <T> T retrying(java.util.function.Supplier<T> call) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return call.get();
      } catch (StoreException e) {
        if (!e.isRetriable() || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
    }
  }

  /** Reads a key, retrying retriable failures (the restarted node may still be catching up). */
  private static List<Record> readWithRetry(Store store, String key) {
    for (int attempt = 0; ; attempt++) {
      try {
        return store.read(key);
      } catch (dev.microstore.NotFoundException e) {
        return List.of();
      } catch (StoreException e) {
        if (!e.isRetriable() || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  // ------------------------------------------------------------------ read your writes

  @Test
  void readRightAfterWrite_throughAFollower_seesTheWrite() throws Exception {
    cluster.awaitReady(Duration.ofSeconds(60));
    String db = "ryw";
    int rounds = 1_000 * SCALE;
    try (Connection raw = raw(cluster.urlList())) {
      try (Store creator = store(db, cluster.urlList())) {
        retrying(() -> creator.write(Record.of("init", "0")));
      }
      await().atMost(60, TimeUnit.SECONDS).until(() -> allReplicasCurrent(raw, db));
      String leader = streamInfo(raw, db).getClusterInfo().getLeader();
      String follower =
          cluster.nodes().stream()
              .filter(n -> !n.serverName().equals(leader))
              .findFirst()
              .orElseThrow()
              .url();
      int stale = 0;
      int staleWithoutTheStore = 0;
      try (Store store = store(db, List.of(follower));
          Connection plain = raw(List.of(follower))) {
        KeyValue kv = plain.keyValue(db);
        for (int i = 0; i < rounds; i++) {
          String key = "k" + (i % 50);
          String value = Integer.toString(i);
          long revision = retrying(() -> store.write(Record.of(key, value)));
          Record r = retrying(() -> store.read(key)).get(0);
          if (!r.valueAsString().equals(value) || r.revision() != revision) {
            stale++;
          }
          // the same with plain jnats, whose get is a direct get any replica may answer
          try {
            long plainRevision = kv.put("p" + (i % 50), value);
            io.nats.client.api.KeyValueEntry e = kv.get("p" + (i % 50));
            if (e == null || e.getRevision() < plainRevision) {
              staleWithoutTheStore++;
            }
          } catch (java.io.IOException slow) {
            // the control only counts; a timeout on a busy machine is not what it measures
          }
        }
      }
      Figures.report(
          "read your writes",
          "rounds="
              + rounds
              + " staleReads="
              + stale
              + " staleReadsOfPlainJnatsGet="
              + staleWithoutTheStore
              + " (store and jnats connected to follower only)");
      assertThat(stale).isZero();
    }
  }
}
