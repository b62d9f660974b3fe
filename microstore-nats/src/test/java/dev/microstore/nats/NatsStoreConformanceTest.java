package dev.microstore.nats;

import dev.microstore.Store;
import dev.microstore.tck.StoreContract;
import dev.microstore.tck.StoreFactory;
import dev.microstore.tck.StoreFeature;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** The whole conformance kit against a real nats-server. */
class NatsStoreConformanceTest extends StoreContract {
  private static final int HISTORY_DEPTH = 8;

  @Override
  protected StoreFactory factory() {
    String url = TestServers.shared().url();
    return new StoreFactory() {
      @Override
      public Store create() {
        return NatsStore.builder().servers(url).history(HISTORY_DEPTH).build();
      }

      @Override
      public Store create(String defaultDatabase, String defaultTable) {
        return NatsStore.builder()
            .servers(url)
            .history(HISTORY_DEPTH)
            .database(defaultDatabase)
            .table(defaultTable)
            .build();
      }

      @Override
      public Set<StoreFeature> features() {
        Set<StoreFeature> features =
            EnumSet.of(
                StoreFeature.EXPIRY,
                StoreFeature.REVISIONS,
                StoreFeature.WATCH,
                StoreFeature.HISTORY);
        if (TestServers.binary().isAtLeast(2, 12)) {
          features.add(StoreFeature.ATOMIC_BATCH);
        }
        return features;
      }

      @Override
      public int historyDepth() {
        return HISTORY_DEPTH;
      }

      @Override
      public Duration expiryTolerance() {
        return Duration.ofSeconds(3);
      }
    };
  }

  @Override
  protected Duration atomicBatchInvariantDuration() {
    return Duration.ofSeconds(5);
  }

  @Override
  protected int counterIncrementsPerThread() {
    return 500;
  }
}
