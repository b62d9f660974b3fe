package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.testing.junit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A {@link MicrostoreConnectionDetails} bean names the store instead of {@code microstore.uri}. */
class MicrostoreConnectionDetailsTest {
  @RegisterExtension static NatsServerExtension nats = NatsServerExtension.create();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MicrostoreAutoConfiguration.class));

  @Test
  void aConnectionDetailsBean_replacesTheUriProperty_theOtherPropertiesStillApply() {
    runner
        .withBean(
            MicrostoreConnectionDetails.class, () -> () -> nats.url() + "?database=from-details")
        .withPropertyValues("microstore.uri=memory:", "microstore.table=t")
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              assertThat(store.stats().kind()).isEqualTo("nats");
              assertThat(store.defaultDatabase()).isEqualTo("from-details");
              store.write(Record.of("k", "v"));
              assertThat(store.list()).containsExactly("k");
              try (Store raw = dev.microstore.Stores.open(nats.url() + "?database=from-details")) {
                assertThat(raw.list()).containsExactly("t_k");
              }
            });
  }
}
