package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.testing.NatsServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code microstore} health indicator. */
class MicrostoreHealthTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MicrostoreAutoConfiguration.class, MicrostoreHealthAutoConfiguration.class));

  @Test
  void aWorkingStore_isUp_withItsDatabases() {
    runner
        .withPropertyValues("microstore.uri=memory:?database=health")
        .run(
            context -> {
              context.getBean(dev.microstore.Store.class).write(dev.microstore.Record.of("k", "v"));
              Health h =
                  context.getBean("microstoreHealthIndicator", HealthIndicator.class).health();
              assertThat(h.getStatus()).isEqualTo(Status.UP);
              assertThat(h.getDetails()).containsEntry("databases", 1);
              assertThat(h.getDetails().get("store").toString()).contains("database=health");
            });
  }

  @Test
  void aNatsStoreWhoseServerIsGone_isDown() {
    try (NatsServer server = NatsServer.start()) {
      runner
          .withPropertyValues("microstore.uri=" + server.url() + "?timeout=PT1S")
          .run(
              context -> {
                HealthIndicator indicator =
                    context.getBean("microstoreHealthIndicator", HealthIndicator.class);
                assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

                server.stop();

                // the connection notices the loss within milliseconds; health follows at once
                org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));
                Health h = indicator.health();
                assertThat(h.getStatus()).isEqualTo(Status.DOWN);
                assertThat(h.getDetails()).containsKeys("error", "state", "servers");
              });
    }
  }

  @Test
  void withoutHealthSupport_orTurnedOff_thereIsNoIndicator() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).doesNotHaveBean("microstoreHealthIndicator"));
    runner
        .withPropertyValues("management.health.microstore.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("microstoreHealthIndicator"));
  }
}
