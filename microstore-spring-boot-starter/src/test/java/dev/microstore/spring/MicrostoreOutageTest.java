package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.testing.NatsServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A NATS outage as an application sees it: one WARN when the connection is lost, one INFO with the
 * outage's duration when it is back, an ERROR when reconnecting stops, no stack trace per reconnect
 * attempt, no secret in any line, and a health indicator that answers at once while NATS is down.
 */
class MicrostoreOutageTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MicrostoreAutoConfiguration.class, MicrostoreHealthAutoConfiguration.class));

  @Test
  void anOutage_isLoggedOnce_andHealthIsDownAtOnce_thenUpAgain() {
    try (NatsServer server = NatsServer.start();
        LogCapture logs = LogCapture.of("dev.microstore")) {
      String withSecret = server.url().replace("nats://", "nats://alice:s3cret@");
      runner
          .withPropertyValues(
              "microstore.uri=" + withSecret + "?database=outage",
              "microstore.nats.reconnect-wait=100ms",
              "microstore.timeout=5s")
          .run(
              context -> {
                Store store = context.getBean(Store.class);
                store.write(Record.of("k", "v"));
                HealthIndicator health =
                    context.getBean("microstoreHealthIndicator", HealthIndicator.class);
                await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getDetails().containsKey("state"));
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);

                server.stop();
                await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.DOWN));
                Thread.sleep(700); // several reconnect attempts, 100 ms apart

                long started = System.nanoTime();
                Health down = health.health();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(took).isLessThan(Duration.ofSeconds(1));
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails())
                    .containsKeys("state", "servers", "error", "disconnectedSince");
                assertThat(down.getDetails().toString())
                    .contains("127.0.0.1:" + server.port())
                    .doesNotContain("s3cret");
                assertThat((Integer) down.getDetails().get("reconnectAttempts")).isGreaterThan(2);

                server.restart();
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !logs.events(Level.INFO, "Reconnected to NATS").isEmpty());
                await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.UP));
                assertThat(store.read("k").get(0).valueAsString()).isEqualTo("v");
              });

      String text = logs.text();
      assertThat(logs.events(Level.INFO, "Opened store nats://127.0.0.1:" + server.port()))
          .as(text)
          .hasSize(1);
      assertThat(logs.events(Level.WARN, "Lost the connection to NATS")).as(text).hasSize(1);
      assertThat(logs.events(Level.INFO, "Reconnected to NATS at")).as(text).hasSize(1);
      assertThat(logs.events(Level.INFO, "offline")).as(text).hasSize(1);
      assertThat(logs.events())
          .as(text)
          .filteredOn(LogCapture::atLeastWarn)
          .hasSize(1)
          .allMatch(e -> e.getThrowableProxy() == null);
      assertThat(text).doesNotContain("s3cret");
    }
  }

  @Test
  void whenReconnectingStops_oneErrorIsLogged() {
    try (NatsServer server = NatsServer.start();
        LogCapture logs = LogCapture.of("dev.microstore")) {
      runner
          .withPropertyValues(
              "microstore.nats.servers=" + server.url(),
              "microstore.nats.reconnect-wait=50ms",
              "microstore.nats.max-reconnects=2")
          .run(
              context -> {
                context.getBean(Store.class).write(Record.of("k", "v"));
                server.stop();
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !logs.events(Level.ERROR, "Gave up reconnecting").isEmpty());
              });
      String text = logs.text();
      assertThat(logs.events(Level.ERROR, "microstore.nats.max-reconnects=2")).as(text).hasSize(1);
      assertThat(logs.events(Level.WARN, "Lost the connection")).as(text).hasSize(1);
      assertThat(logs.events()).as(text).allMatch(e -> e.getThrowableProxy() == null);
    }
  }
}
