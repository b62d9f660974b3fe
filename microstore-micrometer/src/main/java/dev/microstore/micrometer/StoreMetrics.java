package dev.microstore.micrometer;

import dev.microstore.Store;
import dev.microstore.StoreStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Gauges and counters of a store's state, read from {@link Store#stats()} when the registry
 * publishes them. Needs micrometer-core.
 *
 * <table>
 *   <caption>Meters (each tagged {@code store} with the store's kind, plus the given tags)</caption>
 *   <tr><th>name</th><th>type</th><th>value</th></tr>
 *   <tr><td>{@code microstore.connection.connected}</td><td>gauge</td><td>1 while the store can
 *       reach its backend, else 0</td></tr>
 *   <tr><td>{@code microstore.connection.reconnects}</td><td>counter</td><td>connections
 *       re-established</td></tr>
 *   <tr><td>{@code microstore.watches.open}</td><td>gauge</td><td>watches not yet ended</td></tr>
 *   <tr><td>{@code microstore.nearcache.entries}</td><td>gauge</td><td>keys held by the near
 *       cache</td></tr>
 *   <tr><td>{@code microstore.nearcache.requests}</td><td>counter</td><td>reads of near-cached
 *       databases, tagged {@code result=hit} (answered from the replica) or {@code
 *       result=miss}</td></tr>
 *   <tr><td>{@code microstore.nearcache.hit.ratio}</td><td>gauge</td><td>hits / (hits + misses),
 *       NaN before the first</td></tr>
 * </table>
 *
 * <pre>{@code
 * new StoreMetrics(store, Tags.of("name", "orders")).bindTo(meterRegistry);
 * }</pre>
 */
public final class StoreMetrics implements MeterBinder {
  private final Store store;
  private final Tags tags;

  /**
   * Metrics of {@code store}, tagged with its kind.
   *
   * @param store the store; the meters read its stats for as long as it is reachable
   */
  public StoreMetrics(Store store) {
    this(store, Tags.empty());
  }

  /**
   * Metrics of {@code store}, tagged with its kind and {@code tags}.
   *
   * @param store the store; the meters read its stats for as long as it is reachable
   * @param tags extra tags, e.g. a name telling several stores apart
   */
  public StoreMetrics(Store store, Iterable<Tag> tags) {
    this.store = Objects.requireNonNull(store, "store");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("store", store.stats().kind());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        "microstore.connection.connected",
        s -> s.connected() ? 1 : 0,
        "Whether the store can reach its backend (1) or not (0)");
    FunctionCounter.builder(
            "microstore.connection.reconnects", store, st -> st.stats().reconnects())
        .description("Connections re-established since the store was opened")
        .tags(tags)
        .register(registry);
    gauge(
        registry,
        "microstore.watches.open",
        StoreStats::openWatches,
        "Watches opened through the store and not yet ended");
    gauge(
        registry,
        "microstore.nearcache.entries",
        StoreStats::nearCacheEntries,
        "Keys held by the near cache");
    FunctionCounter.builder(
            "microstore.nearcache.requests", store, st -> st.stats().nearCacheHits())
        .description("Reads of near-cached databases")
        .tags(tags)
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder(
            "microstore.nearcache.requests", store, st -> st.stats().nearCacheMisses())
        .description("Reads of near-cached databases")
        .tags(tags)
        .tag("result", "miss")
        .register(registry);
    gauge(
        registry,
        "microstore.nearcache.hit.ratio",
        StoreStats::nearCacheHitRatio,
        "Near-cache hits divided by hits and misses");
  }

  private void gauge(
      MeterRegistry registry, String name, ToDoubleFunction<StoreStats> value, String description) {
    Gauge.builder(name, store, st -> value.applyAsDouble(st.stats()))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
