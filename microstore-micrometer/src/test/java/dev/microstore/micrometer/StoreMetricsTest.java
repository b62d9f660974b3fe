package dev.microstore.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import dev.microstore.nats.NatsStore;
import dev.microstore.testing.NatsServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Gauges and counters read from a store's stats, on a real nats-server and in memory. */
class StoreMetricsTest {
  private static final WatchListener IGNORE = event -> {};

  private static double gauge(SimpleMeterRegistry meters, String name) {
    return meters.get(name).gauge().value();
  }

  private static double counter(SimpleMeterRegistry meters, String name, String result) {
    return meters.get(name).tag("result", result).functionCounter().count();
  }

  @Test
  void nats_connection_reconnects_watches_andNearCache() {
    try (NatsServer server = NatsServer.start();
        Store store =
            NatsStore.builder()
                .servers(server.url())
                .database("metrics")
                .nearCache("metrics")
                .build()) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      new StoreMetrics(store, Tags.of("name", "orders")).bindTo(meters);

      assertThat(
              meters
                  .get("microstore.connection.connected")
                  .tag("store", "nats")
                  .tag("name", "orders")
                  .gauge()
                  .value())
          .isEqualTo(1);
      assertThat(gauge(meters, "microstore.watches.open")).isZero();
      assertThat(gauge(meters, "microstore.nearcache.hit.ratio")).isNaN();

      store.write(Record.of("a", "1"));
      store.write(Record.of("b", "2"));
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () -> {
                store.read("a");
                return counter(meters, "microstore.nearcache.requests", "hit") > 0;
              });
      store.read("b");
      assertThat(gauge(meters, "microstore.nearcache.entries")).isEqualTo(2);
      double hits = counter(meters, "microstore.nearcache.requests", "hit");
      double misses = counter(meters, "microstore.nearcache.requests", "miss");
      assertThat(gauge(meters, "microstore.nearcache.hit.ratio")).isEqualTo(hits / (hits + misses));

      Watch watch = store.watch(WatchOptions.defaults(), IGNORE);
      assertThat(gauge(meters, "microstore.watches.open")).isEqualTo(1);
      watch.close();
      assertThat(gauge(meters, "microstore.watches.open")).isZero();

      assertThat(meters.get("microstore.connection.reconnects").functionCounter().count()).isZero();
      server.stop();
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> gauge(meters, "microstore.connection.connected") == 0);
      server.restart();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> gauge(meters, "microstore.connection.connected") == 1);
      assertThat(meters.get("microstore.connection.reconnects").functionCounter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void memory_connectedUntilClosed_countsWatches_noNearCache() {
    Store store = Stores.inMemory().build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    new StoreMetrics(store).bindTo(meters);

    assertThat(meters.get("microstore.connection.connected").tag("store", "memory").gauge().value())
        .isEqualTo(1);
    Watch watch = store.watch(WatchOptions.defaults(), IGNORE);
    assertThat(gauge(meters, "microstore.watches.open")).isEqualTo(1);
    watch.close();
    assertThat(gauge(meters, "microstore.watches.open")).isZero();
    assertThat(gauge(meters, "microstore.nearcache.entries")).isZero();
    store.close();
    assertThat(gauge(meters, "microstore.connection.connected")).isZero();
  }
}
