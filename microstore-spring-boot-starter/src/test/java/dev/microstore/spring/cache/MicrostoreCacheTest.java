package dev.microstore.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ReadOptions;
import dev.microstore.Store;
import dev.microstore.spring.MicrostoreAutoConfiguration;
import dev.microstore.testing.NatsServer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} over the store. */
class MicrostoreCacheTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MicrostoreAutoConfiguration.class,
                  MicrostoreCacheAutoConfiguration.class,
                  CacheAutoConfiguration.class));

  @Test
  void onTheInMemoryStore_theAnnotationsWorkEndToEnd() {
    runner
        .withUserConfiguration(CachingApp.class)
        .withPropertyValues("microstore.cache.ttl.short=300ms")
        .run(MicrostoreCacheTest::cachesEndToEnd);
  }

  @Test
  void onNats_theAnnotationsWorkEndToEnd_withJsonValuesInTheCacheDatabase() throws Exception {
    try (NatsServer server = NatsServer.start()) {
      runner
          .withUserConfiguration(CachingApp.class)
          .withPropertyValues(
              "microstore.uri=" + server.url(),
              "microstore.cache.ttl.short=1s",
              "microstore.cache.database=app-cache")
          .run(
              context -> {
                cachesEndToEnd(context);
                Store store = context.getBean(Store.class);
                String json =
                    new String(
                        store
                            .read("2", ReadOptions.builder().from("app-cache", "books").build())
                            .get(0)
                            .value(),
                        StandardCharsets.UTF_8);
                assertThat(json).contains("\"@class\"", "\"title\":\"title 2\"");
              });
    }
  }

  private static void cachesEndToEnd(AssertableApplicationContext context) throws Exception {
    assertThat(context).hasSingleBean(MicrostoreCacheManager.class);
    Books books = context.getBean(Books.class);
    MicrostoreCacheManager manager = context.getBean(MicrostoreCacheManager.class);

    Book first = books.find("1");
    assertThat(books.find("1")).isEqualTo(first);
    assertThat(books.calls()).isEqualTo(1);
    MicrostoreCache cache = (MicrostoreCache) manager.getCache("books");
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);

    // null is cached too
    assertThat(books.find("none")).isNull();
    assertThat(books.find("none")).isNull();
    assertThat(books.calls()).isEqualTo(2);

    // @CachePut
    books.save(new Book("2", "saved", List.of("ann")));
    assertThat(books.find("2").title()).isEqualTo("saved");
    assertThat(books.calls()).isEqualTo(2);

    // @CacheEvict of one key
    books.remove("1");
    books.find("1");
    assertThat(books.calls()).isEqualTo(3);

    // @CacheEvict(allEntries = true)
    books.clear();
    books.find("2");
    assertThat(books.calls()).isEqualTo(4);

    // generic collections and longs come back as what was cached
    List<Book> shelf = books.shelf("s");
    assertThat(books.shelf("s")).isEqualTo(shelf).allMatch(b -> b instanceof Book);
    assertThat(books.count("c")).isEqualTo(5L);
    assertThat(books.count("c")).isInstanceOf(Long.class);
    assertThat(books.calls()).isEqualTo(6);

    // keys of any form
    books.byTwo("a b", 7);
    books.byTwo("a b", 7);
    assertThat(books.calls()).isEqualTo(7);

    // per-cache time to live
    books.fresh("k");
    books.fresh("k");
    assertThat(books.calls()).isEqualTo(8);
    long ttl = ((MicrostoreCache) manager.getCache("short")).timeToLive().toMillis();
    Thread.sleep(ttl + 200);
    books.fresh("k");
    assertThat(books.calls()).isEqualTo(9);

    // asynchronous retrieval
    Cache async = manager.getCache("async");
    assertThat(async.retrieve("x").get(5, TimeUnit.SECONDS)).isNull();
    assertThat(async.retrieve("x", () -> CompletableFuture.completedFuture("loaded")).get())
        .isEqualTo("loaded");
    assertThat(((Cache.ValueWrapper) async.retrieve("x").get(5, TimeUnit.SECONDS)).get())
        .isEqualTo("loaded");
    assertThat(async.putIfAbsent("x", "other").get()).isEqualTo("loaded");
    assertThat(async.evictIfPresent("x")).isTrue();
    assertThat(async.evictIfPresent("x")).isFalse();
  }

  @Test
  void theCacheManager_isCreatedWhenEnabled_orWhenCachingIsOn_andBacksOffOtherwise() {
    runner.run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
    runner
        .withPropertyValues("microstore.cache.enabled=true", "microstore.cache.cache-names=a,b")
        .run(
            context -> {
              MicrostoreCacheManager manager = context.getBean(MicrostoreCacheManager.class);
              assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("a", "b");
              assertThat(manager.getCache("c")).isNull();
              assertThat(context.getBean(CacheValueSerializer.class))
                  .isInstanceOf(JacksonCacheValueSerializer.class);
            });
    runner
        .withUserConfiguration(CachingApp.class)
        .withPropertyValues("microstore.cache.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(CacheManager.class))
                    .isInstanceOf(ConcurrentMapCacheManager.class));
    runner
        .withUserConfiguration(CachingApp.class)
        .withPropertyValues("spring.cache.type=simple")
        .run(
            context ->
                assertThat(context.getBean(CacheManager.class))
                    .isInstanceOf(ConcurrentMapCacheManager.class));
    runner
        .withUserConfiguration(CachingApp.class)
        .withBean(CacheManager.class, ConcurrentMapCacheManager::new)
        .run(context -> assertThat(context).doesNotHaveBean(MicrostoreCacheManager.class));
  }

  @Test
  void withoutJackson_valuesAreJavaSerialized() {
    runner
        .withClassLoader(new FilteredClassLoader(JsonMapper.class))
        .withUserConfiguration(CachingApp.class)
        .run(
            context -> {
              assertThat(context.getBean(CacheValueSerializer.class))
                  .isInstanceOf(JavaCacheValueSerializer.class);
              Books books = context.getBean(Books.class);
              books.find("1");
              assertThat(books.find("1").isbn()).isEqualTo("1");
              assertThat(books.calls()).isEqualTo(1);
            });
  }

  @Test
  void keysAreEscaped_soEveryStringIsAValidDistinctKey() {
    assertThat(MicrostoreCache.escape("book-1_a", false)).isEqualTo("book-1_a");
    assertThat(MicrostoreCache.escape("SimpleKey [a b]", false))
        .isEqualTo("SimpleKey=20=5Ba=20b=5D");
    assertThat(MicrostoreCache.escape("=", false)).isEqualTo("=3D");
    assertThat(MicrostoreCache.escape("é", false)).isEqualTo("=C3=A9");
    assertThat(MicrostoreCache.escape("my_cache", true)).isEqualTo("my=5Fcache");
  }

  /** A cached value. */
  public record Book(String isbn, String title, List<String> authors) implements Serializable {}

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingApp {
    @Bean
    Books books() {
      return new Books();
    }
  }

  /** A service with cached methods. */
  public static class Books {
    private final AtomicInteger calls = new AtomicInteger();

    /** How often a cached method ran (read through the proxy, which has no state of its own). */
    public int calls() {
      return calls.get();
    }

    @Cacheable("books")
    public Book find(String isbn) {
      calls.incrementAndGet();
      return isbn.equals("none") ? null : new Book(isbn, "title " + isbn, List.of("ann", "bob"));
    }

    @CachePut(cacheNames = "books", key = "#p0.isbn")
    public Book save(Book book) {
      return book;
    }

    @CacheEvict("books")
    public void remove(String isbn) {}

    @CacheEvict(cacheNames = "books", allEntries = true)
    public void clear() {}

    @Cacheable("shelves")
    public List<Book> shelf(String name) {
      calls.incrementAndGet();
      return List.of(new Book("a", "A", List.of()), new Book("b", "B", List.of("c")));
    }

    @Cacheable("counts")
    public Long count(String name) {
      calls.incrementAndGet();
      return 5L;
    }

    @Cacheable("pairs")
    public String byTwo(String a, int b) {
      calls.incrementAndGet();
      return a + b;
    }

    @Cacheable("short")
    public String fresh(String key) {
      calls.incrementAndGet();
      return "fresh " + key;
    }
  }
}
