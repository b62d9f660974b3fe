package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The auto-configured store, against the in-memory store and a real nats-server. */
class MicrostoreAutoConfigurationTest {
  private static NatsServer server;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MicrostoreAutoConfiguration.class));

  @BeforeAll
  static void startServer() {
    server = NatsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void withoutConfiguration_theStoreIsInMemory_andClosedWithTheContext() {
    Store[] seen = new Store[1];
    runner.run(
        context -> {
          Store store = context.getBean(Store.class);
          seen[0] = store;
          store.write(Record.of("k", "v"));
          assertThat(store.read("k").get(0).valueAsString()).isEqualTo("v");
          assertThat(store.toString()).containsIgnoringCase("memory");
        });

    assertThatThrownBy(() -> seen[0].read("k")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @SuppressWarnings("try") // Connection.close() may throw InterruptedException
  void aNatsUri_opensTheNatsStore_withTheUrisParameters() throws Exception {
    runner
        .withPropertyValues("microstore.uri=" + server.url() + "?database=spring&table=orders")
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              store.write(Record.of("1", "first"));
              try (Connection raw = Nats.connect(server.url())) {
                assertThat(raw.keyValue("spring").get("orders_1")).isNotNull();
              }
              assertThat(store.read("", ReadOptions.builder().prefix().build()))
                  .extracting(Record::valueAsString)
                  .containsExactly("first");
            });
  }

  @Test
  void natsStoreCustomizers_runInOrder_afterTheUrisParameters() {
    runner
        .withPropertyValues("microstore.uri=" + server.url() + "?database=from-uri")
        .withUserConfiguration(Customizers.class)
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              store.write(Record.of("k", "v"));
              // the later customizer's database wins over the earlier one's and the URI's
              assertThat(store.databases()).contains("customized-2").doesNotContain("from-uri");
              store.deleteDatabase("customized-2");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    @Bean
    @Order(2)
    NatsStoreCustomizer second() {
      return b -> b.database("customized-2");
    }

    @Bean
    @Order(1)
    NatsStoreCustomizer first() {
      return b -> b.database("customized-1");
    }
  }

  @Test
  void anApplicationsOwnStore_isKept() {
    runner
        .withBean(Store.class, () -> Stores.inMemory().database("mine").build())
        .run(
            context -> {
              assertThat(context).hasSingleBean(Store.class);
              assertThat(context.getBean(Store.class).toString()).contains("mine");
            });
  }

  @Test
  void disabled_createsNoStore() {
    runner
        .withPropertyValues("microstore.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Store.class));
  }

  @Test
  void aUriWithoutProvider_failsTheStartup_namingTheSchemeAndTheKnownOnes() {
    runner
        .withPropertyValues("microstore.uri=redis://localhost:6379")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"redis\"")
                    .hasMessageContaining("memory")
                    .hasMessageContaining("nats"));
  }

  @Test
  void aBlankUri_failsTheStartup_namingTheProperty() {
    runner
        .withPropertyValues("microstore.uri= ")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("microstore.uri"));
  }

  @Test
  void theConfigurationMetadata_describesEveryProperty() throws Exception {
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      for (var m : MicrostoreProperties.class.getDeclaredMethods()) {
        if (m.getName().startsWith("set")) {
          String property =
              "microstore." + m.getName().substring(3).toLowerCase(java.util.Locale.ROOT);
          assertThat(json).as(property).contains("\"name\": \"" + property + "\"");
        }
      }
      for (String property : UnknownMicrostorePropertyFailureAnalyzer.validProperties()) {
        String name =
            property.endsWith(".*") ? property.substring(0, property.length() - 2) : property;
        assertThat(json).as(property).contains("\"name\": \"" + name + "\"");
      }
      assertThat(json).contains("\"name\": \"management.health.microstore.enabled\"");
    }
  }
}
