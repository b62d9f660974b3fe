package dev.microstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.WriteOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.stereotype.Repository;

/** The store's exceptions as Spring's {@code DataAccessException}s. */
class MicrostoreExceptionTranslationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MicrostoreAutoConfiguration.class,
                  MicrostoreExceptionTranslationAutoConfiguration.class));

  @Test
  void eachStoreException_hasItsSpringCounterpart_withTheStoreExceptionAsCause() {
    MicrostoreExceptionTranslator t = new MicrostoreExceptionTranslator();
    NotFoundException notFound = new NotFoundException("k", "db");
    assertThat(t.translateExceptionIfPossible(notFound))
        .isInstanceOf(EmptyResultDataAccessException.class)
        .isInstanceOf(DataRetrievalFailureException.class)
        .hasCause(notFound)
        .hasMessageContaining("\"k\"");
    assertThat(t.translateExceptionIfPossible(new ConflictException("k", 3, "revision 2", 0)))
        .isInstanceOf(OptimisticLockingFailureException.class);
    assertThat(t.translateExceptionIfPossible(new OutcomeUnknownException("no ack", null, 0)))
        .isInstanceOf(TransientDataAccessResourceException.class)
        .hasMessageContaining("outcome unknown");
    assertThat(t.translateExceptionIfPossible(new StoreException("leader election", null, 0, true)))
        .isInstanceOf(TransientDataAccessResourceException.class);
    assertThat(t.translateExceptionIfPossible(new StoreException("permission denied")))
        .isInstanceOf(DataAccessResourceFailureException.class);
    assertThat(t.translateExceptionIfPossible(new IllegalArgumentException("bad key"))).isNull();
  }

  @Test
  void repositories_throwTranslatedExceptions() {
    runner
        .withUserConfiguration(RepositoryConfiguration.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrostoreExceptionTranslator.class);
              Orders orders = context.getBean(Orders.class);
              assertThatThrownBy(() -> orders.find("missing"))
                  .isInstanceOf(EmptyResultDataAccessException.class)
                  .hasCauseInstanceOf(NotFoundException.class);
              orders.create("1", "first");
              assertThatThrownBy(() -> orders.create("1", "again"))
                  .isInstanceOf(OptimisticLockingFailureException.class);
              assertThat(orders.find("1")).isEqualTo("first");
            });
  }

  @Test
  void withoutSpringTx_thereIsNoTranslator() {
    runner
        .withClassLoader(new FilteredClassLoader(PersistenceExceptionTranslator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(MicrostoreExceptionTranslator.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class RepositoryConfiguration {
    @Bean
    Orders orders(Store store) {
      return new Orders(store);
    }
  }

  @Repository
  public static class Orders {
    private final Store store;

    public Orders(Store store) {
      this.store = store;
    }

    public String find(String id) {
      return store.read(id).get(0).valueAsString();
    }

    public void create(String id, String value) {
      store.write(Record.of(id, value), WriteOptions.builder().ifAbsent().build());
    }
  }
}
