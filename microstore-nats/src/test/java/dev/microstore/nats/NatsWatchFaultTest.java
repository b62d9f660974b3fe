package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.ChangeEvent;
import dev.microstore.DeleteOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchGapException;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import dev.microstore.testing.NatsCluster;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The watch contract under load and faults: every change committed to the watched database and
 * matching the watch's table and prefix is delivered to each watch once, in revision order, also
 * across a server killed and restarted, a cluster's stream leader killed and the watch's consumer
 * deleted by an administrator; a watch resumes from a stored revision; a revision the database no
 * longer holds is reported as a {@link WatchGapException}, never skipped silently; a slow listener
 * holds back only its own watch.
 *
 * <p>"Committed" is read from the bucket's stream after the fact ({@link WatchRecorder#committed}).
 * The normal suite writes 20,000 changes under CPU load and a few thousand across each fault;
 * {@code -Dmicrostore.longTests=true} writes 100,000 and five times as many.
 */
@SuppressWarnings("try") // jnats connections close in try-with-resources
class NatsWatchFaultTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final int SCALE = LongTests.enabled() ? 5 : 1;

  /** How long a watch may take to deliver what is committed once the writers are done. */
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  /** The server of the tests that do not kill theirs; every test uses its own bucket. */
  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().binary(TestServers.binary()).start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static NatsStore builder(String db, String... urls) {
    return NatsStore.builder()
        .servers(urls)
        .database(db)
        .history(64)
        .timeout(TIMEOUT)
        .connectionOptions(
            b ->
                b.maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(50))
                    .errorListener(new io.nats.client.ErrorListener() {}));
  }

  private static Connection raw(String... urls) throws Exception {
    return Nats.connect(
        new Options.Builder()
            .servers(urls)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(50))
            .errorListener(new io.nats.client.ErrorListener() {})
            .build());
  }

  /** The changes after {@code revision}: what a watch started after that revision delivers. */
  private static List<WatchRecorder.Change> after(
      List<WatchRecorder.Change> changes, long revision) {
    List<WatchRecorder.Change> out = new ArrayList<>();
    for (WatchRecorder.Change c : changes) {
      if (c.revision() > revision) {
        out.add(c);
      }
    }
    return out;
  }

  /** A bucket name no other test (or earlier run on the same server) uses. */
  private static String bucket(String name) {
    return name + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  // ------------------------------------------------------------------ 1. load

  @Test
  @Tag("fault")
  void manyChanges_underCpuLoad_slowListenerWithSmallBuffer_andFastWatch_bothGetEveryChange()
      throws Exception {
    int changes = LongTests.enabled() ? 100_000 : 20_000;
    int writerThreads = 4;
    int batch = 100;
    String db = bucket("wf-load");
    String table = "load";
    AtomicBoolean burning = new AtomicBoolean(true);
    List<Thread> burners = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (burning.get()) {
                  x += Long.numberOfTrailingZeros(x * 31 + 7);
                }
                if (x == 42) {
                  System.out.print("");
                }
              },
              "cpu-burner-" + i);
      t.setDaemon(true);
      burners.add(t);
    }
    WatchRecorder slow =
        new WatchRecorder(
            "slow (prefix in-, bufferSize 64)",
            e -> {
              ThreadLocalRandom r = ThreadLocalRandom.current();
              if (r.nextInt(2000) == 0) {
                sleep(20 + r.nextInt(31));
              }
            });
    WatchRecorder fast = new WatchRecorder("fast (whole table)");
    long start = System.nanoTime();
    // a generous timeout: writes are not what this test is about, and the machine is busy
    try (Store store =
            builder(db, server.url()).table(table).timeout(Duration.ofSeconds(10)).build();
        Connection nc = raw(server.url())) {
      long first = store.write(Record.of("in-first", "0")); // the bucket exists before the watches
      try (Watch slowWatch =
              store.watch(WatchOptions.builder().prefix("in-").bufferSize(512).build(), slow);
          Watch fastWatch = store.watch(WatchOptions.defaults(), fast)) {
        burners.forEach(Thread::start);
        List<Throwable> problems = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        int perThread = changes / writerThreads;
        for (int t = 0; t < writerThreads; t++) {
          int id = t;
          Thread w =
              new Thread(
                  () -> {
                    try {
                      int done = 0;
                      int round = 0;
                      while (done < perThread) {
                        List<Record> records = new ArrayList<>();
                        for (int i = 0; i < batch && done < perThread; i++, done++) {
                          // one in ten outside the slow watch's prefix
                          String side = (done % 10 == 0) ? "out-" : "in-";
                          records.add(Record.of(side + id + "-" + done, "v" + done));
                        }
                        assertAllSucceeded(store.writeAll(records, WriteOptions.defaults()));
                        if (++round % 5 == 0 && done < perThread) {
                          // delete some keys written before: a delete is a change too
                          List<String> keys = new ArrayList<>();
                          for (int i = 0;
                              i < 20 && i * 3 < records.size() && done < perThread;
                              i++, done++) {
                            keys.add(records.get(i * 3).key());
                          }
                          assertAllSucceeded(store.deleteAll(keys, DeleteOptions.defaults()));
                        }
                      }
                    } catch (Throwable e) {
                      problems.add(e);
                    }
                  },
                  "load-writer-" + t);
          writers.add(w);
          w.start();
        }
        for (Thread w : writers) {
          w.join(TimeUnit.SECONDS.toMillis(120L * SCALE));
          assertThat(w.isAlive()).as("writer %s finished", w.getName()).isFalse();
        }
        long writtenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(problems).isEmpty();
        List<WatchRecorder.Change> all = after(WatchRecorder.committed(nc, db, table, ""), first);
        List<WatchRecorder.Change> in = after(WatchRecorder.committed(nc, db, table, "in-"), first);
        assertThat(all.size()).as("changes committed").isEqualTo(perThread * writerThreads);
        boolean fastDone =
            fast.awaitRevision(WatchRecorder.lastRevision(all), CATCH_UP.multipliedBy(SCALE));
        long fastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        boolean slowDone =
            slow.awaitRevision(WatchRecorder.lastRevision(in), CATCH_UP.multipliedBy(SCALE));
        long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        burning.set(false);
        System.out.println(
            "load: committed="
                + all.size()
                + " (slow watch's prefix: "
                + in.size()
                + ") writtenMs="
                + writtenMillis
                + " fastCaughtUp="
                + fastDone
                + " atMs="
                + fastMillis
                + " slowCaughtUp="
                + slowDone
                + " atMs="
                + slowMillis);
        fast.assertDeliveredExactly(all);
        slow.assertDeliveredExactly(in);
      }
    } finally {
      burning.set(false);
    }
  }

  private static void assertAllSucceeded(dev.microstore.BulkResult result) {
    if (!result.allSucceeded()) {
      throw new AssertionError("a bulk call failed without a fault: " + result.failures());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the listener being slow is what is tested, not a synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ writers that retry

  /**
   * Threads writing puts (and, every tenth, a delete of a key written before) one at a time,
   * retrying a retriable failure as an application would, until it succeeds. A retried write may
   * land twice; "committed" is taken from the stream, so that does not matter.
   */
  private static final class RetryingWriters {
    final AtomicLong done = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    /** The {@link System#nanoTime()} when the last writer finished. */
    final AtomicLong finished = new AtomicLong();

    final List<Throwable> problems = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    RetryingWriters(Store store, int count, int perThread, String name) {
      for (int t = 0; t < count; t++) {
        int id = t;
        threads.add(
            new Thread(
                () -> {
                  try {
                    write(store, id, perThread);
                  } finally {
                    finished.accumulateAndGet(System.nanoTime(), Math::max);
                  }
                },
                name + "-writer-" + t));
      }
    }

    private void write(Store store, int id, int perThread) {
      for (int i = 0; i < perThread && problems.isEmpty(); i++) {
        String key = "w" + id + "-" + i;
        String value = "v" + i;
        String earlier = "w" + id + "-" + (i - 5);
        if (!retrying(() -> store.write(Record.of(key, value)))) {
          return;
        }
        if (i % 10 == 9
            && !retrying(
                () -> {
                  store.delete(earlier);
                  return 0L;
                })) {
          return;
        }
      }
    }

    /** Calls until the call succeeds; false (and a problem recorded) when it cannot. */
    private boolean retrying(Supplier<Long> call) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          call.get();
          done.incrementAndGet();
          return true;
        } catch (StoreException e) {
          failures.incrementAndGet();
          if (!e.isRetriable() || System.nanoTime() - deadline > 0) {
            problems.add(e);
            return false;
          }
          sleep(10); // an application backs off a little before it retries
        } catch (RuntimeException e) {
          problems.add(e);
          return false;
        }
      }
    }

    RetryingWriters start() {
      threads.forEach(Thread::start);
      return this;
    }

    void awaitDone(long atLeast) {
      await()
          .atMost(60L * SCALE, TimeUnit.SECONDS)
          .until(() -> done.get() >= atLeast || !problems.isEmpty());
      assertThat(problems).isEmpty();
    }

    void join() throws InterruptedException {
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(120L * SCALE));
        assertThat(t.isAlive()).as("writer %s finished", t.getName()).isFalse();
      }
      assertThat(problems).isEmpty();
    }
  }

  /** The operations {@link RetryingWriters} make: 11 per 10 puts. */
  private static long operations(int threads, int perThread) {
    return (long) threads * (perThread + perThread / 10);
  }

  // ------------------------------------------------------------------ 2. kill -9 and restart

  @Test
  @Tag("fault")
  void serverKilledAndRestartedMidStream_watchDeliversEveryCommittedChange_once_inOrder()
      throws Exception {
    String db = bucket("wf-restart");
    int threads = 2;
    int perThread = 2_000 * SCALE;
    long total = operations(threads, perThread);
    WatchRecorder rec = new WatchRecorder("across kill -9 and restart");
    try (NatsServer own = NatsServer.builder().binary(TestServers.binary()).start();
        Store store = builder(db, own.url()).build();
        Connection nc = raw(own.url())) {
      long first = store.write(Record.of("first", "0"));
      try (Watch watch = store.watch(WatchOptions.defaults(), rec)) {
        RetryingWriters writers = new RetryingWriters(store, threads, perThread, "restart").start();
        writers.awaitDone(total / 2);
        long deliveredBeforeKill = rec.count();
        own.kill();
        long failuresAtKill = writers.failures.get();
        // the writers notice the outage before the server comes back
        await().atMost(30, TimeUnit.SECONDS).until(() -> writers.failures.get() > failuresAtKill);
        own.restart();
        long back = System.nanoTime();
        int deliveredAtRestart = rec.count();
        // everything written so far, as the restarted server holds it
        long writtenSoFar =
            await()
                .atMost(30, TimeUnit.SECONDS)
                .ignoreExceptions()
                .until(
                    () ->
                        nc.jetStreamManagement()
                            .getStreamInfo(Wire.streamName(db))
                            .getStreamState()
                            .getLastSequence(),
                    last -> last > 0);
        boolean recovered = rec.awaitRevision(writtenSoFar, CATCH_UP);
        long recoveryMillis =
            recovered ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back) : -1;
        writers.join();
        List<WatchRecorder.Change> committed =
            after(WatchRecorder.committed(nc, db, null, ""), first);
        boolean caughtUp = rec.awaitRevision(WatchRecorder.lastRevision(committed), CATCH_UP);
        long caughtUpAt = System.nanoTime();
        long firstAfter = rec.firstArrivalSince(back);
        long deliveredAfterRestart = rec.count() - deliveredAtRestart;
        long[] rate = rec.rateSince(back);
        Figures.report(
            "watch across kill -9 and restart, single server",
            "committed="
                + committed.size()
                + " writerOps="
                + writers.done.get()
                + " writeFailuresRetried="
                + writers.failures.get()
                + " deliveredBeforeKill="
                + deliveredBeforeKill
                + " lastSequenceWhenBack="
                + writtenSoFar
                + " recoveryMs="
                + recoveryMillis
                + " (server back until the watch delivered everything written so far)"
                + " firstEventAfterRestartMs="
                + (firstAfter == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstAfter - back))
                + " deliveryRateAfterRestart="
                + Math.round(deliveredAfterRestart / ((caughtUpAt - back) / 1e9))
                + "/s ("
                + deliveredAfterRestart
                + " events from the restart until caught up, "
                + TimeUnit.NANOSECONDS.toMillis(caughtUpAt - back)
                + " ms) onceResumed="
                + rate[0]
                + "/s ("
                + rate[1]
                + " events in "
                + rate[2]
                + " ms, first to last event after the restart; writers finished "
                + TimeUnit.NANOSECONDS.toMillis(writers.finished.get() - back)
                + " ms after the restart) caughtUp="
                + caughtUp);
        rec.assertDeliveredExactly(committed);
        assertThat(recovered).as("the watch recovered within %s", CATCH_UP).isTrue();
      }
    }
  }

  // ------------------------------------------------------------------ 3. cluster leader killed

  @Test
  @Tag("fault")
  void clusterStreamLeaderKilledMidStream_watchDeliversEveryCommittedChange_once_inOrder()
      throws Exception {
    String db = bucket("wf-leader");
    int threads = 2;
    int perThread = 1_500 * SCALE;
    long total = operations(threads, perThread);
    WatchRecorder rec = new WatchRecorder("across a stream leader kill (R3)");
    try (NatsCluster cluster = NatsCluster.builder().binary(TestServers.binary()).size(3).start()) {
      cluster.awaitReady(Duration.ofSeconds(60));
      String[] urls = cluster.urlList().toArray(new String[0]);
      // the replicated bucket exists before the first fault (with the default timeout: placing
      // three replicas on a busy machine can take longer than the store's)
      NatsStore.builder()
          .servers(urls)
          .bucket(KeyValueConfiguration.builder().name(db).replicas(3).maxHistoryPerKey(64).build())
          .build()
          .close();
      try (Store store = builder(db, urls).timeout(Duration.ofSeconds(2)).build();
          Store watching = builder(db, urls).timeout(Duration.ofSeconds(2)).build();
          Connection nc = raw(urls)) {
        Watch watch = retrying(() -> watching.watch(WatchOptions.defaults(), rec));
        try {
          RetryingWriters writers =
              new RetryingWriters(store, threads, perThread, "leader").start();
          writers.awaitDone(total / 2);
          NatsServer leader =
              cluster.awaitStreamLeader(
                  NatsCluster.GLOBAL_ACCOUNT, Wire.streamName(db), Duration.ofSeconds(30));
          leader.kill();
          long killed = System.nanoTime();
          Failover failover = Failover.await(cluster, Wire.streamName(db), leader, killed);
          writers.awaitDone(total * 3 / 4);
          failover.restartKilled(leader);
          writers.join();
          cluster.awaitReady(Duration.ofSeconds(60));
          List<WatchRecorder.Change> committed =
              await()
                  .atMost(30, TimeUnit.SECONDS)
                  .ignoreExceptions()
                  .until(() -> WatchRecorder.committed(nc, db, null, ""), c -> true);
          boolean caughtUp = rec.awaitRevision(WatchRecorder.lastRevision(committed), CATCH_UP);
          long caughtUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
          Figures.report(
              "watch across a stream leader kill, 3-node cluster R3",
              "committed="
                  + committed.size()
                  + " writerOps="
                  + writers.done.get()
                  + " writeFailuresRetried="
                  + writers.failures.get()
                  + " killed="
                  + leader.serverName()
                  + " newLeader="
                  + failover.leader().serverName()
                  + " newLeaderAfterMs="
                  + failover.afterMillis()
                  + " killedRestartedToEndLeaderlessStream="
                  + failover.killedRestarted()
                  + " watchCaughtUp="
                  + caughtUp
                  + " caughtUpAfterKillMs="
                  + caughtUpMillis);
          rec.assertDeliveredExactly(committed);
        } finally {
          watch.close();
        }
      }
    }
  }

  /** Calls until the call does not fail retriably, for up to 60 s. */
  private static <T> T retrying(Supplier<T> call) {
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

  // ------------------------------------------------------------------ 4. consumer deleted

  @Test
  @Tag("fault")
  void watchConsumerDeletedByAnAdministratorMidStream_watchDeliversEveryCommittedChange()
      throws Exception {
    String db = bucket("wf-admin");
    int threads = 2;
    int perThread = 1_500 * SCALE;
    long total = operations(threads, perThread);
    WatchRecorder rec = new WatchRecorder("with its consumer deleted");
    try (Store store = builder(db, server.url()).build();
        Connection nc = raw(server.url())) {
      long first = store.write(Record.of("first", "0"));
      try (Watch watch = store.watch(WatchOptions.defaults(), rec)) {
        JetStreamManagement jsm = nc.jetStreamManagement();
        RetryingWriters writers = new RetryingWriters(store, threads, perThread, "admin").start();
        int deleted = 0;
        for (int quarter = 1; quarter <= 3; quarter++) {
          writers.awaitDone(total * quarter / 4);
          for (String consumer : jsm.getConsumerNames(Wire.streamName(db))) {
            if (jsm.deleteConsumer(Wire.streamName(db), consumer)) {
              deleted++;
            }
          }
        }
        writers.join();
        long writersDone = System.nanoTime();
        List<WatchRecorder.Change> committed =
            after(WatchRecorder.committed(nc, db, null, ""), first);
        boolean caughtUp = rec.awaitRevision(WatchRecorder.lastRevision(committed), CATCH_UP);
        System.out.println(
            "consumer deleted: consumersDeleted="
                + deleted
                + " committed="
                + committed.size()
                + " caughtUp="
                + caughtUp
                + " afterWritersMs="
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writersDone));
        assertThat(deleted).as("consumers of the watch deleted").isPositive();
        rec.assertDeliveredExactly(committed);
      }
    }
  }

  // ------------------------------------------------------------------ 5. resume

  @Test
  void resumeFromStoredRevisionAfterStoreClosed_deliversExactlyTheMissedThenLiveChanges()
      throws Exception {
    String db = bucket("wf-resume");
    String table = "svc";
    WatchOptions first = WatchOptions.builder().prefix("p-").build();
    WatchRecorder before = new WatchRecorder("before the close");
    long last;
    try (Store writer = builder(db, server.url()).table(table).build();
        Connection nc = raw(server.url())) {
      writer.write(Record.of("p-0", "0")); // the bucket exists before the watch
      try (Store service = builder(db, server.url()).table(table).build()) {
        service.watch(first, before);
        writeMixed(writer, 0, 300);
        List<WatchRecorder.Change> live = after(WatchRecorder.committed(nc, db, table, "p-"), 1);
        before.awaitRevision(WatchRecorder.lastRevision(live), CATCH_UP);
        before.assertDeliveredExactly(live);
        last = before.lastRevision();
      } // the service stops; its watch ends with the store
      writeMixed(writer, 300, 300); // missed while the service is down
      WatchRecorder after = new WatchRecorder("resumed from revision " + (last + 1));
      try (Store service = builder(db, server.url()).table(table).build();
          Watch watch =
              service.watch(
                  WatchOptions.builder().prefix("p-").fromRevision(last + 1).build(), after)) {
        writeMixed(writer, 600, 200); // live
        List<WatchRecorder.Change> expected =
            after(WatchRecorder.committed(nc, db, table, "p-"), last);
        after.awaitRevision(WatchRecorder.lastRevision(expected), CATCH_UP);
        after.assertDeliveredExactly(expected);
      }
    }
  }

  /**
   * {@code count} writes from {@code from} on: puts of keys {@code p-<i>} and, one in four, of
   * {@code q-<i>} (outside the watched prefix), and every fifth a delete of an earlier key.
   */
  private static void writeMixed(Store store, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (i % 5 == 4) {
        store.delete("p-" + (i - 2));
      } else {
        String prefix = i % 4 == 0 ? "q-" : "p-";
        store.write(Record.of(prefix + i, "v" + i));
      }
    }
  }

  // ------------------------------------------------------------------ 6. gaps

  @Test
  void fromRevisionReplacedInAHistoryOneBucket_isReportedAsAGapAtThatRevision_noEvent()
      throws Exception {
    String db = bucket("wf-gap-hist1");
    try (Store store = builder(db, server.url()).history(1).build()) {
      // a newer revision of the key replaces revision 1
      List<WatchRecorder.Change> written =
          List.of(
              put(store.write(Record.of("a", "1")), "a"),
              put(store.write(Record.of("a", "2")), "a"),
              put(store.write(Record.of("b", "1")), "b"));
      assertThat(written.get(0).revision()).isEqualTo(1);
      WatchRecorder rec = new WatchRecorder("fromRevision 1 of a history-1 bucket");
      try (Watch watch = store.watch(WatchOptions.builder().fromRevision(1).build(), rec)) {
        rec.awaitError(Duration.ofSeconds(5));
        WatchGapException gap = rec.assertPrefixThenGap(written, db);
        assertThat(gap.firstMissedRevision()).isEqualTo(1);
        assertThat(rec.events()).isEmpty();
      }
    }
  }

  @Test
  void fromRevisionRemovedByAMessageLimit_isReportedAsAGapAtThatRevision_noEvent()
      throws Exception {
    String db = bucket("wf-gap-max");
    try (Store store = builder(db, server.url()).build();
        Connection nc = raw(server.url())) {
      List<WatchRecorder.Change> written = writeDistinctKeysOverALimitOf50(nc, store, db);
      WatchRecorder rec = new WatchRecorder("fromRevision 10 of a bucket holding 51..100");
      try (Watch watch = store.watch(WatchOptions.builder().fromRevision(10).build(), rec)) {
        rec.awaitError(Duration.ofSeconds(5));
        WatchGapException gap = rec.assertPrefixThenGap(after(written, 9), db);
        assertThat(gap.firstMissedRevision()).isEqualTo(10);
        assertThat(rec.events()).isEmpty();
      }
    }
  }

  @Test
  void fromTheOldestRevisionStillHeld_deliversEverythingFromThere_noGap() throws Exception {
    String db = bucket("wf-gap-none");
    try (Store store = builder(db, server.url()).build();
        Connection nc = raw(server.url())) {
      writeDistinctKeysOverALimitOf50(nc, store, db);
      WatchRecorder rec = new WatchRecorder("fromRevision 51 of a bucket holding 51..100");
      try (Watch watch = store.watch(WatchOptions.builder().fromRevision(51).build(), rec)) {
        List<WatchRecorder.Change> expected = WatchRecorder.committed(nc, db, null, "");
        assertThat(expected).hasSize(50);
        rec.awaitRevision(100, Duration.ofSeconds(10));
        rec.assertDeliveredExactly(expected);
      }
    }
  }

  /** Revisions 1..100 of distinct keys in a bucket that holds 50 messages: 51..100 are left. */
  private static List<WatchRecorder.Change> writeDistinctKeysOverALimitOf50(
      Connection nc, Store store, String db) throws Exception {
    List<WatchRecorder.Change> written = new ArrayList<>();
    written.add(put(limitMessages(nc, store, db, 50), "created"));
    for (int i = 2; i <= 100; i++) {
      written.add(put(store.write(Record.of("k" + i, "v" + i)), "k" + i));
    }
    assertThat(written.get(written.size() - 1).revision()).isEqualTo(100);
    assertThat(
            nc.jetStreamManagement()
                .getStreamInfo(Wire.streamName(db))
                .getStreamState()
                .getFirstSequence())
        .isEqualTo(51);
    return written;
  }

  private static WatchRecorder.Change put(long revision, String key) {
    return new WatchRecorder.Change(revision, key, ChangeEvent.Op.PUT);
  }

  @Test
  void liveWatchHeldBack_whileTheLimitRemovesItsUndeliveredRevisions_reportsTheGap_noSilentSkip()
      throws Exception {
    String db = bucket("wf-gap-live");
    int writes = 500;
    CountDownLatch release = new CountDownLatch(1);
    WatchRecorder rec =
        new WatchRecorder(
            "held back (bufferSize 8, max messages 50)",
            e -> {
              try {
                release.await();
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            });
    try (Store store = builder(db, server.url()).build();
        Connection nc = raw(server.url())) {
      long base = limitMessages(nc, store, db, 50);
      Watch watch = store.watch(WatchOptions.builder().bufferSize(8).build(), rec);
      try {
        // distinct keys, one writer, no faults: every write is committed, with the revision
        // write() returns; the limit removes all but the last 50 from the stream
        List<WatchRecorder.Change> written = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
          String key = "k" + i;
          written.add(put(store.write(Record.of(key, "v" + i)), key));
        }
        assertThat(written.get(0).revision()).isEqualTo(base + 1);
        long firstHeld =
            nc.jetStreamManagement()
                .getStreamInfo(Wire.streamName(db))
                .getStreamState()
                .getFirstSequence();
        assertThat(firstHeld).isEqualTo(base + writes - 49);
        release.countDown();
        boolean failed = rec.awaitError(Duration.ofSeconds(10));
        System.out.println(
            "held back: failed="
                + failed
                + " delivered="
                + rec.count()
                + " lastDelivered="
                + rec.lastRevision()
                + " firstHeld="
                + firstHeld
                + " error="
                + rec.error());
        WatchGapException gap = rec.assertPrefixThenGap(written, db);
        assertThat(gap.firstMissedRevision())
            .as("the first missed revision is one the bucket no longer holds")
            .isLessThan(firstHeld);
      } finally {
        release.countDown();
        watch.close();
      }
    }
  }

  /**
   * Creates the bucket with a first record and limits its stream to {@code max} messages, the
   * oldest removed first (a KV bucket refuses new messages at its limits otherwise).
   *
   * @return the revision of the first record
   */
  private static long limitMessages(Connection nc, Store store, String db, long max)
      throws Exception {
    // the store creates the bucket with its defaults
    long revision = store.write(Record.of("created", "0"));
    JetStreamManagement jsm = nc.jetStreamManagement();
    StreamConfiguration config = jsm.getStreamInfo(Wire.streamName(db)).getConfiguration();
    jsm.updateStream(
        StreamConfiguration.builder(config)
            .maxMessages(max)
            .discardPolicy(DiscardPolicy.Old)
            .build());
    return revision;
  }

  // ------------------------------------------------------------------ 7. isolation

  @Test
  void slowListenerOfOneWatch_doesNotHoldBackAnotherWatchOfTheSameStore() throws Exception {
    String db = bucket("wf-isolation");
    int writes = 200;
    CountDownLatch release = new CountDownLatch(1);
    WatchRecorder blocked =
        new WatchRecorder(
            "A (listener blocked)",
            e -> {
              try {
                release.await();
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            });
    WatchRecorder free = new WatchRecorder("B");
    try (Store store = builder(db, server.url()).build();
        Connection nc = raw(server.url())) {
      long first = store.write(Record.of("first", "0"));
      Watch a = store.watch(WatchOptions.defaults(), blocked);
      Watch b = store.watch(WatchOptions.defaults(), free);
      try {
        for (int i = 0; i < writes; i++) {
          store.write(Record.of("k" + (i % 50), "v" + i));
        }
        List<WatchRecorder.Change> live = after(WatchRecorder.committed(nc, db, null, ""), first);
        boolean bDone =
            free.awaitRevision(WatchRecorder.lastRevision(live), Duration.ofSeconds(10));
        int aWhileBlocked = blocked.count();
        int bWhileBlocked = free.count();
        release.countDown();
        assertThat(bDone)
            .as(
                "B delivered all %s writes while A's listener was blocked (B delivered %s, A %s)",
                writes, bWhileBlocked, aWhileBlocked)
            .isTrue();
        free.assertDeliveredExactly(live);
        blocked.awaitRevision(WatchRecorder.lastRevision(live), CATCH_UP);
        blocked.assertDeliveredExactly(live);
      } finally {
        release.countDown();
        a.close();
        b.close();
      }
    }
  }
}
