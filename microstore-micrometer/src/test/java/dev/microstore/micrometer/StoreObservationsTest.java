package dev.microstore.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ConflictException;
import dev.microstore.ListOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import dev.microstore.nats.NatsStore;
import dev.microstore.testing.NatsServer;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Observations of every kind of store: timers with the right tags, spans, outcomes. */
class StoreObservationsTest {
  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** The same checks for each store. */
  abstract static class Observed {
    SimpleMeterRegistry meters;
    Store plain;
    Store store;

    abstract Store open();

    abstract String kind();

    @BeforeEach
    void observe() {
      meters = new SimpleMeterRegistry();
      ObservationRegistry observations = ObservationRegistry.create();
      observations
          .observationConfig()
          .observationHandler(new DefaultMeterObservationHandler(meters));
      plain = open();
      store = StoreObservations.observe(plain, observations);
    }

    @AfterEach
    void close() {
      store.close();
    }

    /** Calls timed with these tags, over every database. */
    long timed(String operation, String outcome) {
      return meters
          .find(DefaultStoreObservationConvention.NAME)
          .tag("operation", operation)
          .tag("outcome", outcome)
          .tag("store", kind())
          .timers()
          .stream()
          .mapToLong(Timer::count)
          .sum();
    }

    @Test
    void eachOperationIsTimed_taggedWithOperationDatabaseOutcomeAndStore() {
      store.write(Record.of("secret-key-1", "secret-value"));
      store.write(Record.of("secret-key-2", "v"), WriteOptions.builder().database("other").build());
      store.read("secret-key-1");
      store.list();

      assertThat(timed("write", "ok")).isEqualTo(2);
      assertThat(
              meters
                  .find("microstore.operation")
                  .tag("operation", "write")
                  .tag("database", "other")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              meters
                  .find("microstore.operation")
                  .tag("operation", "write")
                  .tag("database", plain.defaultDatabase())
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(timed("read", "ok")).isEqualTo(1);
      assertThat(timed("list", "ok")).isEqualTo(1);
    }

    @Test
    void noKeyValueOrMetadataEverBecomesATag() {
      store.write(
          Record.builder("secret-key")
              .value("secret-value")
              .metadata(java.util.Map.of("m", "secret-meta"))
              .build());
      store.read("secret-key");
      assertThatThrownBy(() -> store.read("secret-missing")).isInstanceOf(NotFoundException.class);

      for (Meter m : meters.getMeters()) {
        assertThat(m.getId().getTags())
            .allSatisfy(t -> assertThat(t.getValue()).doesNotContain("secret"));
      }
    }

    @Test
    void outcomes_notFound_conflict_ok() {
      long rev = store.write(Record.of("k", "1"));
      assertThatThrownBy(() -> store.read("missing")).isInstanceOf(NotFoundException.class);
      assertThat(store.find("missing")).isEmpty();
      assertThat(store.find("k")).map(Record::valueAsString).contains("1");
      assertThatThrownBy(
              () ->
                  store.write(
                      Record.of("k", "2"), WriteOptions.builder().ifRevision(rev + 100).build()))
          .isInstanceOf(ConflictException.class);
      store.read("k", ReadOptions.builder().prefix().build());

      assertThat(timed("read", "not-found")).isEqualTo(1);
      assertThat(timed("find", "not-found")).isEqualTo(1);
      assertThat(timed("find", "ok")).isEqualTo(1);
      assertThat(timed("write", "conflict")).isEqualTo(1);
      assertThat(timed("read-matching", "ok")).isEqualTo(1);
      assertThat(
              meters
                  .find("microstore.operation")
                  .tag("outcome", "not-found")
                  .tag("error", "NotFoundException")
                  .timer())
          .as("the metrics handler also names the exception")
          .isNotNull();
    }

    @Test
    void asynchronousCallsAreTimedWhenTheirFutureCompletes() {
      store.writeAsync(Record.of("a", "1"), WriteOptions.defaults()).join();
      assertThatThrownBy(() -> store.readAsync("missing", ReadOptions.defaults()).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(NotFoundException.class);

      assertThat(timed("write-async", "ok")).isEqualTo(1);
      assertThat(timed("read-async", "not-found")).isEqualTo(1);
    }

    @Test
    void aScanIsTimedUntilItsStreamIsClosed() {
      store.writeAll(List.of(Record.of("s1", "1"), Record.of("s2", "2")), WriteOptions.defaults());
      try (Stream<String> keys = store.scanKeys(ListOptions.defaults())) {
        assertThat(keys.count()).isGreaterThanOrEqualTo(2);
        assertThat(timed("scan-keys", "ok")).as("not before the stream is closed").isZero();
      }
      assertThat(timed("scan-keys", "ok")).isEqualTo(1);
      assertThat(timed("write-all", "ok")).isEqualTo(1);
    }

    @Test
    void theObservedStoreIsTheStore_sameResultsAndStats() {
      store.write(Record.of("x", "1"));
      assertThat(plain.read("x").get(0).valueAsString()).isEqualTo("1");
      assertThat(store.stats().kind()).isEqualTo(kind());
      assertThat(store.defaultDatabase()).isEqualTo(plain.defaultDatabase());
      assertThat(store.toString()).isEqualTo(plain.toString());
    }

    @Test
    void eachOperationIsASpan_namedAfterIt() {
      TestObservationRegistry traced = TestObservationRegistry.create();
      Store observed = StoreObservations.observe(plain, traced);
      observed.write(Record.of("t", "1"));
      assertThatThrownBy(() -> observed.read("absent")).isInstanceOf(NotFoundException.class);

      TestObservationRegistryAssert.assertThat(traced)
          .hasNumberOfObservationsWithNameEqualTo(DefaultStoreObservationConvention.NAME, 2)
          .hasHandledContextsThatSatisfy(
              contexts -> {
                assertThat(contexts).hasSize(2);
                assertThat(contexts.get(0).getContextualName()).isEqualTo("microstore write");
                assertThat(contexts.get(1).getContextualName()).isEqualTo("microstore read");
                assertThat(contexts.get(1).getError()).isInstanceOf(NotFoundException.class);
                assertThat(contexts.get(1).getLowCardinalityKeyValues())
                    .contains(io.micrometer.common.KeyValue.of("outcome", "not-found"))
                    .contains(io.micrometer.common.KeyValue.of("store", kind()));
                assertThat(contexts.get(1).getHighCardinalityKeyValues()).isEmpty();
              });
    }

    @Test
    void aCustomConventionNamesAndTags() {
      TestObservationRegistry traced = TestObservationRegistry.create();
      Store observed =
          StoreObservations.observe(
              plain,
              traced,
              new DefaultStoreObservationConvention() {
                @Override
                public String getName() {
                  return "orders.store";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(StoreOperationContext context) {
                  return KeyValues.of("operation", context.operation());
                }
              });
      observed.write(Record.of("c", "1"));
      TestObservationRegistryAssert.assertThat(traced)
          .hasObservationWithNameEqualTo("orders.store")
          .that()
          .hasLowCardinalityKeyValue("operation", "write")
          .doesNotHaveLowCardinalityKeyValueWithKey("database");
    }
  }

  @Nested
  class Memory extends Observed {
    @Override
    Store open() {
      return Stores.inMemory().build();
    }

    @Override
    String kind() {
      return "memory";
    }
  }

  @Nested
  class Nats extends Observed {
    @Override
    Store open() {
      return NatsStore.builder().servers(server.url()).database("obs-" + System.nanoTime()).build();
    }

    @Override
    String kind() {
      return "nats";
    }
  }

  @Test
  void aStoreObservedTwiceByOneRegistry_isObservedOnce() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    try (Store once = StoreObservations.observe(Stores.inMemory().build(), observations)) {
      Store twice = StoreObservations.observe(once, observations);
      assertThat(twice).isSameAs(once);
      twice.write(Record.of("k", "v"));
      assertThat(meters.get(DefaultStoreObservationConvention.NAME).timer().count()).isEqualTo(1);
    }
  }

  @Test
  void aNoopRegistryGivesTheStoreBack() {
    try (Store store = Stores.inMemory().build()) {
      assertThat(StoreObservations.observe(store, ObservationRegistry.NOOP)).isSameAs(store);
    }
  }
}
