package dev.microstore.tck.workload;

import dev.microstore.ListOptions;
import dev.microstore.Store;
import dev.microstore.testing.history.Checker;
import dev.microstore.testing.history.History;
import dev.microstore.testing.history.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One run of a {@link Workload}: starts every thread, stops them at the deadline, waits out the
 * grace period, records what is still pending as unknown, then observes the final state and checks
 * the history.
 */
final class WorkloadRun {
  private final Workload workload;
  private final Store store;
  private final List<String> crashes = Collections.synchronizedList(new ArrayList<>());

  WorkloadRun(Workload workload, Store store) {
    this.workload = workload;
    this.store = store;
  }

  WorkloadResult run() {
    requireEmptyDatabase();
    History history = new History();
    Recorder recorder = new Recorder(history);
    long start = System.nanoTime();
    RunContext c =
        new RunContext(store, workload.database(), recorder, start + workload.duration().toNanos());
    Map<WorkloadPart, String> skipped = new EnumMap<>(WorkloadPart.class);
    Accounts accounts = new Accounts(workload.settings(WorkloadPart.ATOMIC_TRANSFERS).size());
    if (workload.threads(WorkloadPart.ATOMIC_TRANSFERS) > 0) {
      accounts.create(c).ifPresent(why -> skipped.put(WorkloadPart.ATOMIC_TRANSFERS, why));
    }
    List<Thread> threads = new ArrayList<>();
    for (WorkloadPart part : WorkloadPart.values()) {
      if (skipped.containsKey(part)) {
        continue;
      }
      for (int t = 0; t < workload.threads(part); t++) {
        Worker worker = worker(part, t, c, accounts);
        Random random = new Random(workload.seed() * 1_000_003L + part.ordinal() * 1009L + t);
        Thread thread =
            new Thread(() -> loop(worker, random, c), "workload-" + part.keyPrefix() + "-" + t);
        thread.setDaemon(true);
        threads.add(thread);
      }
    }
    threads.forEach(Thread::start);
    long stopAt = c.deadlineNanos() + workload.gracePeriod().toNanos();
    int pendingAtStop = stop(threads, recorder, stopAt);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    FinalState finalState = new FinalState(c, history);
    List<String> unobserved = finalState.observeVersions();
    int historyDepth = finalState.historyDepth();
    List<InvariantCheck> invariants = new ArrayList<>();
    for (String crash : crashes) {
      invariants.add(new InvariantCheck("worker thread", false, crash));
    }
    Invariants checks = new Invariants(finalState, history.operations());
    invariants.addAll(checks.counters(workload.settings(WorkloadPart.CAS_REGISTERS).size()));
    if (workload.threads(WorkloadPart.ATOMIC_TRANSFERS) > 0 && skipped.isEmpty()) {
      invariants.add(checks.transferTotal(accounts));
    }
    if (workload.threads(WorkloadPart.CREATES) > 0) {
      invariants.add(checks.acknowledgedCreatesPresent());
    }
    Report report =
        workload
            .checkBudgetPerKey()
            .map(budget -> Checker.check(history, budget))
            .orElseGet(() -> Checker.check(history));
    return new WorkloadResult(
        history, report, invariants, skipped, unobserved, historyDepth, pendingAtStop, elapsed);
  }

  private void requireEmptyDatabase() {
    List<String> keys =
        store.list(ListOptions.builder().database(workload.database()).limit(1).build());
    if (!keys.isEmpty()) {
      throw new IllegalStateException(
          "database \""
              + workload.database()
              + "\" is not empty (it holds key \""
              + keys.get(0)
              + "\"): the workload needs a fresh database");
    }
  }

  private Worker worker(WorkloadPart part, int thread, RunContext c, Accounts accounts) {
    PartSettings s = workload.settings(part);
    switch (part) {
      case CAS_REGISTERS:
        return new CasRegisterWorker(c, new Lane(c.recorder), s.size());
      case UNIQUE_WRITES:
        return new UniqueWriteWorker(c, new Lane(c.recorder), s.size());
      case CREATES:
        return new CreateWorker(c, new Lane(c.recorder), thread);
      case CONDITIONAL_DELETES:
        return new ConditionalDeleteWorker(c, new Lane(c.recorder), thread);
      case BULK_WRITES:
        return new BulkWriteWorker(c, new Lane(c.recorder), s.size());
      case ASYNC_WRITES:
        return new AsyncWriteWorker(c, s.size(), s.maxInFlight());
      case ATOMIC_TRANSFERS:
        return new TransferWorker(c, new Lane(c.recorder), accounts.keys());
    }
    throw new AssertionError(part);
  }

  /** Runs steps until the deadline, at most {@link Workload#ratePerThread()} a second. */
  private void loop(Worker worker, Random random, RunContext c) {
    int rate = workload.ratePerThread();
    long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
    long next = System.nanoTime();
    try {
      while (c.running()) {
        worker.step(random);
        if (interval > 0) {
          long now = System.nanoTime();
          next = Math.max(next + interval, now); // behind schedule: no burst to catch up
          long sleep = Math.min(next - now, c.deadlineNanos() - now);
          if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
          }
        }
      }
    } catch (Recorder.RunStopped | InterruptedException stopped) {
      // the run is over
    } catch (RuntimeException e) {
      crashes.add(Thread.currentThread().getName() + " failed: " + PendingOp.describe(e));
    }
  }

  /**
   * Waits for the threads and their operations until {@code stopAt}, then records what is still
   * pending as unknown and interrupts the threads still running.
   *
   * @return how many operations were still pending
   */
  private int stop(List<Thread> threads, Recorder recorder, long stopAt) {
    try {
      for (Thread thread : threads) {
        long left = stopAt - System.nanoTime();
        if (left > 0) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
      recorder.awaitIdle(stopAt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int pending =
        recorder.close(
            "still pending when the run stopped, "
                + workload.gracePeriod()
                + " after its duration of "
                + workload.duration());
    for (Thread thread : threads) {
      if (thread.isAlive()) {
        thread.interrupt();
      }
    }
    return pending;
  }
}
