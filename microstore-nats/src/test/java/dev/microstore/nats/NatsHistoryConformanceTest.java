package dev.microstore.nats;

/** The kit with buckets keeping 8 revisions per key: passes read the last message per subject. */
class NatsHistoryConformanceTest extends NatsStoreConformanceTest {
  @Override
  int historyDepth() {
    return 8;
  }
}
