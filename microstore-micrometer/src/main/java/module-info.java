/**
 * Micrometer observations around the operations of any {@code dev.microstore.Store} ({@link
 * dev.microstore.micrometer.StoreObservations}) and gauges of its state ({@link
 * dev.microstore.micrometer.StoreMetrics}, which needs micrometer-core).
 */
// Micrometer's jars are automatic modules (named in their manifests).
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.microstore.micrometer {
  requires transitive dev.microstore;
  requires transitive micrometer.observation;
  requires transitive micrometer.commons;
  requires static transitive micrometer.core;
  requires static org.jspecify;

  exports dev.microstore.micrometer;
}
