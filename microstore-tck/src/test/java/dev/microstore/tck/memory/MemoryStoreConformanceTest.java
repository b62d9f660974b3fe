package dev.microstore.tck.memory;

import dev.microstore.tck.StoreContract;
import dev.microstore.tck.StoreFactory;
import java.time.Duration;

/** Runs the conformance kit against the in-memory store. */
class MemoryStoreConformanceTest extends StoreContract {
  @Override
  protected StoreFactory factory() {
    return new SharedMemoryStoreFactory();
  }

  /** Thousands of transfers a second in memory: a few seconds show the invariant well enough. */
  @Override
  protected Duration atomicBatchInvariantDuration() {
    return Duration.ofSeconds(5);
  }
}
