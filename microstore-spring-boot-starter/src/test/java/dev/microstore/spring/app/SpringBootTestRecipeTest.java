package dev.microstore.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.testing.junit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The recipe of docs/spring-boot.md: an application's test against a real nats-server. */
@SpringBootTest
class SpringBootTestRecipeTest {
  @RegisterExtension static NatsServerExtension nats = NatsServerExtension.create();

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("microstore.uri", () -> nats.url() + "?database=orders");
  }

  @Autowired Store store;

  @Test
  void theApplicationsStoreIsOnTheTestServer() {
    store.write(Record.of("order-1", "paid"));

    assertThat(store.stats().kind()).isEqualTo("nats");
    assertThat(store.find("order-1")).map(Record::valueAsString).contains("paid");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}
}
