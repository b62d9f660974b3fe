package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.testing.NatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A single server with file storage killed and restarted under a store that stays open. */
@Tag("fault")
class NatsServerRestartTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** A call makes at most three requests (publish, bucket lookup, publish again). */
  private static final Duration LONGEST_CALL = TIMEOUT.multipliedBy(3).plusSeconds(2);

  @Test
  void serverKilledAndRestarted_acknowledgedRecordsSurvive_callsNeverHang_storeReconnects() {
    int records = LongTests.enabled() ? 5_000 : 500;
    try (NatsServer server = NatsServer.builder().binary(TestServers.binary()).start();
        Store store =
            NatsStore.builder()
                .servers(server.url())
                .database("restart")
                .timeout(TIMEOUT)
                .connectionOptions(
                    b ->
                        b.maxReconnects(-1)
                            .reconnectWait(Duration.ofMillis(100))
                            .errorListener(new io.nats.client.ErrorListener() {}))
                .build()) {
      Map<String, String> acknowledged = new HashMap<>();
      for (int i = 0; i < records; i++) {
        store.write(Record.of("k" + (i % 200), "v" + i));
        acknowledged.put("k" + (i % 200), "v" + i);
      }

      server.kill();
      List<Supplier<Object>> calls =
          List.of(
              () -> store.write(Record.of("during-outage", "x")),
              () -> store.read("k1"),
              () -> store.read("k", ReadOptions.builder().prefix().build()),
              () -> store.list(ListOptions.builder().build()),
              () -> {
                store.delete("k-never-written");
                return null;
              });
      int failed = 0;
      long slowest = 0;
      List<String> messages = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (Supplier<Object> call : calls) {
          long start = System.nanoTime();
          try {
            call.get();
          } catch (StoreException e) {
            failed++;
            assertThat(e.isRetriable()).as(e.toString()).isTrue();
            assertThat(e.getMessage()).isNotBlank();
            messages.add(e.getMessage());
          }
          long took = System.nanoTime() - start;
          slowest = Math.max(slowest, took);
          assertThat(Duration.ofNanos(took)).isLessThan(LONGEST_CALL);
        }
      }
      assertThat(failed).isEqualTo(2 * calls.size());

      long restartedAt = System.nanoTime();
      server.restart();
      await()
          .atMost(30, TimeUnit.SECONDS)
          .ignoreExceptionsInstanceOf(StoreException.class)
          .until(() -> store.write(Record.of("after", "restart")) > 0);
      long reconnectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);

      int lost = 0;
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        try {
          if (!store.read(e.getKey()).get(0).valueAsString().equals(e.getValue())) {
            lost++;
          }
        } catch (NotFoundException missing) {
          lost++;
        }
      }
      Figures.report(
          "single server kill -9 and restart",
          "writes="
              + records
              + " keys="
              + acknowledged.size()
              + " lost="
              + lost
              + " callsDuringOutage="
              + 2 * calls.size()
              + " failedWithRetriableStoreException="
              + failed
              + " slowestCallMs="
              + TimeUnit.NANOSECONDS.toMillis(slowest)
              + " (timeout "
              + TIMEOUT.toMillis()
              + " ms) firstWriteAfterRestartMs="
              + reconnectedMillis
              + " example=\""
              + messages.get(0)
              + "\"");
      assertThat(lost).isZero();
    }
  }
}
