package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.micrometer.StoreMetrics;
import dev.microstore.spring.cache.MicrostoreCacheAutoConfiguration;
import dev.microstore.spring.cache.MicrostoreCacheMeterBinderProvider;
import dev.microstore.testing.NatsServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metrics and spans of the store's operations, the store's gauges and the caches' meters. */
class MicrostoreObservabilityTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MicrostoreAutoConfiguration.class,
                  MicrostoreObservabilityAutoConfiguration.class,
                  MicrostoreCacheAutoConfiguration.class,
                  CacheAutoConfiguration.class,
                  ObservationAutoConfiguration.class,
                  MetricsAutoConfiguration.class,
                  CompositeMeterRegistryAutoConfiguration.class,
                  SimpleMetricsExportAutoConfiguration.class,
                  CacheMetricsAutoConfiguration.class));

  @Test
  void onNats_eachOperationIsTimedWithItsTags_andTheStoreGaugesArePublished() {
    try (NatsServer server = NatsServer.start()) {
      runner
          .withPropertyValues("microstore.uri=" + server.url() + "?database=app")
          .run(
              context -> {
                Store store = context.getBean(Store.class);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                store.write(Record.of("customer-42", "secret"));
                store.read("customer-42");
                assertThatThrownBy(() -> store.read("customer-43"))
                    .isInstanceOf(NotFoundException.class);

                assertThat(
                        meters
                            .get("microstore.operation")
                            .tags("operation", "write", "database", "app", "outcome", "ok")
                            .tag("store", "nats")
                            .timer()
                            .count())
                    .isEqualTo(1);
                assertThat(
                        meters
                            .get("microstore.operation")
                            .tags("operation", "read", "outcome", "not-found")
                            .timer()
                            .count())
                    .isEqualTo(1);
                assertThat(meters.get("microstore.connection.connected").gauge().value())
                    .isEqualTo(1);
                assertThat(meters.get("microstore.watches.open").gauge().value()).isZero();
                for (Meter m : meters.getMeters()) {
                  assertThat(m.getId().getTags())
                      .allSatisfy(t -> assertThat(t.getValue()).doesNotContain("customer"));
                }
              });
    }
  }

  @Test
  void withAnApplicationsObservationRegistry_eachOperationIsASpan() {
    runner
        .withUserConfiguration(TracedApp.class)
        .run(
            context -> {
              Store store = context.getBean(Store.class);
              store.write(Record.of("k", "v"));
              TestObservationRegistryAssert.assertThat(
                      context.getBean(TestObservationRegistry.class))
                  .hasObservationWithNameEqualTo("microstore.operation")
                  .that()
                  .hasContextualNameEqualTo("microstore write")
                  .hasLowCardinalityKeyValue("store", "memory")
                  .hasBeenStopped();
            });
  }

  @Test
  void cachesNamedAtStartup_publishMicrometersCacheMeters() {
    // Spring Boot binds the caches a cache manager has at startup
    runner
        .withUserConfiguration(CachingApp.class)
        .withPropertyValues("microstore.cache.cache-names=prices")
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrostoreCacheMeterBinderProvider.class);
              Prices prices = context.getBean(Prices.class);
              prices.price("a");
              prices.price("a");
              prices.price("b");
              MeterRegistry meters = context.getBean(MeterRegistry.class);

              assertThat(
                      meters
                          .get("cache.gets")
                          .tags("cache", "prices", "result", "hit")
                          .functionCounter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      meters
                          .get("cache.gets")
                          .tags("cache", "prices", "result", "miss")
                          .functionCounter()
                          .count())
                  .isEqualTo(2);
              assertThat(meters.get("cache.puts").tag("cache", "prices").functionCounter().count())
                  .isEqualTo(2);
            });
  }

  @Test
  void withoutObservabilityOnTheClassPathsBeans_theStoreIsTheStoreItself() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                MicrostoreAutoConfiguration.class, MicrostoreObservabilityAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context.getBean(Store.class).getClass().getSimpleName())
                  .isEqualTo("MemoryStore");
              assertThat(context).hasSingleBean(StoreMetrics.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class TracedApp {
    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingApp {
    @Bean
    Prices prices() {
      return new Prices();
    }
  }

  /** A cached service. */
  public static class Prices {
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * The price of an item.
     *
     * @param item the item
     * @return its price
     */
    @Cacheable("prices")
    public int price(String item) {
      return calls.incrementAndGet();
    }
  }
}
