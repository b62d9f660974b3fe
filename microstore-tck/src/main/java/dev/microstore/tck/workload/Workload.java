package dev.microstore.tck.workload;

import dev.microstore.Store;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Jepsen-style workload: threads run a mix of operations against a {@link Store} for a while,
 * every operation is recorded in a {@link dev.microstore.testing.history.History}, and afterwards
 * the history is checked for linearizability per key and the workload's own invariants are checked
 * on the store's final state.
 *
 * <pre>{@code
 * Workload workload = Workload.builder()
 *     .database("jepsen")
 *     .duration(Duration.ofSeconds(60))
 *     .seed(42)
 *     .casRegisters(4, 3)
 *     .uniqueWrites(1)
 *     .creates(1)
 *     .conditionalDeletes(1)
 *     .bulkWrites(1)
 *     .asyncWrites(1)
 *     .atomicTransfers(1, 4)
 *     .build();
 * WorkloadResult result = workload.run(store); // inject faults meanwhile, end them before it returns
 * log.info(result.summary());
 * assertThat(result.valid()).as(result.summary()).isTrue();
 * }</pre>
 *
 * <p>The workload uses only the public {@link Store} API, so it runs against any implementation. It
 * needs a database of its own that is empty when the run starts; it never deletes it.
 *
 * <p><b>History depth.</b> After the run the workload reads every key's kept revisions with {@link
 * Store#history} and hands them to the checker, which uses them to find writes that were stored
 * although they failed, stored twice, or lost although acknowledged. A database keeps as many
 * revisions per key as its history depth (1 by default for NATS buckets and the in-memory store):
 * configure the deepest history the store allows (NATS: 64; {@code Stores.inMemory().history(64)}),
 * or the checker can only use the few revisions that are kept.
 *
 * <p>Immutable and thread-safe; {@link #run} may be called again with another empty database.
 */
public final class Workload {
  private final String database;
  private final Duration duration;
  private final Duration gracePeriod;
  private final long seed;
  private final int ratePerThread;
  private final @Nullable Duration checkBudgetPerKey;
  private final Map<WorkloadPart, PartSettings> parts;

  Workload(
      String database,
      Duration duration,
      Duration gracePeriod,
      long seed,
      int ratePerThread,
      @Nullable Duration checkBudgetPerKey,
      Map<WorkloadPart, PartSettings> parts) {
    this.database = database;
    this.duration = duration;
    this.gracePeriod = gracePeriod;
    this.seed = seed;
    this.ratePerThread = ratePerThread;
    this.checkBudgetPerKey = checkBudgetPerKey;
    this.parts = Collections.unmodifiableMap(new EnumMap<>(parts));
  }

  /**
   * A new builder: no part enabled, 10 seconds, a grace period of 10 seconds, seed 0, 100 steps per
   * second per thread.
   *
   * @return the builder
   */
  public static WorkloadBuilder builder() {
    return new WorkloadBuilder();
  }

  /**
   * Runs the workload against a store and checks what happened. Every thread runs until the
   * duration has passed; then the run waits up to the grace period for operations still in flight
   * (each bounded by the store's own timeouts). Operations still pending after that are recorded as
   * unknown and their threads abandoned (they are daemon threads, interrupted). Then the workload
   * records each key's kept revisions, reads the final state for its invariants, and checks the
   * history.
   *
   * <p>Faults may be injected while this method runs, but must be over when the duration plus the
   * grace period has passed: the final reads need a working store.
   *
   * @param store the store under test; not closed by the workload
   * @return the history, the checker's report and the invariants
   * @throws IllegalStateException if the database is not empty
   * @throws IllegalArgumentException if the store rejects the database name
   * @throws dev.microstore.StoreException if the store fails before the run starts (listing the
   *     database)
   */
  public WorkloadResult run(Store store) {
    Objects.requireNonNull(store, "store");
    return new WorkloadRun(this, store).run();
  }

  /**
   * The database the workload writes to.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }

  /**
   * How long the threads issue operations.
   *
   * @return the duration
   */
  public Duration duration() {
    return duration;
  }

  /**
   * How long the run waits, after the duration, for operations still in flight.
   *
   * @return the grace period
   */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /**
   * The seed of the threads' random choices.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * The most steps a thread starts per second (see {@link WorkloadBuilder#ratePerThread(int)}).
   *
   * @return the rate; 0 for no limit
   */
  public int ratePerThread() {
    return ratePerThread;
  }

  /**
   * The time the checker may spend searching each key's history.
   *
   * @return the budget, or empty for the checker's default
   */
  public Optional<Duration> checkBudgetPerKey() {
    return Optional.ofNullable(checkBudgetPerKey);
  }

  /**
   * The threads of one part.
   *
   * @param part the part
   * @return its threads; 0 when the part is not run
   */
  public int threads(WorkloadPart part) {
    return settings(part).threads();
  }

  PartSettings settings(WorkloadPart part) {
    return parts.getOrDefault(part, PartSettings.OFF);
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("Workload{database=")
            .append(database)
            .append(", duration=")
            .append(duration)
            .append(", seed=")
            .append(seed)
            .append(", ratePerThread=")
            .append(ratePerThread);
    for (Map.Entry<WorkloadPart, PartSettings> e : parts.entrySet()) {
      s.append(", ")
          .append(e.getKey())
          .append('=')
          .append(e.getValue().threads())
          .append(" threads");
    }
    return s.append('}').toString();
  }
}
