/**
 * Observability for every store: {@link dev.microstore.micrometer.StoreObservations#observe} wraps
 * a {@link dev.microstore.Store} so that each operation is a Micrometer {@code Observation} (a
 * timer and error count with a metrics handler, a span with a tracing handler), and {@link
 * dev.microstore.micrometer.StoreMetrics} binds gauges of the store's connection, watches and near
 * cache to a {@code MeterRegistry}.
 *
 * <pre>{@code
 * Store store = StoreObservations.observe(NatsStore.builder().servers(url).build(), observations);
 * new StoreMetrics(store).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Tags are low-cardinality: the operation, the database, the outcome and the kind of store;
 * never keys, values or metadata.
 */
@NullMarked
package dev.microstore.micrometer;

import org.jspecify.annotations.NullMarked;
