package dev.microstore.tck.workload;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Workload}. Each setter checks its argument at once and throws {@link
 * IllegalArgumentException} naming the bad value and the rule; {@link #build()} copies the
 * settings, so a builder can be reused. Not thread-safe.
 */
public final class WorkloadBuilder {
  private static final int MAX_THREADS = 256;

  private @Nullable String database;
  private Duration duration = Duration.ofSeconds(10);
  private Duration gracePeriod = Duration.ofSeconds(10);
  private long seed;
  private int ratePerThread = 100;
  private @Nullable Duration checkBudgetPerKey;
  private final Map<WorkloadPart, PartSettings> parts = new EnumMap<>(WorkloadPart.class);

  WorkloadBuilder() {}

  /**
   * The database to run in; it must be empty when the run starts. Required.
   *
   * @param database a database name valid for the store
   * @return this builder
   * @throws IllegalArgumentException if empty
   */
  public WorkloadBuilder database(String database) {
    Objects.requireNonNull(database, "database");
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "database must not be empty: \"\" (name a fresh database)");
    }
    this.database = database;
    return this;
  }

  /**
   * How long the threads issue operations.
   *
   * @param duration a positive duration; 10 seconds by default
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public WorkloadBuilder duration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive: " + duration);
    }
    this.duration = duration;
    return this;
  }

  /**
   * How long the run waits, after the duration, for operations in flight before recording them as
   * unknown. Make it longer than the store's operation timeout.
   *
   * @param gracePeriod zero or more; 10 seconds by default
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public WorkloadBuilder gracePeriod(Duration gracePeriod) {
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
    }
    this.gracePeriod = gracePeriod;
    return this;
  }

  /**
   * The seed of the random choices; each thread draws from its own generator seeded from it, so the
   * sequence of choices of a thread repeats (their interleaving does not).
   *
   * @param seed any value; 0 by default
   * @return this builder
   */
  public WorkloadBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * The most steps each thread starts per second, a step being one to four operations (a read then
   * a conditional write; a bulk write of up to 10 records; write, read, delete, read). Keeps
   * histories small enough to check.
   *
   * @param operationsPerSecond at least 1, or 0 for no limit; 100 by default
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public WorkloadBuilder ratePerThread(int operationsPerSecond) {
    if (operationsPerSecond < 0) {
      throw new IllegalArgumentException(
          "ratePerThread must not be negative (0 for no limit): " + operationsPerSecond);
    }
    this.ratePerThread = operationsPerSecond;
    return this;
  }

  /**
   * The time the checker may spend searching each key's history; keys it cannot decide in time are
   * reported as undecided.
   *
   * @param budget a positive duration; the checker's default when not set
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public WorkloadBuilder checkBudgetPerKey(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("checkBudgetPerKey must be positive: " + budget);
    }
    this.checkBudgetPerKey = budget;
    return this;
  }

  /**
   * Compare-and-set counters ({@link WorkloadPart#CAS_REGISTERS}).
   *
   * @param threads 0 (off) to 256
   * @param keys how many counters the threads share, 1 to 1000
   * @return this builder
   * @throws IllegalArgumentException if a count is out of range
   */
  public WorkloadBuilder casRegisters(int threads, int keys) {
    return part(WorkloadPart.CAS_REGISTERS, threads, range("casRegisters keys", keys, 1), 0);
  }

  /**
   * Unconditional writes of unique values over 3 keys ({@link WorkloadPart#UNIQUE_WRITES}).
   *
   * @param threads 0 (off) to 256
   * @return this builder
   * @throws IllegalArgumentException if the count is out of range
   */
  public WorkloadBuilder uniqueWrites(int threads) {
    return uniqueWrites(threads, 3);
  }

  /**
   * Unconditional writes of unique values ({@link WorkloadPart#UNIQUE_WRITES}).
   *
   * @param threads 0 (off) to 256
   * @param keys how many keys the threads share, 1 to 1000
   * @return this builder
   * @throws IllegalArgumentException if a count is out of range
   */
  public WorkloadBuilder uniqueWrites(int threads, int keys) {
    return part(WorkloadPart.UNIQUE_WRITES, threads, range("uniqueWrites keys", keys, 1), 0);
  }

  /**
   * Create-only writes of fresh keys, each read back ({@link WorkloadPart#CREATES}).
   *
   * @param threads 0 (off) to 256
   * @return this builder
   * @throws IllegalArgumentException if the count is out of range
   */
  public WorkloadBuilder creates(int threads) {
    return part(WorkloadPart.CREATES, threads, 0, 0);
  }

  /**
   * Write, read, conditional delete, read on a key per thread ({@link
   * WorkloadPart#CONDITIONAL_DELETES}).
   *
   * @param threads 0 (off) to 256
   * @return this builder
   * @throws IllegalArgumentException if the count is out of range
   */
  public WorkloadBuilder conditionalDeletes(int threads) {
    return part(WorkloadPart.CONDITIONAL_DELETES, threads, 0, 0);
  }

  /**
   * Bulk writes of 5 to 10 records and bulk reads over 10 keys ({@link WorkloadPart#BULK_WRITES}).
   *
   * @param threads 0 (off) to 256
   * @return this builder
   * @throws IllegalArgumentException if the count is out of range
   */
  public WorkloadBuilder bulkWrites(int threads) {
    return part(WorkloadPart.BULK_WRITES, threads, 10, 0);
  }

  /**
   * Asynchronous writes, deletes and reads over 5 keys, at most 4 in flight per thread ({@link
   * WorkloadPart#ASYNC_WRITES}).
   *
   * @param threads 0 (off) to 256
   * @return this builder
   * @throws IllegalArgumentException if the count is out of range
   */
  public WorkloadBuilder asyncWrites(int threads) {
    return asyncWrites(threads, 4);
  }

  /**
   * Asynchronous writes, deletes and reads over 5 keys ({@link WorkloadPart#ASYNC_WRITES}).
   *
   * @param threads 0 (off) to 256
   * @param maxInFlight the most operations a thread has in flight, 1 to 1000; each in-flight slot
   *     is a process of its own in the history
   * @return this builder
   * @throws IllegalArgumentException if a count is out of range
   */
  public WorkloadBuilder asyncWrites(int threads, int maxInFlight) {
    return part(
        WorkloadPart.ASYNC_WRITES, threads, 5, range("asyncWrites maxInFlight", maxInFlight, 1));
  }

  /**
   * Atomic transfers between accounts ({@link WorkloadPart#ATOMIC_TRANSFERS}); skipped, and
   * reported so, when the store does not support {@link dev.microstore.Store#commit}.
   *
   * @param threads 0 (off) to 256
   * @param accounts how many accounts, 2 to 1000, each starting with a balance of 100
   * @return this builder
   * @throws IllegalArgumentException if a count is out of range
   */
  public WorkloadBuilder atomicTransfers(int threads, int accounts) {
    return part(
        WorkloadPart.ATOMIC_TRANSFERS, threads, range("atomicTransfers accounts", accounts, 2), 0);
  }

  /**
   * Builds the workload.
   *
   * @return a new immutable workload
   * @throws IllegalStateException if no database is set or no part has threads
   */
  public Workload build() {
    String db = database;
    if (db == null) {
      throw new IllegalStateException(
          "database is not set: name a fresh database with database(String)");
    }
    if (parts.isEmpty()) {
      throw new IllegalStateException(
          "no part has threads: enable at least one, for example casRegisters(4, 3)");
    }
    return new Workload(db, duration, gracePeriod, seed, ratePerThread, checkBudgetPerKey, parts);
  }

  private WorkloadBuilder part(WorkloadPart part, int threads, int size, int maxInFlight) {
    String what = camel(part) + " threads";
    if (threads < 0 || threads > MAX_THREADS) {
      throw new IllegalArgumentException(
          what + " must be 0 (off) to " + MAX_THREADS + ": " + threads);
    }
    if (threads == 0) {
      parts.remove(part);
    } else {
      parts.put(part, new PartSettings(threads, size, maxInFlight));
    }
    return this;
  }

  private static int range(String what, int value, int min) {
    if (value < min || value > 1000) {
      throw new IllegalArgumentException(what + " must be " + min + " to 1000: " + value);
    }
    return value;
  }

  private static String camel(WorkloadPart part) {
    String[] words = part.name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder s = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      s.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return s.toString();
  }
}
