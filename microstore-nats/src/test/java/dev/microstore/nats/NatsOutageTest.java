package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.testing.NatsServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A store outlives its server: it reconnects for as long as it is open (jnats alone gives up after
 * 60 attempts), fails fast while the server is away, and its connection settings add up — a store
 * URI's token and a customizer both apply.
 */
@Tag("fault")
class NatsOutageTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** jnats' default reconnect budget: 60 attempts. */
  private static final int JNATS_DEFAULT_RECONNECTS = 60;

  @Test
  void anOutageLongerThanJnatsReconnectBudget_isSurvived_callsFailFast_firstCallAfterwardSucceeds()
      throws Exception {
    Duration reconnectWait = Duration.ofMillis(20);
    // the server stays away for three times as long as jnats' default budget of attempts lasts
    Duration outage = reconnectWait.multipliedBy(JNATS_DEFAULT_RECONNECTS * 3L);
    try (NatsServer server = NatsServer.builder().binary(TestServers.binary()).start();
        Store store =
            NatsStore.builder()
                .servers(server.url())
                .database("outage")
                .timeout(TIMEOUT)
                // only the wait between attempts: the number of attempts is the store's default
                .connectionOptions(b -> b.reconnectWait(reconnectWait))
                .build()) {
      store.write(Record.of("before", "outage"));

      server.stop();
      long outageStarted = System.nanoTime();
      // a call made before the client notices the lost connection may wait up to the timeout
      // (what it sent may still arrive); from then on calls fail fast
      await()
          .atMost(TIMEOUT.multipliedBy(3))
          .until(
              () -> {
                long start = System.nanoTime();
                try {
                  store.write(Record.of("during", "outage"));
                  return false;
                } catch (StoreException e) {
                  return System.nanoTime() - start < TIMEOUT.dividedBy(2).toNanos();
                }
              });
      int calls = 0;
      while (System.nanoTime() - outageStarted < outage.toNanos()) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.write(Record.of("during", "outage")))
            .isInstanceOf(StoreException.class)
            .satisfies(e -> assertThat(((StoreException) e).isRetriable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.dividedBy(2));
        calls++;
        Thread.sleep(100); // pacing the calls of the outage, not a synchronisation
      }
      assertThat(calls).isGreaterThan(3);

      server.restart();
      await()
          .atMost(10, TimeUnit.SECONDS)
          .ignoreExceptionsInstanceOf(StoreException.class)
          .until(() -> store.write(Record.of("after", "outage")) > 0);
      assertThat(store.read("before").get(0).valueAsString()).isEqualTo("outage");
    }
  }

  @Test
  void aStoreUriToken_andACustomizer_bothApply() {
    String token = "s3cret-outage";
    try (NatsServer server =
            NatsServer.builder()
                .binary(TestServers.binary())
                .extraConfig("authorization { token: \"" + token + "\" }")
                .start();
        Store store =
            NatsStore.fromUri("nats://127.0.0.1:" + server.port() + "?token=" + token)
                .connectionOptions(b -> b.connectionName("customised"))
                .connectionOptions(b -> b.reconnectWait(Duration.ofMillis(50)))
                .build()) {
      store.write(Record.of("k", "v"));
      assertThat(store.read("k").get(0).valueAsString()).isEqualTo("v");
    }
  }
}
