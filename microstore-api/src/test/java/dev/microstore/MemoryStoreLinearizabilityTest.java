package dev.microstore;

import static org.jetbrains.kotlinx.lincheck.strategy.managed.ManagedStrategyGuaranteeKt.forClasses;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Checks with Lincheck that the in-memory store is linearizable: every concurrent history of the
 * operations below, on two or three keys, has the results of some sequential run of the same store
 * that respects real-time order. The sequential specification is the store itself, run on one
 * thread; its revisions are deterministic per store instance.
 *
 * <p>The operations cover single writes, conditional writes ({@code ifAbsent}, {@code ifRevision}),
 * deletes, exact reads, {@code readAll}, prefix reads, lists, history and two-key atomic batches,
 * so a reader that sees part of a batch, or a scan that sees a later write without an earlier one,
 * is a failure. Every result is a string ({@code "a=v0@1,b=v1@3"}, {@code "conflict"}, {@code
 * "missing"}) so results compare by value.
 *
 * <p>The store under test purges superseded versions as early as it may (once they are as many as
 * the live records), so reads racing a purge are checked too.
 *
 * <p>Both modes first run {@link #knownAnomalies()}, then random scenarios.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:2")
@Param(name = "value", gen = IntGen.class, conf = "0:1")
@Param(name = "revision", gen = IntGen.class, conf = "1:4")
public class MemoryStoreLinearizabilityTest {
  private static final List<String> KEYS = List.of("a", "b", "c");
  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

  /**
   * Random scenarios per check, and runs (interleavings, or concurrent runs) per scenario, after
   * the known anomalies; small, so the module's build stays fast. Raise them to search longer, for
   * example {@code -Dmicrostore.lincheck.iterations=200}.
   */
  private static final int ITERATIONS = Integer.getInteger("microstore.lincheck.iterations", 4);

  private static final int MODEL_CHECKING_INVOCATIONS =
      Integer.getInteger("microstore.lincheck.modelCheckingInvocations", 30);
  private static final int STRESS_INVOCATIONS =
      Integer.getInteger("microstore.lincheck.stressInvocations", 500);

  private final Store store = new MemoryStore("default", null, FIXED, 2, 1);

  // ---------------------------------------------------------------- writes

  @Operation
  public String write(@Param(name = "key") int key, @Param(name = "value") int value) {
    return String.valueOf(store.write(record(key, value)));
  }

  @Operation
  public String writeIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
    try {
      return String.valueOf(
          store.write(record(key, value), WriteOptions.builder().ifAbsent().build()));
    } catch (ConflictException e) {
      return "conflict";
    }
  }

  @Operation
  public String writeIfRevision(
      @Param(name = "key") int key,
      @Param(name = "value") int value,
      @Param(name = "revision") int revision) {
    try {
      return String.valueOf(
          store.write(record(key, value), WriteOptions.builder().ifRevision(revision).build()));
    } catch (ConflictException e) {
      return "conflict";
    }
  }

  @Operation
  public String delete(@Param(name = "key") int key) {
    store.delete(KEYS.get(key));
    return "deleted";
  }

  /** Puts the key if absent and deletes the next key, atomically. */
  @Operation
  public String commitPutIfAbsentAndDelete(
      @Param(name = "key") int key, @Param(name = "value") int value) {
    Batch batch =
        Batch.builder()
            .put(record(key, value), Batch.Condition.ifAbsent())
            .delete(KEYS.get((key + 1) % KEYS.size()))
            .build();
    try {
      return store.commit(batch).revisions().toString();
    } catch (ConflictException e) {
      return "conflict";
    }
  }

  /** Puts the key and the next key with the same value, atomically. */
  @Operation
  public String commitPutTwo(@Param(name = "key") int key, @Param(name = "value") int value) {
    Batch batch =
        Batch.builder().put(record(key, value)).put(record((key + 1) % KEYS.size(), value)).build();
    return store.commit(batch).revisions().toString();
  }

  // ---------------------------------------------------------------- reads

  @Operation
  public String read(@Param(name = "key") int key) {
    try {
      return format(store.read(KEYS.get(key)));
    } catch (NotFoundException e) {
      return "missing";
    }
  }

  @Operation
  public String readAll() {
    Map<String, Record> found = store.readAll(KEYS, ReadOptions.defaults());
    return format(List.copyOf(found.values()));
  }

  @Operation
  public String readPrefix() {
    return format(store.read("", ReadOptions.builder().prefix().build()));
  }

  @Operation
  public String list() {
    return String.join(",", store.list());
  }

  @Operation
  public String history(@Param(name = "key") int key) {
    return store.history(KEYS.get(key), ReadOptions.defaults()).stream()
        .map(e -> e.op() + "@" + e.revision())
        .collect(Collectors.joining(","));
  }

  // ---------------------------------------------------------------- checks

  @Test
  void modelChecking_everyInterleavingIsLinearizable() {
    warmUp();
    ModelCheckingOptions options =
        new ModelCheckingOptions()
            .iterations(ITERATIONS)
            .invocationsPerIteration(MODEL_CHECKING_INVOCATIONS)
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(1)
            // Immutable values and the test's own formatting share nothing between threads, and the
            // JDK's collections are linearizable call by call (an iterator step by step): checking
            // their insides too would only make each interleaving longer.
            .addGuarantee(
                forClasses(MemoryStoreLinearizabilityTest::isValueClass).allMethods().ignore())
            .addGuarantee(forClasses(getClass().getName()).methods("record", "format").ignore())
            .addGuarantee(
                forClasses(MemoryStoreLinearizabilityTest::isCollectionClass)
                    .allMethods()
                    .treatAsAtomic());
    knownAnomalies().forEach(options::addCustomScenario);
    LinChecker.check(getClass(), options);
  }

  /** The JDK's maps, sets, queues and their iterators, but not its locks. */
  private static boolean isCollectionClass(String className) {
    String name = className.replace('/', '.');
    return name.startsWith("java.util.concurrent.ConcurrentSkipListMap")
        || name.startsWith("java.util.concurrent.ConcurrentHashMap")
        || name.startsWith("java.util.concurrent.CopyOnWriteArrayList")
        || name.startsWith("java.util.concurrent.atomic.LongAdder")
        || name.startsWith("java.util.HashMap")
        || name.startsWith("java.util.HashSet")
        || name.startsWith("java.util.LinkedHashMap")
        || name.startsWith("java.util.ArrayList")
        || name.startsWith("java.util.ArrayDeque")
        || name.startsWith("java.util.PriorityQueue");
  }

  /** Classes of immutable values and arguments checks: everything but the store's own state. */
  private static boolean isValueClass(String className) {
    String name = className.replace('/', '.');
    if (name.startsWith("java.time.") || name.startsWith("dev.microstore.internal.")) {
      return true;
    }
    return name.startsWith("dev.microstore.")
        && name.indexOf('.', "dev.microstore.".length()) < 0
        && !name.startsWith("dev.microstore.MemoryStore")
        && !name.startsWith("dev.microstore.MemoryWatches")
        && !name.startsWith("dev.microstore.MemoryStoreLinearizabilityTest");
  }

  @Test
  void stress_concurrentRunsAreLinearizable() {
    warmUp();
    StressOptions options =
        new StressOptions()
            .iterations(ITERATIONS)
            .invocationsPerIteration(STRESS_INVOCATIONS)
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(1);
    knownAnomalies().forEach(options::addCustomScenario);
    LinChecker.check(getClass(), options);
  }

  /**
   * Scenarios that showed anomalies once, checked first in every mode: a scan or {@code readAll}
   * that sees the later of two writes without the earlier one, and exact reads that see half of a
   * batch.
   */
  static List<ExecutionScenario> knownAnomalies() {
    List<Actor> a0 = List.of(actor("write", 0, 0));
    List<Actor> b0 = List.of(actor("write", 1, 0));
    List<Actor> writeAThenB = List.of(actor("write", 0, 1), actor("write", 1, 1));
    List<Actor> deleteAThenWriteB = List.of(actor("delete", 0), actor("write", 1, 1));
    return List.of(
        scenario(a0, writeAThenB, List.of(actor("readPrefix"))),
        scenario(a0, writeAThenB, List.of(actor("readAll"))),
        scenario(a0, deleteAThenWriteB, List.of(actor("list"))),
        scenario(
            b0,
            List.of(actor("commitPutIfAbsentAndDelete", 0, 1)),
            List.of(actor("read", 0), actor("read", 1))),
        scenario(
            b0,
            List.of(actor("commitPutIfAbsentAndDelete", 0, 1)),
            List.of(actor("readAll"), actor("list"))),
        scenario(
            b0,
            List.of(actor("commitPutTwo", 0, 1)),
            List.of(actor("history", 0), actor("history", 1))));
  }

  private static ExecutionScenario scenario(
      List<Actor> initial, List<Actor> thread1, List<Actor> thread2) {
    return new ExecutionScenario(initial, List.of(thread1, thread2), List.of(), null);
  }

  private static Actor actor(String operation, Object... arguments) {
    Method method =
        Arrays.stream(MemoryStoreLinearizabilityTest.class.getMethods())
            .filter(m -> m.getName().equals(operation))
            .findFirst()
            .orElseThrow();
    return new Actor(method, List.of(arguments), false, false, false, false, false);
  }

  /**
   * Runs every operation with every parameter once, sequentially, so that lambdas and string
   * concatenations are linked before Lincheck takes over the threads: linking them inside a
   * model-checked run makes it look hung.
   */
  static void warmUp() {
    for (int round = 0; round < 2; round++) {
      MemoryStoreLinearizabilityTest t = new MemoryStoreLinearizabilityTest();
      for (int key = 0; key < KEYS.size(); key++) {
        t.read(key);
        t.history(key);
        t.delete(key);
        for (int value = 0; value < 2; value++) {
          t.write(key, value);
          t.writeIfAbsent(key, value);
          t.writeIfRevision(key, value, 1);
          t.commitPutIfAbsentAndDelete(key, value);
          t.commitPutTwo(key, value);
          t.read(key);
          t.history(key);
        }
        t.readAll();
        t.readPrefix();
        t.list();
        t.delete(key);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Record record(int key, int value) {
    return Record.of(KEYS.get(key), "v" + value);
  }

  private static String format(List<Record> records) {
    return records.stream()
        .map(r -> r.key() + "=" + r.valueAsString() + "@" + r.revision())
        .collect(Collectors.joining(","));
  }
}
