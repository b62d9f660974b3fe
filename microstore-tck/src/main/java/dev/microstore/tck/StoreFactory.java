package dev.microstore.tck;

import dev.microstore.Store;
import java.time.Duration;
import java.util.Set;

/**
 * Creates the stores that {@link StoreContract} tests: supplied by each store implementation.
 *
 * <p>Every store a factory creates must share the same backend data: a record written through one
 * is visible to every other (for NATS, each store is a new connection to the same server; for the
 * in-memory store, a view of one backing store). The kit relies on this to check that a store sees
 * data it did not write itself and to clean up after each test.
 *
 * <p>The kit asks {@link StoreContract#factory()} for a factory once per test, so a factory may
 * hold state that lives for one test (such as a fresh in-memory backend). Implementations need not
 * be thread-safe: the kit calls the factory from the test thread only.
 */
public interface StoreFactory {

  /**
   * Creates a new, ready store with the default database {@code default} and no default table.
   *
   * @return a store sharing this factory's backend data; the kit closes it
   */
  Store create();

  /**
   * Creates a new, ready store whose defaults, used when options name no database or table, are the
   * given ones.
   *
   * @param defaultDatabase the database used when options name none, not empty
   * @param defaultTable the table used when options name none; empty for no table
   * @return a store sharing this factory's backend data; the kit closes it
   */
  Store create(String defaultDatabase, String defaultTable);

  /**
   * The optional features the stores support; the kit skips the tests of the others.
   *
   * @return the supported features
   */
  Set<StoreFeature> features();

  /**
   * How late an expired record may still be observed: the kit waits for a record with a time to
   * live {@code ttl} to disappear for at most {@code ttl} plus this tolerance.
   *
   * @return the tolerance; 2 seconds unless overridden
   */
  default Duration expiryTolerance() {
    return Duration.ofSeconds(2);
  }

  /**
   * How many revisions per key the databases of these stores keep (their history depth). The {@link
   * StoreFeature#HISTORY} tests write up to this many revisions and expect all of them back;
   * declare at least 4 to run every history test.
   *
   * @return the history depth; 1 unless overridden
   */
  default int historyDepth() {
    return 1;
  }
}
