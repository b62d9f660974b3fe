package dev.microstore.nats;

/** The kit with {@code nearCache(true)}: exact reads of every database from a local replica. */
@NewestServerOnly
@KnownDefect(
    test = "concurrency_mixedWorkload_keepsEveryThreadsLastWritesAndAConsistentList",
    defect =
        "a write through a near-cache store can be missing from its next read while the bucket"
            + " is new: NatsKvStore.cacheWrite skips the replica when replica.bucket != bucket,"
            + " but Buckets hands out several Bucket handles for one stream (create() forgets the"
            + " bucket when it is in use, allowAtomicBatches() looks it up again)")
class NatsNearCacheConformanceTest extends NatsStoreConformanceTest {
  @Override
  NatsStore configure(NatsStore builder) {
    return builder.nearCache(true);
  }
}
