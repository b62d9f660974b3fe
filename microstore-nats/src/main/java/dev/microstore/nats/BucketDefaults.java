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

  KeyValueConfiguration configuration(String bucket) {
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
