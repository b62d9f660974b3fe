package dev.microstore.testing.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks a {@link History} key by key: cheap invariants, then linearizability of the key as a
 * register with compare-and-set and delete.
 *
 * <p><b>The invariants</b> (each reported under its own {@link Anomaly.Kind}):
 *
 * <ul>
 *   <li>{@link Anomaly.Kind#FAILED_BUT_APPLIED}: the value of a failed write is read or in the
 *       final versions; or every delete of a key failed, yet the final versions hold a delete or a
 *       read found the key absent after a value had been seen.
 *   <li>{@link Anomaly.Kind#STORED_TWICE}: one value (written once, values being unique per key) is
 *       seen at two revisions, by successful operations or in the final versions.
 *   <li>{@link Anomaly.Kind#ACKNOWLEDGED_WRITE_LOST}: the revision of a successful write holds
 *       another value in the final versions, or is missing from them although they reach back to it
 *       (their oldest revision is not newer).
 *   <li>{@link Anomaly.Kind#REVISION_MISMATCH}: two successful operations, or a successful read or
 *       delete and the final versions, report one revision with different values.
 * </ul>
 *
 * <p><b>Linearizability</b> ({@link Anomaly.Kind#NOT_LINEARIZABLE}): is there an order of the key's
 * operations in which each takes effect at one instant between its invocation and its completion,
 * and each does what the register allows? The register is absent (never written, or deleted) or
 * holds a value; a {@code WRITE} puts its value, a {@code CREATE} puts it if the key is absent, a
 * {@code CAS_WRITE} if the key's revision is the expected one (0 meaning absent), a {@code DELETE}
 * deletes, a {@code CAS_DELETE} deletes if the revision is the expected one. A read must return the
 * value the order gives. The final versions count as a last read of the key's final state.
 *
 * <ul>
 *   <li>Successful operations take effect between invocation and completion.
 *   <li>A failed {@code CAS_WRITE}, {@code CREATE} or {@code CAS_DELETE} recorded with {@link
 *       Invocation#fail} is a conflict: it takes no effect, at an instant of its interval at which
 *       its condition does not hold. So a conflict reported while the condition held is found.
 *       Other failures take no effect and say nothing about the key.
 *   <li>An unknown operation may take effect at any instant after its invocation, or never. An
 *       unknown write whose value was seen did take effect, before that value was first seen.
 * </ul>
 *
 * <p><b>Revisions to values.</b> Values are unique per key, so every successful operation reporting
 * a revision ties that revision to a value (a write: its own; a read: the one it read; a delete:
 * absent), and so does every final version. A compare-and-set's expected revision is judged through
 * these ties: it holds for the value seen at that revision (and only there), fails for values seen
 * at other revisions or for a revision tied to other values. A delete's own revision is the
 * exception: whether a compare-and-set on it succeeds is the store's choice (ours say a deleted key
 * has no revision, a raw NATS bucket lets it succeed), so both outcomes are accepted. A revision
 * nobody observed can only be the revision of a state whose revision nobody observed (an unknown
 * write's value, a delete whose revision was not reported): against such a state the condition may
 * hold or not, and the search allows both outcomes. It never rejects a correct history for lack of
 * a revision; it may accept a wrong one that only an unobserved revision could expose.
 *
 * <p><b>Search and budget.</b> The search is Wing and Gong's, with Lowe's improvements: operations
 * in call and return order, configurations (the ordered set and the state) remembered so that none
 * is explored twice. Unknown operations whose effect nobody saw are merged into a "hidden write"
 * and a "hidden delete" that may happen any time after one of them was invoked, which keeps the
 * search small with thousands of them, at the price of ignoring how many there were and their
 * conditions. Each key's search has a time budget (and a cap of a few million configurations); a
 * key that exceeds it is reported in {@link Report#undecidedKeys()}, and the report is then not
 * {@linkplain Report#valid() valid}.
 *
 * <p>Assumed: every key starts absent, values written are unique per key (enforced by {@link
 * History}), no record expires during the run, and the final versions were read after the workload
 * stopped.
 *
 * <p>Thread-safe: checks share no state; a history may be checked while still recorded (the check
 * sees a snapshot).
 */
public final class Checker {

  /** The search budget of each key used by {@link #check(History)}: 10 seconds. */
  public static final Duration DEFAULT_BUDGET_PER_KEY = Duration.ofSeconds(10);

  private Checker() {}

  /**
   * Checks a history with the {@linkplain #DEFAULT_BUDGET_PER_KEY default search budget} per key.
   *
   * @param history the history
   * @return the report
   */
  public static Report check(History history) {
    return check(history, DEFAULT_BUDGET_PER_KEY);
  }

  /**
   * Checks a history.
   *
   * @param history the history
   * @param budgetPerKey how long the linearizability search of one key may run before the key is
   *     reported undecided; positive
   * @return the report
   * @throws IllegalArgumentException if the budget is not positive
   */
  public static Report check(History history, Duration budgetPerKey) {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(budgetPerKey, "budgetPerKey");
    if (budgetPerKey.isNegative() || budgetPerKey.isZero()) {
      throw new IllegalArgumentException("budget per key must be positive: " + budgetPerKey);
    }
    History.Snapshot snapshot = history.snapshot();
    List<Op> all = snapshot.ops();
    Map<String, List<Integer>> byKey = new TreeMap<>();
    int ok = 0;
    int failed = 0;
    int unknown = 0;
    for (int i = 0; i < all.size(); i++) {
      Op op = all.get(i);
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(i);
      switch (op.outcome()) {
        case OK:
          ok++;
          break;
        case FAIL:
          failed++;
          break;
        case UNKNOWN:
          unknown++;
          break;
      }
    }
    for (String key : snapshot.finals().keySet()) {
      byKey.computeIfAbsent(key, k -> new ArrayList<>());
    }
    List<Anomaly> anomalies = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    long budget = budgetPerKey.toNanos();
    for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
      List<Op> ops = new ArrayList<>(e.getValue().size());
      BitSet conflicts = new BitSet();
      for (int i : e.getValue()) {
        if (snapshot.conflicts().get(i)) {
          conflicts.set(ops.size());
        }
        ops.add(all.get(i));
      }
      KeyOps k = new KeyOps(e.getKey(), ops, conflicts, snapshot.finals().get(e.getKey()));
      Invariants invariants = Invariants.check(k);
      anomalies.addAll(invariants.anomalies());
      Anomaly unexplained = RegisterSearch.precheck(k);
      if (unexplained != null) {
        anomalies.add(unexplained);
        continue;
      }
      RegisterSearch search = new RegisterSearch(k, invariants.failedButApplied());
      switch (search.run(System.nanoTime() + budget)) {
        case NOT_LINEARIZABLE:
          anomalies.add(search.anomaly());
          break;
        case UNDECIDED:
          undecided.add(e.getKey());
          break;
        case LINEARIZABLE:
          break;
      }
    }
    return new Report(
        all.size(), ok, failed, unknown, byKey.size(), anomalies, undecided, budgetPerKey);
  }
}
