package dev.microstore.spring;

import dev.microstore.Store;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.dao.annotation.PersistenceExceptionTranslationPostProcessor;
import org.springframework.dao.support.PersistenceExceptionTranslator;

/**
 * When the application has spring-tx: a {@link MicrostoreExceptionTranslator} bean, so that
 * {@code @Repository} beans throw Spring's {@code DataAccessException}s instead of the store's
 * exceptions, and the post-processor that applies translators to {@code @Repository} beans when
 * Spring Boot's own is absent. {@code spring.dao.exceptiontranslation.enabled=false} turns the
 * post-processor off, as it does Spring Boot's.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.transaction.autoconfigure.PersistenceExceptionTranslationAutoConfiguration")
@ConditionalOnClass({PersistenceExceptionTranslator.class, Store.class})
public class MicrostoreExceptionTranslationAutoConfiguration {
  /** Created by Spring. */
  public MicrostoreExceptionTranslationAutoConfiguration() {}

  /**
   * The translator.
   *
   * @return the store's exception translator
   */
  @Bean
  @ConditionalOnMissingBean
  public MicrostoreExceptionTranslator microstoreExceptionTranslator() {
    return new MicrostoreExceptionTranslator();
  }

  /**
   * Applies the application's translators to its {@code @Repository} beans, proxying their classes
   * unless {@code spring.aop.proxy-target-class=false}.
   *
   * @param environment the environment
   * @return the post-processor
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(
      prefix = "spring.dao.exceptiontranslation",
      name = "enabled",
      matchIfMissing = true)
  public static PersistenceExceptionTranslationPostProcessor
      microstorePersistenceExceptionTranslationPostProcessor(Environment environment) {
    PersistenceExceptionTranslationPostProcessor postProcessor =
        new PersistenceExceptionTranslationPostProcessor();
    postProcessor.setProxyTargetClass(
        environment.getProperty("spring.aop.proxy-target-class", Boolean.class, Boolean.TRUE));
    return postProcessor;
  }
}
