package dev.microstore.nats;

import dev.microstore.tck.StoreFeature;
import java.util.Set;

/** The kit with {@code encodeKeys()} (base32 keys, as the Go plugin's): any string is a key. */
@NewestServerOnly
class NatsEncodedKeysConformanceTest extends NatsStoreConformanceTest {
  @Override
  NatsStore configure(NatsStore builder) {
    return builder.encodeKeys();
  }

  @Override
  Set<StoreFeature> extraFeatures() {
    return Set.of(StoreFeature.ARBITRARY_KEYS);
  }
}
