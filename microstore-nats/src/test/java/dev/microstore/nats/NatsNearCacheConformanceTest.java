package dev.microstore.nats;

/** The kit with {@code nearCache(true)}: exact reads of every database from a local replica. */
@NewestServerOnly
class NatsNearCacheConformanceTest extends NatsStoreConformanceTest {
  @Override
  NatsStore configure(NatsStore builder) {
    return builder.nearCache(true);
  }
}
