package dev.microstore.tck.memory;

import dev.microstore.tck.StoreContract;
import dev.microstore.tck.StoreFactory;

/** Runs the conformance kit against the in-memory store. */
class MemoryStoreConformanceTest extends StoreContract {
  @Override
  protected StoreFactory factory() {
    return new SharedMemoryStoreFactory();
  }
}
