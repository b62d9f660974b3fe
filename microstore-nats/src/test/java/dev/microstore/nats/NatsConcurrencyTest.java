package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 16 threads of mixed operations on one store, and on several stores sharing a server: no
 * exception, no deadlock, and after close no thread and no subscription left. 16 × 1,000
 * operations; 16 × 10,000 with {@code -Dmicrostore.longTests=true}.
 */
@Tag("fault")
class NatsConcurrencyTest {
  private static final int THREADS = 16;
  private static final int OPERATIONS = LongTests.enabled() ? 10_000 : 1_000;
  private static final Pattern NUM_SUBSCRIPTIONS =
      Pattern.compile("\"num_subscriptions\":\\s*(\\d+)");
  private static final Pattern NUM_CONNECTIONS = Pattern.compile("\"num_connections\":\\s*(\\d+)");
  private static final Pattern CONNECTION_SUBSCRIPTIONS =
      Pattern.compile("\"subscriptions\":\\s*(\\d+)");

  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().binary(TestServers.binary()).start();
    // the server creates some internal subscriptions on first use of JetStream: not the store's
    try (Store warmUp = NatsStore.builder().servers(server.url()).build()) {
      warmUp.write(Record.of("k", "v"), WriteOptions.builder().database("warmup").build());
      warmUp.list(ListOptions.builder().database("warmup").build());
      warmUp.deleteDatabase("warmup");
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A plain jnats connection. */
  private static final class TestServersConnection {
    static Connection open(String url) throws Exception {
      Connection c =
          Nats.connect(
              new Options.Builder()
                  .server(url)
                  .errorListener(new io.nats.client.ErrorListener() {})
                  .build());
      // jnats subscribes to its reply inbox on the first request: the connection's, not a store's
      c.jetStreamManagement().getAccountStatistics();
      return c;
    }
  }

  private static long number(Pattern p, String json) {
    Matcher m = p.matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0} store(s)")
  @ValueSource(ints = {1, 4})
  void sixteenThreadsOfMixedOperations_noFailure_nothingLeftAfterClose(int storeCount)
      throws Exception {
    // one more store on a connection the caller keeps: closing it must remove its subscriptions
    Connection kept = TestServersConnection.open(server.url());
    long subscriptionsBefore = number(NUM_SUBSCRIPTIONS, server.monitoringGet("/subsz"));
    long keptSubscriptions = number(CONNECTION_SUBSCRIPTIONS, server.monitoringGet("/connz"));
    Set<String> threadsBefore = threadNames();
    Store onKeptConnection = NatsStore.builder().connection(kept).build();
    List<Store> stores = new ArrayList<>();
    for (int i = 0; i < storeCount; i++) {
      stores.add(
          NatsStore.builder()
              .servers(server.url())
              .connectionOptions(b -> b.errorListener(new io.nats.client.ErrorListener() {}))
              .build());
    }
    String db = "load" + storeCount;
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Store store = stores.get(t % storeCount);
      int id = t;
      Thread w =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                WriteOptions to = WriteOptions.builder().to(db, "t" + (id % 4)).build();
                ReadOptions from = ReadOptions.builder().from(db, "t" + (id % 4)).build();
                for (int i = 0; i < OPERATIONS && failures.isEmpty(); i++) {
                  String key = "k" + random.nextInt(100);
                  int op = random.nextInt(100);
                  try {
                    if (op < 45) {
                      store.write(Record.of(key, "v" + id + "-" + i), to);
                    } else if (op < 85) {
                      try {
                        store.read(key, from);
                      } catch (NotFoundException fine) {
                        // deleted by another thread
                      }
                    } else if (op < 97) {
                      store.delete(key, DeleteOptions.builder().from(db, "t" + (id % 4)).build());
                    } else if (op < 99) {
                      store.read(
                          "k1", ReadOptions.builder().from(db, "t" + (id % 4)).prefix().build());
                    } else {
                      store.list(ListOptions.builder().from(db, "t" + (id % 4)).build());
                    }
                  } catch (RuntimeException e) {
                    failures.add(e);
                  }
                }
              },
              "load-worker-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(TimeUnit.SECONDS.toMillis(LongTests.enabled() ? 1_200 : 150));
      assertThat(w.isAlive()).as("%s finished (no deadlock)", w.getName()).isFalse();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(failures).isEmpty();
    stores.get(0).deleteDatabase(db);
    stores.forEach(Store::close);
    onKeptConnection.read("k1", ReadOptions.builder().database(db).prefix().build());
    onKeptConnection.close();
    assertThat(kept.getStatus()).isEqualTo(Connection.Status.CONNECTED);

    await()
        .atMost(20, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              Set<String> left = threadNames();
              left.removeAll(threadsBefore);
              left.removeIf(
                  n ->
                      n.startsWith("ForkJoinPool")
                          || n.startsWith("process reaper")
                          || n.startsWith("awaitility"));
              assertThat(left).as("threads left after close").isEmpty();
            });
    await()
        .atMost(20, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              String connz = server.monitoringGet("/connz");
              assertThat(number(NUM_CONNECTIONS, connz)).isEqualTo(1);
              assertThat(number(CONNECTION_SUBSCRIPTIONS, connz)).isEqualTo(keptSubscriptions);
              assertThat(number(NUM_SUBSCRIPTIONS, server.monitoringGet("/subsz")))
                  .isEqualTo(subscriptionsBefore);
            });
    kept.close();
    Figures.report(
        "concurrency",
        "stores="
            + storeCount
            + " threads="
            + THREADS
            + " operations="
            + THREADS * OPERATIONS
            + " failures=0 tookMs="
            + millis
            + " threadsLeft=0 connectionsLeft=0 subscriptionsLeft=0");
  }
}
