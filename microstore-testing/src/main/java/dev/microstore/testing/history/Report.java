package dev.microstore.testing.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What {@link Checker#check(History)} found: the anomalies, the keys it could not decide within its
 * budget, and counts of what was checked.
 *
 * <p>Immutable and thread-safe.
 */
public final class Report {

  private static final int KEYS_IN_SUMMARY = 5;

  private final int operations;
  private final int ok;
  private final int failed;
  private final int unknown;
  private final int keys;
  private final List<Anomaly> anomalies;
  private final List<String> undecidedKeys;
  private final Duration budgetPerKey;

  Report(
      int operations,
      int ok,
      int failed,
      int unknown,
      int keys,
      List<Anomaly> anomalies,
      List<String> undecidedKeys,
      Duration budgetPerKey) {
    this.operations = operations;
    this.ok = ok;
    this.failed = failed;
    this.unknown = unknown;
    this.keys = keys;
    this.anomalies = List.copyOf(anomalies);
    this.undecidedKeys = List.copyOf(undecidedKeys);
    this.budgetPerKey = budgetPerKey;
  }

  /**
   * Whether the history passed: no anomaly found, and every key decided. A key whose search
   * exceeded its budget makes the report not valid (see {@link #undecidedKeys()}).
   *
   * @return true when there is no anomaly and no undecided key
   */
  public boolean valid() {
    return anomalies.isEmpty() && undecidedKeys.isEmpty();
  }

  /**
   * The anomalies found, key by key (keys sorted), the cheap checks' before the search's.
   *
   * @return an immutable list, empty when none was found
   */
  public List<Anomaly> anomalies() {
    return anomalies;
  }

  /**
   * The anomalies of one kind.
   *
   * @param kind the kind
   * @return an immutable list, in the order of {@link #anomalies()}
   */
  public List<Anomaly> anomalies(Anomaly.Kind kind) {
    Objects.requireNonNull(kind, "kind");
    List<Anomaly> of = new ArrayList<>();
    for (Anomaly a : anomalies) {
      if (a.kind() == kind) {
        of.add(a);
      }
    }
    return List.copyOf(of);
  }

  /**
   * How many operations the history holds.
   *
   * @return the number of operations, of every outcome
   */
  public int operations() {
    return operations;
  }

  /**
   * How many operations succeeded.
   *
   * @return the number of {@link Op.Outcome#OK} operations
   */
  public int ok() {
    return ok;
  }

  /**
   * How many operations failed.
   *
   * @return the number of {@link Op.Outcome#FAIL} operations
   */
  public int failed() {
    return failed;
  }

  /**
   * How many operations have an unknown outcome, those never completed included.
   *
   * @return the number of {@link Op.Outcome#UNKNOWN} operations
   */
  public int unknown() {
    return unknown;
  }

  /**
   * How many keys were checked: every key with an operation or observed final versions.
   *
   * @return the number of keys
   */
  public int keys() {
    return keys;
  }

  /**
   * The keys whose linearizability search exceeded its budget, sorted. Their cheap checks were
   * made; whether their operations can be ordered is not known.
   *
   * @return an immutable list, empty when every key was decided
   */
  public List<String> undecidedKeys() {
    return undecidedKeys;
  }

  /**
   * One line: {@code "N operations (A ok, B failed, C unknown), K keys, M anomalies: ..."}, with
   * the anomalies counted by kind and the keys they concern, then the undecided keys if any.
   *
   * @return the summary
   */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(operations)
        .append(" operations (")
        .append(ok)
        .append(" ok, ")
        .append(failed)
        .append(" failed, ")
        .append(unknown)
        .append(" unknown), ")
        .append(keys)
        .append(keys == 1 ? " key, " : " keys, ")
        .append(anomalies.size())
        .append(anomalies.size() == 1 ? " anomaly" : " anomalies");
    Map<Anomaly.Kind, TreeSet<String>> keysByKind = new LinkedHashMap<>();
    Map<Anomaly.Kind, Integer> countByKind = new LinkedHashMap<>();
    for (Anomaly.Kind kind : Anomaly.Kind.values()) {
      for (Anomaly a : anomalies) {
        if (a.kind() == kind) {
          keysByKind.computeIfAbsent(kind, x -> new TreeSet<>()).add(a.key());
          countByKind.merge(kind, 1, Integer::sum);
        }
      }
    }
    String sep = ": ";
    for (Map.Entry<Anomaly.Kind, Integer> e : countByKind.entrySet()) {
      s.append(sep).append(e.getValue()).append(' ').append(e.getKey()).append(" (");
      s.append(keyList(new ArrayList<>(keysByKind.get(e.getKey())))).append(')');
      sep = ", ";
    }
    if (!undecidedKeys.isEmpty()) {
      s.append("; ")
          .append(undecidedKeys.size())
          .append(undecidedKeys.size() == 1 ? " key" : " keys")
          .append(" undecided within ")
          .append(budgetPerKey.toMillis())
          .append(" ms per key (")
          .append(keyList(undecidedKeys))
          .append(')');
    }
    return s.toString();
  }

  private static String keyList(List<String> keys) {
    StringBuilder s = new StringBuilder(keys.size() == 1 ? "key " : "keys ");
    for (int i = 0; i < keys.size() && i < KEYS_IN_SUMMARY; i++) {
      s.append(i == 0 ? "" : ", ").append('"').append(keys.get(i)).append('"');
    }
    if (keys.size() > KEYS_IN_SUMMARY) {
      s.append(", and ").append(keys.size() - KEYS_IN_SUMMARY).append(" more");
    }
    return s.toString();
  }

  /**
   * The {@link #summary()}.
   *
   * @return the summary
   */
  @Override
  public String toString() {
    return summary();
  }
}
