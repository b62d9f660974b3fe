package dev.microstore.nats;

import dev.microstore.Store;
import dev.microstore.tck.StoreContract;
import dev.microstore.tck.StoreFactory;
import dev.microstore.tck.StoreFeature;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The whole conformance kit against a real nats-server, in one configuration of {@link NatsStore}
 * per subclass: the matrix is {@link NatsDefaultsConformanceTest} (the builder's defaults, one
 * revision per key), {@link NatsHistoryConformanceTest} (history 8), {@link
 * NatsEncodedKeysConformanceTest} ({@code encodeKeys()}) and {@link NatsNearCacheConformanceTest}
 * ({@code nearCache(true)}), each changing one option of the defaults.
 *
 * <p>A subclass says how it configures the builder and what that configuration really has: its
 * history depth (which the builder is given too, so that the two cannot differ) and the features
 * beyond those every configuration has. The newest server runs the whole matrix; the stable one
 * runs the configurations not marked {@link NewestServerOnly}.
 */
abstract class NatsStoreConformanceTest extends StoreContract {
  /** Why a configuration runs on the newest server only, as reported for the skipped class. */
  static final String NEWEST_SERVER_ONLY =
      "the full configuration matrix runs on the newest nats-server only"
          + " (microstore.test.server=newest); the stable server runs the defaults and history 8";

  /**
   * The options of this configuration, applied to a builder that has the server URL and the history
   * depth already.
   *
   * @param builder the builder
   * @return the builder
   */
  NatsStore configure(NatsStore builder) {
    return builder;
  }

  /**
   * How many revisions per key the buckets of this configuration keep: the builder's {@code
   * history}.
   */
  int historyDepth() {
    return 1;
  }

  /** The features of this configuration beyond those of every configuration. */
  Set<StoreFeature> extraFeatures() {
    return Set.of();
  }

  private NatsStore builder() {
    return configure(
        NatsStore.builder().servers(TestServers.shared().url()).history(historyDepth()));
  }

  @Override
  protected final StoreFactory factory() {
    return new StoreFactory() {
      @Override
      public Store create() {
        return builder().build();
      }

      @Override
      public Store create(String defaultDatabase, String defaultTable) {
        return builder().database(defaultDatabase).table(defaultTable).build();
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
        features.addAll(extraFeatures());
        return features;
      }

      @Override
      public int historyDepth() {
        return NatsStoreConformanceTest.this.historyDepth();
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
