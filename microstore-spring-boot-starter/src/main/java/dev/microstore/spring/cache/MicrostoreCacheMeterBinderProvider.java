package dev.microstore.spring.cache;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * Micrometer's cache meters ({@code cache.gets} with {@code result=hit|miss}, {@code cache.puts},
 * {@code cache.evictions}) for each {@link MicrostoreCache}, from its own counts. Spring Boot's
 * cache metrics register them for every cache of the application's cache managers; the size is not
 * reported (counting a table's keys would read it).
 */
public final class MicrostoreCacheMeterBinderProvider
    implements CacheMeterBinderProvider<MicrostoreCache> {

  /** Creates the provider. */
  public MicrostoreCacheMeterBinderProvider() {}

  @Override
  public MeterBinder getMeterBinder(MicrostoreCache cache, Iterable<Tag> tags) {
    return new Binder(cache, tags);
  }

  private static final class Binder extends CacheMeterBinder<MicrostoreCache> {
    private final MicrostoreCache cache;

    Binder(MicrostoreCache cache, Iterable<Tag> tags) {
      super(cache, cache.getName(), tags);
      this.cache = cache;
    }

    @Override
    protected @Nullable Long size() {
      return null;
    }

    @Override
    protected long hitCount() {
      return cache.hits();
    }

    @Override
    protected Long missCount() {
      return cache.misses();
    }

    @Override
    protected Long evictionCount() {
      return cache.evictions();
    }

    @Override
    protected long putCount() {
      return cache.puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {}
  }
}
