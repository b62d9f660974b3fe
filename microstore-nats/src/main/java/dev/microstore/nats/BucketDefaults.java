package dev.microstore.nats;

import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Duration;

/** The configuration of the buckets the store creates on first write. Immutable. */
final class BucketDefaults {
  static final String DESCRIPTION = "Store managed by microstore";

  final Duration ttl;
  final boolean memoryStorage;
  final String description;
  final int replicas;
  final int history;

  BucketDefaults(
      Duration ttl, boolean memoryStorage, String description, int replicas, int history) {
    this.ttl = ttl;
    this.memoryStorage = memoryStorage;
    this.description = description;
    this.replicas = replicas;
    this.history = history;
  }

  /** How long the marker left by an expired record stays, so watchers and readers see it. */
  static final Duration LIMIT_MARKER_TTL = Duration.ofMinutes(15);

  KeyValueConfiguration configuration(String bucket, boolean nativeTtl) {
    KeyValueConfiguration.Builder b =
        KeyValueConfiguration.builder()
            .name(bucket)
            .description(description)
            .maxHistoryPerKey(history)
            .storageType(memoryStorage ? StorageType.Memory : StorageType.File)
            .replicas(replicas);
    if (!ttl.isZero()) {
      b.ttl(ttl);
    }
    if (nativeTtl) {
      b.limitMarker(LIMIT_MARKER_TTL);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "ttl="
        + ttl
        + ", memoryStorage="
        + memoryStorage
        + ", replicas="
        + replicas
        + ", history="
        + history;
  }
}
