package dev.microstore.tck;

import dev.microstore.Store;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The conformance kit: every rule of the {@link Store} contract as a JUnit 5 test. A store
 * implementation runs the whole kit by extending this class in its tests and supplying a {@link
 * StoreFactory}:
 *
 * <pre>{@code
 * class NatsStoreConformanceTest extends StoreContract {
 *   @Override
 *   protected StoreFactory factory() {
 *     return new NatsStoreFactory(server.url());
 *   }
 * }
 * }</pre>
 *
 * <p>The tests are grouped by area in {@link Nested} classes (Reads, Writes, Values, Deletes,
 * Lists, Tables, Paging, Metadata, Databases, Defaults, SharedBackend, Expiry, Revisions,
 * InvalidInput, Closed, GoPluginScenarios, Bulk, Async, Scans, Concurrency, AtomicBatches), which
 * JUnit discovers in the subclass. Tests of an optional {@link StoreFeature} the factory does not
 * declare are skipped, not passed.
 *
 * <p>Each test runs on a new instance of the class. Before each test the kit asks {@link
 * #factory()} for a factory, opens {@link #store()} and deletes the database {@code default}, which
 * the kit owns. After each test it deletes every database that appeared during the test and every
 * database the kit named (such as those from {@link #newDatabase()}), then closes every store it
 * opened. Run the kit against a backend used for nothing else.
 */
public abstract class StoreContract {
  /** The database a store uses when neither its defaults nor the options name one. */
  static final String DEFAULT_DATABASE = "default";

  private static final String RUN_ID = randomRunId();
  private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();

  private @Nullable StoreFactory factory;
  private @Nullable Store store;
  private final List<Store> extraStores = new CopyOnWriteArrayList<>();
  private final Set<String> ownedDatabases = ConcurrentHashMap.newKeySet();
  private Set<String> databasesBefore = Set.of();

  /** Creates the contract; subclasses supply {@link #factory()}. */
  protected StoreContract() {}

  /**
   * The factory of the stores under test. Called once per test (each test runs on a new instance of
   * the class); it may return a new factory each time or a shared one.
   *
   * @return the factory
   */
  protected abstract StoreFactory factory();

  /**
   * How many successful increments each of the 8 threads of the compare-and-set counter test makes.
   * Override to shorten the test on a slow backend.
   *
   * @return the increments per thread; 500 unless overridden
   */
  protected int counterIncrementsPerThread() {
    return 500;
  }

  /**
   * How many iterations each of the 8 threads of the mixed concurrent workload test runs.
   *
   * @return the iterations per thread; 300 unless overridden
   */
  protected int concurrentWorkloadIterations() {
    return 300;
  }

  /**
   * How long the invariant test of atomic batches runs: 8 threads moving amounts between 10
   * accounts with conditional batches while checking the total. Override to shorten it on a slow
   * backend.
   *
   * @return the duration; 20 seconds unless overridden
   */
  protected Duration atomicBatchInvariantDuration() {
    return Duration.ofSeconds(20);
  }

  /**
   * The factory of the current test, obtained from {@link #factory()} on first use.
   *
   * @return the factory
   */
  protected final StoreFactory storeFactory() {
    StoreFactory f = factory;
    if (f == null) {
      f = Objects.requireNonNull(factory(), "factory() returned null");
      factory = f;
    }
    return f;
  }

  /**
   * The store of the current test, created with {@link StoreFactory#create()} before the test.
   *
   * @return the store; closed by the kit after the test
   * @throws IllegalStateException if called outside a test
   */
  protected final Store store() {
    Store s = store;
    if (s == null) {
      throw new IllegalStateException("store() is only available while a test runs");
    }
    return s;
  }

  /**
   * Opens another store on the same backend with the default database {@code default} and no table.
   *
   * @return the new store; closed by the kit after the test
   */
  protected final Store openStore() {
    return track(storeFactory().create());
  }

  /**
   * Opens another store on the same backend with the given defaults.
   *
   * @param defaultDatabase the default database, not empty
   * @param defaultTable the default table; empty for none
   * @return the new store; closed by the kit after the test
   */
  protected final Store openStore(String defaultDatabase, String defaultTable) {
    return track(storeFactory().create(defaultDatabase, defaultTable));
  }

  /**
   * A database name no other test uses, valid for every store (letters, digits and {@code -}). The
   * database is deleted after the test.
   *
   * @return a fresh database name
   */
  protected final String newDatabase() {
    String name = "tck" + RUN_ID + "-" + DATABASE_COUNTER.incrementAndGet();
    ownedDatabases.add(name);
    return name;
  }

  /**
   * Declares that the current test owns a database with a fixed name: the database is deleted now
   * if it exists, and again after the test.
   *
   * @param name the database name
   * @return the name
   */
  protected final String ownDatabase(String name) {
    ownedDatabases.add(name);
    Store s = store();
    if (s.databases().contains(name)) {
      s.deleteDatabase(name);
    }
    return name;
  }

  /**
   * Whether the factory declares a feature.
   *
   * @param feature the feature
   * @return true if the stores support it
   */
  protected final boolean supports(StoreFeature feature) {
    return storeFactory().features().contains(feature);
  }

  /**
   * Opens the store of the test and empties the database {@code default}. Runs before each test.
   */
  @BeforeEach
  protected final void openStoreBeforeEachTest() {
    Store s = storeFactory().create();
    store = s;
    databasesBefore = new HashSet<>(s.databases());
    ownDatabase(DEFAULT_DATABASE);
  }

  /**
   * Deletes the databases the test made and closes every store the kit opened. Runs after each
   * test.
   */
  @AfterEach
  protected final void cleanUpAfterEachTest() {
    try (Store cleaner = storeFactory().create()) {
      for (String database : cleaner.databases()) {
        if (!databasesBefore.contains(database) || ownedDatabases.contains(database)) {
          cleaner.deleteDatabase(database);
        }
      }
    } finally {
      for (Store s : extraStores) {
        s.close();
      }
      extraStores.clear();
      Store s = store;
      store = null;
      if (s != null) {
        s.close();
      }
    }
  }

  private Store track(Store s) {
    extraStores.add(Objects.requireNonNull(s, "the factory returned null"));
    return s;
  }

  private static String randomRunId() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(Character.forDigit(random.nextInt(36), 36));
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** Exact reads, missing keys, and prefix and suffix matching. */
  @Nested
  class Reads extends ReadTests {
    Reads() {
      super(StoreContract.this);
    }
  }

  /** Writes: creating databases, overwriting records, the keys every store accepts. */
  @Nested
  class Writes extends WriteTests {
    Writes() {
      super(StoreContract.this);
    }
  }

  /** Values: empty, binary, large and text values round-trip unchanged. */
  @Nested
  class Values extends ValueTests {
    Values() {
      super(StoreContract.this);
    }
  }

  /** Deletes, including of keys and databases that do not exist. */
  @Nested
  class Deletes extends DeleteTests {
    Deletes() {
      super(StoreContract.this);
    }
  }

  /** Listing keys: missing databases, prefix and suffix filters, deletes. */
  @Nested
  class Lists extends ListTests {
    Lists() {
      super(StoreContract.this);
    }
  }

  /** Tables: key {@code K} in table {@code T} is the key {@code T_K} without table. */
  @Nested
  class Tables extends TableTests {
    Tables() {
      super(StoreContract.this);
    }
  }

  /** Sorting by key, then offset and limit, for reads and lists. */
  @Nested
  class Paging extends PagingTests {
    Paging() {
      super(StoreContract.this);
    }
  }

  /** Metadata round-trips as JSON-compatible values; other values are rejected. */
  @Nested
  class Metadata extends MetadataTests {
    Metadata() {
      super(StoreContract.this);
    }
  }

  /** Listing and deleting databases. */
  @Nested
  class Databases extends DatabaseTests {
    Databases() {
      super(StoreContract.this);
    }
  }

  /** Store-wide default database and table. */
  @Nested
  class Defaults extends DefaultsTests {
    Defaults() {
      super(StoreContract.this);
    }
  }

  /** Stores of one backend see each other's data. */
  @Nested
  class SharedBackend extends SharingTests {
    SharedBackend() {
      super(StoreContract.this);
    }
  }

  /** Per-record expiry (feature {@link StoreFeature#EXPIRY}). */
  @Nested
  class Expiry extends ExpiryTests {
    Expiry() {
      super(StoreContract.this);
    }
  }

  /** Revisions and compare-and-set (feature {@link StoreFeature#REVISIONS}). */
  @Nested
  class Revisions extends RevisionTests {
    Revisions() {
      super(StoreContract.this);
    }
  }

  /** Watching changes (feature {@link StoreFeature#WATCH}). */
  @Nested
  class Watches extends WatchTests {
    Watches() {
      super(StoreContract.this);
    }
  }

  /** Earlier revisions of a key (feature {@link StoreFeature#HISTORY}). */
  @Nested
  class History extends HistoryTests {
    History() {
      super(StoreContract.this);
    }
  }

  /** Invalid arguments are rejected, naming the value and the rule. */
  @Nested
  class InvalidInput extends InvalidInputTests {
    InvalidInput() {
      super(StoreContract.this);
    }
  }

  /** A closed store refuses every call. */
  @Nested
  class Closed extends ClosedTests {
    Closed() {
      super(StoreContract.this);
    }
  }

  /** The scenarios of the Go plugin's tests, data-driven. */
  @Nested
  class GoPluginScenarios extends GoPluginScenarioTests {
    GoPluginScenarios() {
      super(StoreContract.this);
    }
  }

  /** Bulk writes, deletes and reads. */
  @Nested
  class Bulk extends BulkTests {
    Bulk() {
      super(StoreContract.this);
    }
  }

  /** The asynchronous forms of read, write and delete. */
  @Nested
  class Async extends AsyncTests {
    Async() {
      super(StoreContract.this);
    }
  }

  /** Streaming scans: scan and scanKeys. */
  @Nested
  class Scans extends ScanTests {
    Scans() {
      super(StoreContract.this);
    }
  }

  /** Concurrent use of one store by several threads. */
  @Nested
  class Concurrency extends ConcurrencyTests {
    Concurrency() {
      super(StoreContract.this);
    }
  }

  /** Atomic batches (feature {@link StoreFeature#ATOMIC_BATCH}) and the limits of a batch. */
  @Nested
  class AtomicBatches extends AtomicBatchTests {
    AtomicBatches() {
      super(StoreContract.this);
    }
  }
}
