package dev.microstore.cli;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Global options for the buckets (databases) the NATS store creates on first write. */
final class BucketOptions {
  @Option(
      names = "--bucket-ttl",
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      converter = Durations.class,
      description = "TTL of buckets the store creates (e.g. 1h; default none).")
  @Nullable Duration bucketTtl;

  @Option(
      names = "--history",
      paramLabel = "N",
      scope = ScopeType.INHERIT,
      description = "Revisions per key kept by buckets the store creates, 1-64 (default 1).")
  @Nullable Integer history;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      scope = ScopeType.INHERIT,
      description = "Replicas of buckets the store creates, 1-5 (default 1).")
  @Nullable Integer replicas;

  @Option(
      names = "--memory-storage",
      scope = ScopeType.INHERIT,
      description = "Buckets the store creates keep their data in memory only.")
  boolean memoryStorage;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      scope = ScopeType.INHERIT,
      description = "Description of buckets the store creates.")
  @Nullable String description;
}
