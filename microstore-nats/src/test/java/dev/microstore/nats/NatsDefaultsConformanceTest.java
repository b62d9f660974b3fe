package dev.microstore.nats;

/**
 * The kit with the builder's defaults: buckets keeping one revision per key (so passes read the
 * stream in order), plain keys, no near cache. History is one revision deep.
 */
class NatsDefaultsConformanceTest extends NatsStoreConformanceTest {}
