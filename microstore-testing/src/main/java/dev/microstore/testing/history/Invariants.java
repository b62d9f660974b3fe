package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cheap checks of one key, made before the linearizability search: failed operations that took
 * effect, values stored twice, acknowledged writes lost, revisions reported with different values.
 *
 * <p>Also tells the search which failed operations took effect ({@link #failedButApplied}): having
 * reported them, the search treats them as unknown, so that it still checks the rest of the key.
 */
final class Invariants {

  /** At most this many operations are attached to one anomaly. */
  static final int MAX_OPS = 20;

  private final KeyOps k;
  private final List<Anomaly> anomalies = new ArrayList<>();
  private final BitSet failedButApplied = new BitSet();

  private Invariants(KeyOps k) {
    this.k = k;
  }

  /** Checks a key; the anomalies found and the failed operations that took effect. */
  static Invariants check(KeyOps k) {
    Invariants inv = new Invariants(k);
    inv.failedPutsApplied();
    inv.failedDeletesApplied();
    inv.storedTwice();
    inv.acknowledgedWritesLost();
    inv.revisionMismatches();
    return inv;
  }

  List<Anomaly> anomalies() {
    return anomalies;
  }

  /** Local indexes of the failed operations that took effect. */
  BitSet failedButApplied() {
    return failedButApplied;
  }

  private void failedPutsApplied() {
    for (int i = 0; i < k.ops.size(); i++) {
      Op op = k.ops.get(i);
      if (op.outcome() != Op.Outcome.FAIL || !op.kind().putsValue()) {
        continue;
      }
      int id = k.id(op.value());
      if (!k.seen(id)) {
        continue;
      }
      failedButApplied.set(i);
      List<Op> shown = new ArrayList<>();
      shown.add(op);
      List<Integer> readers = k.readersOf.getOrDefault(id, List.of());
      for (int r : readers) {
        add(shown, k.ops.get(r));
      }
      List<Long> inFinal = finalRevisionsOf(id);
      StringBuilder d = new StringBuilder();
      d.append("value ")
          .append(OpText.quote(op.value()))
          .append(" of key \"")
          .append(k.key)
          .append("\" was put by a ")
          .append(op.kind())
          .append(" that failed (")
          .append(op.reason())
          .append("), yet it took effect:");
      if (!readers.isEmpty()) {
        d.append(" read by ")
            .append(readers.size())
            .append(readers.size() == 1 ? " read" : " reads");
      }
      if (!inFinal.isEmpty()) {
        d.append(readers.isEmpty() ? "" : ",")
            .append(" stored at revision")
            .append(inFinal.size() == 1 ? " " : "s ")
            .append(join(inFinal))
            .append(" of the final versions");
      }
      d.append(": ").append(OpText.describe(op));
      report(Anomaly.Kind.FAILED_BUT_APPLIED, d.toString(), shown);
    }
  }

  /**
   * A failed delete that took effect, when no other delete of the key can explain that the key was
   * deleted: a delete in the final versions, or a read finding the key absent after a value was
   * seen.
   */
  private void failedDeletesApplied() {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < k.ops.size(); i++) {
      Op op = k.ops.get(i);
      if (op.kind().deletes()) {
        if (op.outcome() != Op.Outcome.FAIL) {
          return; // another delete may explain every absence
        }
        failed.add(i);
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    Long marker = null;
    for (Map.Entry<Long, Integer> e : k.finalAt.entrySet()) {
      if (e.getValue() == KeyOps.ABSENT) {
        marker = e.getKey();
        break;
      }
    }
    if (marker != null) {
      List<Op> shown = new ArrayList<>();
      for (int i : failed) {
        failedButApplied.set(i);
        add(shown, k.ops.get(i));
      }
      report(
          Anomaly.Kind.FAILED_BUT_APPLIED,
          "key \""
              + k.key
              + "\" is deleted at revision "
              + marker
              + " of the final versions, yet its only "
              + (failed.size() == 1 ? "delete" : failed.size() + " deletes")
              + " failed: "
              + OpText.describe(shown),
          shown);
      return;
    }
    // A read of absent that began after a value was known to be present.
    long firstPresent = Long.MAX_VALUE;
    for (Op op : k.ops) {
      boolean present =
          op.outcome() == Op.Outcome.OK
              && (op.kind().putsValue() || (op.kind() == Op.Kind.READ && op.valueRead() != null));
      if (present) {
        firstPresent = Math.min(firstPresent, op.completedAt());
      }
    }
    for (int r : k.readersOf.getOrDefault(KeyOps.ABSENT, List.of())) {
      Op read = k.ops.get(r);
      if (read.invokedAt() < firstPresent) {
        continue;
      }
      List<Op> shown = new ArrayList<>();
      for (int i : failed) {
        Op del = k.ops.get(i);
        if (del.invokedAt() < read.completedAt()) {
          failedButApplied.set(i);
          add(shown, del);
        }
      }
      if (shown.isEmpty()) {
        return; // no failed delete could explain it; the search reports it
      }
      shown.add(0, read);
      report(
          Anomaly.Kind.FAILED_BUT_APPLIED,
          "key \""
              + k.key
              + "\" was read absent after a value was seen (at tick "
              + firstPresent
              + "), yet every delete of it failed: "
              + OpText.describe(shown),
          shown);
      return;
    }
  }

  private void storedTwice() {
    for (Map.Entry<Integer, TreeSet<Long>> e : k.revisionsOf.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      int id = e.getKey();
      List<Op> shown = new ArrayList<>();
      Integer writer = k.writerOf.get(id);
      if (writer != null) {
        shown.add(k.ops.get(writer));
      }
      for (int r : k.readersOf.getOrDefault(id, List.of())) {
        if (k.ops.get(r).revision() > 0) {
          add(shown, k.ops.get(r));
        }
      }
      List<Long> inFinal = finalRevisionsOf(id);
      report(
          Anomaly.Kind.STORED_TWICE,
          "value "
              + OpText.quote(k.value(id))
              + " of key \""
              + k.key
              + "\", written "
              + (writer == null ? "by no operation" : "once"),
          shown,
          " is stored at "
              + e.getValue().size()
              + " revisions: "
              + join(new ArrayList<>(e.getValue()))
              + (inFinal.isEmpty() ? "" : " (final versions: " + join(inFinal) + ")"));
    }
  }

  private void acknowledgedWritesLost() {
    if (k.fin == null || k.fin.versions().isEmpty()) {
      return;
    }
    List<Version> versions = k.fin.versions();
    long oldest = versions.get(0).revision();
    long newest = versions.get(versions.size() - 1).revision();
    for (Op op : k.ops) {
      if (op.outcome() != Op.Outcome.OK || !op.kind().putsValue() || op.revision() <= 0) {
        continue;
      }
      Integer held = k.finalAt.get(op.revision());
      String what;
      if (held != null && held != k.id(op.value())) {
        what = "holds " + OpText.quote(k.value(held)) + " instead";
      } else if (held == null && oldest <= op.revision()) {
        what = "is missing from the final versions, which keep revisions " + oldest + ".." + newest;
      } else {
        continue;
      }
      report(
          Anomaly.Kind.ACKNOWLEDGED_WRITE_LOST,
          "the acknowledged write of "
              + OpText.quote(op.value())
              + " to key \""
              + k.key
              + "\" at revision "
              + op.revision()
              + " is lost: revision "
              + op.revision()
              + " "
              + what
              + ": "
              + OpText.describe(op),
          List.of(op));
    }
  }

  private void revisionMismatches() {
    Map<Long, List<Op>> opsAt = new TreeMap<>();
    for (Op op : k.ops) {
      if (op.outcome() == Op.Outcome.OK && op.revision() > 0) {
        opsAt.computeIfAbsent(op.revision(), r -> new ArrayList<>()).add(op);
      }
    }
    for (Map.Entry<Long, List<Op>> e : opsAt.entrySet()) {
      TreeSet<Integer> ids = new TreeSet<>();
      List<Op> againstFinal = new ArrayList<>();
      Integer fin = k.finalAt.get(e.getKey());
      for (Op op : e.getValue()) {
        int id = idOf(op);
        ids.add(id);
        // A put whose revision holds another value is a lost write, reported as such.
        if (fin != null && fin != id && !op.kind().putsValue()) {
          againstFinal.add(op);
        }
      }
      if (ids.size() < 2 && againstFinal.isEmpty()) {
        continue;
      }
      List<Op> shown = new ArrayList<>();
      for (Op op : e.getValue()) {
        add(shown, op);
      }
      StringBuilder d = new StringBuilder();
      d.append("revision ")
          .append(e.getKey())
          .append(" of key \"")
          .append(k.key)
          .append("\" is reported with different values:");
      for (Op op : e.getValue()) {
        d.append(' ').append(OpText.quote(k.value(idOf(op)))).append(" by ");
        d.append(OpText.describe(op)).append(';');
      }
      if (fin != null) {
        d.append(" the final versions hold ").append(OpText.quote(k.value(fin)));
      } else {
        d.setLength(d.length() - 1);
      }
      report(Anomaly.Kind.REVISION_MISMATCH, d.toString(), shown);
    }
  }

  private int idOf(Op op) {
    if (op.kind() == Op.Kind.READ) {
      return k.id(op.valueRead());
    }
    return op.kind().putsValue() ? k.id(op.value()) : KeyOps.ABSENT;
  }

  private List<Long> finalRevisionsOf(int id) {
    List<Long> revisions = new ArrayList<>();
    for (Map.Entry<Long, Integer> e : k.finalAt.entrySet()) {
      if (e.getValue() == id) {
        revisions.add(e.getKey());
      }
    }
    return revisions;
  }

  private void report(Anomaly.Kind kind, String description, List<Op> ops) {
    anomalies.add(new Anomaly(kind, k.key, description, ops));
  }

  private void report(Anomaly.Kind kind, String subject, List<Op> ops, String predicate) {
    String shown = ops.isEmpty() ? "" : ": " + OpText.describe(ops);
    report(kind, subject + predicate + shown, ops);
  }

  private static void add(List<Op> shown, Op op) {
    if (shown.size() < MAX_OPS) {
      shown.add(op);
    }
  }

  private static String join(List<Long> revisions) {
    StringBuilder s = new StringBuilder();
    for (long r : revisions) {
      s.append(s.length() == 0 ? "" : ", ").append(r);
    }
    return s.toString();
  }
}
