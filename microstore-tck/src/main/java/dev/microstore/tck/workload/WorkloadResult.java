package dev.microstore.tck.workload;

import dev.microstore.testing.history.Anomaly;
import dev.microstore.testing.history.History;
import dev.microstore.testing.history.Op;
import dev.microstore.testing.history.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link Workload} run produced: the recorded history, the checker's report on it, and the
 * workload's own invariants checked on the final state. Immutable once returned (the history is
 * complete and no longer recorded into) and thread-safe.
 */
public final class WorkloadResult {
  private static final int SHOWN = 3;

  private final History history;
  private final Report report;
  private final List<InvariantCheck> invariants;
  private final Map<WorkloadPart, String> skipped;
  private final List<String> unobservedKeys;
  private final int historyDepth;
  private final int pendingAtStop;
  private final Duration elapsed;
  private final Map<WorkloadPart, Integer> operationsByPart = new EnumMap<>(WorkloadPart.class);

  WorkloadResult(
      History history,
      Report report,
      List<InvariantCheck> invariants,
      Map<WorkloadPart, String> skipped,
      List<String> unobservedKeys,
      int historyDepth,
      int pendingAtStop,
      Duration elapsed) {
    this.history = history;
    this.report = report;
    this.invariants = List.copyOf(invariants);
    this.skipped = Collections.unmodifiableMap(new EnumMap<>(skipped));
    this.unobservedKeys = List.copyOf(unobservedKeys);
    this.historyDepth = historyDepth;
    this.pendingAtStop = pendingAtStop;
    this.elapsed = elapsed;
    for (Op op : history.operations()) {
      for (WorkloadPart part : WorkloadPart.values()) {
        if (part.owns(op.key())) {
          operationsByPart.merge(part, 1, Integer::sum);
        }
      }
    }
  }

  /**
   * The recorded history: every operation with its process, invocation and completion, and each
   * key's final versions.
   *
   * @return the history
   */
  public History history() {
    return history;
  }

  /**
   * The checker's report on the history: linearizability per key and the anomalies it found.
   *
   * @return the report
   */
  public Report report() {
    return report;
  }

  /**
   * Every invariant the workload checked on the final state, holding or not.
   *
   * @return the invariants, unmodifiable
   */
  public List<InvariantCheck> invariants() {
    return invariants;
  }

  /**
   * The invariants that do not hold.
   *
   * @return the violated invariants, empty when all hold
   */
  public List<InvariantCheck> violations() {
    List<InvariantCheck> out = new ArrayList<>();
    for (InvariantCheck i : invariants) {
      if (!i.holds()) {
        out.add(i);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The parts that did not run, with the reason (atomic transfers on a store without batches).
   *
   * @return part to reason, unmodifiable
   */
  public Map<WorkloadPart, String> skippedParts() {
    return skipped;
  }

  /**
   * The keys whose kept revisions could not be read after the run, each with the failure; the
   * checker had no final versions for them.
   *
   * @return the keys with reasons, empty when every key was observed
   */
  public List<String> unobservedKeys() {
    return unobservedKeys;
  }

  /**
   * How many revisions per key the database kept, as the store reported after the run: the depth of
   * the final versions the checker had. With 1, the checker sees only each key's last revision.
   *
   * @return the history depth, or 0 when the store did not tell
   */
  public int historyDepth() {
    return historyDepth;
  }

  /**
   * How many operations were still pending when the grace period ended, recorded as unknown.
   *
   * @return the count
   */
  public int pendingAtStop() {
    return pendingAtStop;
  }

  /**
   * The operations recorded on the keys of one part.
   *
   * @param part the part
   * @return the count; 0 for a part that did not run
   */
  public int operations(WorkloadPart part) {
    return operationsByPart.getOrDefault(part, 0);
  }

  /**
   * How long the run took, from the first operation to the end of the grace period's wait; the
   * final reads and the check come after.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Whether the history passed the checker and every invariant holds.
   *
   * @return true when nothing wrong was found
   */
  public boolean valid() {
    return report.valid() && violations().isEmpty();
  }

  /**
   * One line for logs and documentation: the verdict, the operations and their outcomes, the
   * anomalies by kind, the invariants, undecided keys and skipped parts.
   *
   * @return the summary
   */
  public String summary() {
    Map<Anomaly.Kind, Integer> byKind = new TreeMap<>();
    for (Anomaly a : report.anomalies()) {
      byKind.merge(a.kind(), 1, Integer::sum);
    }
    List<InvariantCheck> violated = violations();
    StringBuilder s = new StringBuilder(valid() ? "valid" : "INVALID");
    s.append(": ")
        .append(report.operations())
        .append(" operations (")
        .append(report.ok())
        .append(" ok, ")
        .append(report.failed())
        .append(" failed, ")
        .append(report.unknown())
        .append(" unknown) on ")
        .append(report.keys())
        .append(" keys in ")
        .append(elapsed.toMillis())
        .append(" ms; anomalies: ")
        .append(byKind.isEmpty() ? "none" : byKind.toString())
        .append("; invariants: ");
    if (invariants.isEmpty()) {
      s.append("none");
    } else {
      s.append(invariants.size() - violated.size())
          .append(" of ")
          .append(invariants.size())
          .append(" hold");
    }
    if (!violated.isEmpty()) {
      s.append(", violated ").append(violated.subList(0, Math.min(SHOWN, violated.size())));
      if (violated.size() > SHOWN) {
        s.append(" and ").append(violated.size() - SHOWN).append(" more");
      }
    }
    if (historyDepth > 0) {
      s.append("; history depth ").append(historyDepth);
    }
    if (!report.undecidedKeys().isEmpty()) {
      s.append("; undecided keys: ").append(report.undecidedKeys().size());
    }
    if (pendingAtStop > 0) {
      s.append("; pending at stop: ").append(pendingAtStop);
    }
    if (!unobservedKeys.isEmpty()) {
      s.append("; keys without final versions: ").append(unobservedKeys.size());
    }
    if (!skipped.isEmpty()) {
      s.append("; skipped: ").append(skipped);
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
