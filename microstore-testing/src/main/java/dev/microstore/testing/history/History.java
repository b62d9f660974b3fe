package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A thread-safe recorder of the operations a workload runs on a store: each operation's invocation
 * and completion, with a logical clock for their real-time order, and what each key holds after the
 * run. {@link Checker#check(History)} checks it afterwards.
 *
 * <p>A workload records every operation around the call to the store:
 *
 * <pre>{@code
 * History history = new History();
 * // in each process (a thread), for each operation:
 * Invocation inv = history.invoke(process, Op.Kind.CAS_WRITE, key, "p3-17", expected);
 * try {
 *   inv.ok(store.write(record("p3-17"), WriteOptions.builder().ifRevision(expected).build()));
 * } catch (ConflictException e) {
 *   inv.fail(e.getMessage());            // the condition did not hold
 * } catch (IllegalArgumentException e) {
 *   inv.failWithoutConflict(e.getMessage());
 * } catch (RuntimeException e) {
 *   inv.unknown(e.toString());          // a timeout, a lost connection: may have been applied
 * }
 * // after the run, once no operation is running any more:
 * history.observeFinal(key, versionsFromTheStoresHistory);
 * Report report = Checker.check(history);
 * }</pre>
 *
 * <p>Rules the checker relies on, enforced here:
 *
 * <ul>
 *   <li>Every value written to a key is unique to that key (for example {@code "p3-1742"}: process
 *       and sequence number), so that a revision can be mapped to the value written at it.
 *   <li>Only {@link Op.Kind#WRITE}, {@link Op.Kind#CAS_WRITE} and {@link Op.Kind#CREATE} carry a
 *       value; only {@link Op.Kind#CAS_WRITE} and {@link Op.Kind#CAS_DELETE} an expected revision.
 * </ul>
 *
 * <p>And rules it relies on that it cannot enforce: every key starts absent (use fresh keys or a
 * fresh bucket), an operation is invoked before the store is called and completed after the call
 * returned, and {@link #observeFinal} is called with versions read after the workload stopped.
 *
 * <p>Thread-safe: any thread may invoke and complete operations (an {@link Invocation} may be
 * completed by another thread than the one that invoked it). Arguments must not be {@code null}
 * unless documented as nullable.
 */
public final class History {

  private final Object lock = new Object();

  // All guarded by lock.
  private long clock;
  private final List<Recorded> recorded = new ArrayList<>();
  private final Map<String, Set<String>> writtenValues = new HashMap<>();
  private final Map<String, FinalObservation> finals = new HashMap<>();

  /** Creates an empty history, its clock at 0. */
  public History() {}

  /**
   * Records the invocation of an operation by a process (a thread of the workload). Call it before
   * calling the store, and complete the returned invocation after the call returned.
   *
   * @param process the process running the operation, at least 0
   * @param kind what the operation does
   * @param key the key it works on, not empty
   * @param value for {@link Op.Kind#WRITE}, {@link Op.Kind#CAS_WRITE} and {@link Op.Kind#CREATE}
   *     the value put, unique to the key; {@code null} for the other kinds
   * @param expectedRevision for {@link Op.Kind#CAS_WRITE} and {@link Op.Kind#CAS_DELETE} the
   *     revision the key must have, at least 0 (0 meaning absent); -1 for the other kinds
   * @return the invocation, to complete exactly once
   * @throws IllegalArgumentException if an argument breaks the rules above, or the value was
   *     already written to the key by an earlier operation
   */
  public Invocation invoke(
      int process, Op.Kind kind, String key, String value, long expectedRevision) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (process < 0) {
      throw new IllegalArgumentException("process must not be negative: " + process);
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    if (kind.putsValue() && value == null) {
      throw new IllegalArgumentException("a " + kind + " needs a value: value is null");
    }
    if (!kind.putsValue() && value != null) {
      throw new IllegalArgumentException(
          "a " + kind + " carries no value: value \"" + value + "\" must be null");
    }
    if (kind.expectsRevision() && expectedRevision < 0) {
      throw new IllegalArgumentException(
          "a "
              + kind
              + " needs an expected revision of at least 0 (0 meaning absent): "
              + expectedRevision);
    }
    if (!kind.expectsRevision() && expectedRevision != -1) {
      throw new IllegalArgumentException(
          "a "
              + kind
              + " expects no revision: expected revision "
              + expectedRevision
              + " must be -1");
    }
    synchronized (lock) {
      if (value != null && !writtenValues.computeIfAbsent(key, k -> new HashSet<>()).add(value)) {
        throw new IllegalArgumentException(
            "value \""
                + value
                + "\" was already written to key \""
                + key
                + "\": each write must put a value unique to its key");
      }
      Recorded r =
          new Recorded(recorded.size(), process, kind, key, value, expectedRevision, ++clock);
      recorded.add(r);
      return new Invocation(this, r);
    }
  }

  /**
   * Records what a key holds after the run: its kept versions oldest first, as read from the
   * store's history of the key (a {@code null} value is a delete). Call it once the workload has
   * stopped; the last version is taken as the key's final state.
   *
   * @param key the key, not empty
   * @param versions the kept versions, oldest first (strictly increasing revisions); empty when the
   *     store keeps nothing for the key
   * @throws IllegalArgumentException if the key is empty or the revisions do not increase
   * @throws IllegalStateException if the final versions of the key were already observed
   */
  public void observeFinal(String key, List<Version> versions) {
    Objects.requireNonNull(key, "key");
    List<Version> copy = List.copyOf(versions);
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    for (int i = 1; i < copy.size(); i++) {
      if (copy.get(i).revision() <= copy.get(i - 1).revision()) {
        throw new IllegalArgumentException(
            "versions of key \""
                + key
                + "\" must be oldest first: revision "
                + copy.get(i).revision()
                + " follows revision "
                + copy.get(i - 1).revision());
      }
    }
    synchronized (lock) {
      if (finals.containsKey(key)) {
        throw new IllegalStateException(
            "the final versions of key \"" + key + "\" were already observed");
      }
      finals.put(key, new FinalObservation(copy, ++clock));
    }
  }

  /**
   * Every recorded operation, in invocation order. An operation that was invoked but not (yet)
   * completed is reported {@link Op.Outcome#UNKNOWN}, with the reason {@code "never completed"}.
   *
   * @return an immutable snapshot
   */
  public List<Op> operations() {
    synchronized (lock) {
      List<Op> ops = new ArrayList<>(recorded.size());
      for (Recorded r : recorded) {
        ops.add(r.toOp());
      }
      return Collections.unmodifiableList(ops);
    }
  }

  /**
   * The final versions observed per key, sorted by key.
   *
   * @return an immutable snapshot
   */
  public Map<String, List<Version>> finalVersions() {
    synchronized (lock) {
      Map<String, List<Version>> m = new TreeMap<>();
      finals.forEach((k, f) -> m.put(k, f.versions()));
      return Collections.unmodifiableMap(m);
    }
  }

  /** A consistent snapshot for the checker. */
  Snapshot snapshot() {
    synchronized (lock) {
      List<Op> ops = new ArrayList<>(recorded.size());
      BitSet conflicts = new BitSet();
      for (Recorded r : recorded) {
        ops.add(r.toOp());
        if (r.outcome == Op.Outcome.FAIL && r.conflict) {
          conflicts.set(r.index);
        }
      }
      return new Snapshot(List.copyOf(ops), conflicts, Map.copyOf(finals));
    }
  }

  /** Completes an operation; called by {@link Invocation}. */
  void complete(
      Recorded r,
      Op.Outcome outcome,
      long revision,
      String valueRead,
      String reason,
      boolean conflict) {
    synchronized (lock) {
      if (r.outcome != null) {
        throw new IllegalStateException(
            r.name() + " was already completed: " + r.outcome + ", cannot complete it " + outcome);
      }
      r.outcome = outcome;
      r.revision = revision;
      r.valueRead = valueRead;
      r.reason = reason;
      r.conflict = conflict;
      r.completedAt = outcome == Op.Outcome.UNKNOWN ? Long.MAX_VALUE : ++clock;
    }
  }

  Op snapshotOf(Recorded r) {
    synchronized (lock) {
      return r.toOp();
    }
  }

  /** The final versions of one key and the clock tick at which they were observed. */
  record FinalObservation(List<Version> versions, long observedAt) {}

  /**
   * The operations in invocation order (an operation's index is its position), which FAILs were
   * conflicts, and the final observations by key.
   */
  record Snapshot(List<Op> ops, BitSet conflicts, Map<String, FinalObservation> finals) {}
}
