package dev.microstore.spring.cache;

import dev.microstore.Store;
import dev.microstore.spring.MicrostoreAutoConfiguration;
import dev.microstore.spring.MicrostoreProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link MicrostoreCacheManager} named {@code cacheManager} over the application's {@link Store},
 * when {@code microstore.cache.enabled=true}, or when caching is enabled ({@code @EnableCaching}),
 * the application defines no {@link CacheManager} and {@code spring.cache.type} is not set (Spring
 * Boot's own cache auto-configuration, which runs after this one, then backs off). {@code
 * microstore.cache.enabled=false} never creates it.
 *
 * <p>Values are JSON ({@link JacksonCacheValueSerializer}, from the application's {@code
 * JsonMapper} when it has one) when Jackson 3 is on the class path, Java-serialized otherwise; a
 * {@link CacheValueSerializer} bean replaces either.
 */
@AutoConfiguration(
    after = MicrostoreAutoConfiguration.class,
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBean(Store.class)
@EnableConfigurationProperties(MicrostoreProperties.class)
public class MicrostoreCacheAutoConfiguration {
  /** Created by Spring. */
  public MicrostoreCacheAutoConfiguration() {}

  /**
   * The cache manager.
   *
   * @param store the store
   * @param properties the {@code microstore.cache.*} properties
   * @param serializer the value serializer
   * @return the cache manager
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  @Conditional(OnMicrostoreCache.class)
  public MicrostoreCacheManager cacheManager(
      Store store, MicrostoreProperties properties, CacheValueSerializer serializer) {
    MicrostoreProperties.Cache cache = properties.getCache();
    MicrostoreCacheManager.Builder b =
        MicrostoreCacheManager.builder(store)
            .database(cache.getDatabase())
            .defaultTimeToLive(cache.getTimeToLive())
            .allowNullValues(cache.isAllowNullValues())
            .serializer(serializer)
            .cacheNames(cache.getCacheNames());
    cache.getTtl().forEach(b::timeToLive);
    return b.build();
  }

  /** The caches' meters, when the application has Micrometer and Spring Boot's cache metrics. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "io.micrometer.core.instrument.binder.MeterBinder",
        "org.springframework.boot.cache.metrics.CacheMeterBinderProvider"
      })
  static class CacheMetricsConfiguration {
    CacheMetricsConfiguration() {}

    @Bean
    @ConditionalOnMissingBean(MicrostoreCacheMeterBinderProvider.class)
    MicrostoreCacheMeterBinderProvider microstoreCacheMeterBinderProvider() {
      return new MicrostoreCacheMeterBinderProvider();
    }
  }

  /** JSON values, when Jackson 3 is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JsonMapper.class)
  static class JacksonSerializerConfiguration {
    JacksonSerializerConfiguration() {}

    @Bean
    @ConditionalOnMissingBean(CacheValueSerializer.class)
    @Conditional(OnMicrostoreCache.class)
    CacheValueSerializer microstoreCacheValueSerializer(ObjectProvider<JsonMapper> mapper) {
      JsonMapper application = mapper.getIfUnique();
      return application == null
          ? new JacksonCacheValueSerializer()
          : new JacksonCacheValueSerializer(application);
    }
  }

  /** Java serialization otherwise. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
  static class JavaSerializerConfiguration {
    JavaSerializerConfiguration() {}

    @Bean
    @ConditionalOnMissingBean(CacheValueSerializer.class)
    @Conditional(OnMicrostoreCache.class)
    CacheValueSerializer microstoreCacheValueSerializer(
        org.springframework.core.io.ResourceLoader resources) {
      return new JavaCacheValueSerializer(resources.getClassLoader());
    }
  }

  /** {@code microstore.cache.enabled}, or caching enabled without {@code spring.cache.type}. */
  static final class OnMicrostoreCache extends SpringBootCondition {
    OnMicrostoreCache() {}

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      String enabled = context.getEnvironment().getProperty("microstore.cache.enabled");
      if (enabled != null) {
        return Boolean.parseBoolean(enabled.trim())
            ? ConditionOutcome.match("microstore.cache.enabled=true")
            : ConditionOutcome.noMatch("microstore.cache.enabled=false");
      }
      if (context.getEnvironment().containsProperty("spring.cache.type")) {
        return ConditionOutcome.noMatch("spring.cache.type chooses the cache manager");
      }
      var beans = context.getBeanFactory();
      if (beans != null
          && beans.getBeanNamesForType(CacheAspectSupport.class, true, false).length > 0) {
        return ConditionOutcome.match("caching is enabled (@EnableCaching)");
      }
      return ConditionOutcome.noMatch(
          "caching is not enabled and microstore.cache.enabled is not set");
    }
  }
}
