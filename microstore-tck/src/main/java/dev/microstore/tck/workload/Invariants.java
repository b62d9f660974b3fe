package dev.microstore.tck.workload;

import dev.microstore.Record;
import dev.microstore.testing.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The workload's own invariants, checked on the final state: cheap checks that need no search and
 * name what went wrong in the workload's terms.
 */
final class Invariants {
  private static final int NAMED = 5;

  private final FinalState finalState;
  private final List<Op> operations;

  Invariants(FinalState finalState, List<Op> operations) {
    this.finalState = finalState;
    this.operations = operations;
  }

  /**
   * Each counter ends between the increments acknowledged and those plus the increments of unknown
   * outcome: every acknowledged increment moved it by one, every failed one not at all.
   */
  List<InvariantCheck> counters(int keys) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      names.add(CasRegisterWorker.key(i));
    }
    Map<String, Record> found;
    try {
      found = finalState.readAll(names);
    } catch (RuntimeException e) {
      return List.of(
          new InvariantCheck("counters", false, "the final read failed: " + PendingOp.describe(e)));
    }
    Map<String, long[]> increments = new LinkedHashMap<>(); // key -> {acknowledged, unknown}
    for (String key : names) {
      increments.put(key, new long[2]);
    }
    for (Op op : operations) {
      long[] counts = increments.get(op.key());
      if (counts != null && (op.kind() == Op.Kind.CAS_WRITE || op.kind() == Op.Kind.CREATE)) {
        counts[0] += op.outcome() == Op.Outcome.OK ? 1 : 0;
        counts[1] += op.outcome() == Op.Outcome.UNKNOWN ? 1 : 0;
      }
    }
    List<InvariantCheck> out = new ArrayList<>();
    for (String key : names) {
      long acknowledged = increments.get(key)[0];
      long unknown = increments.get(key)[1];
      Record r = found.get(key);
      OptionalLong value = r == null ? OptionalLong.of(0) : Tally.parse(r.valueAsString());
      String bounds =
          " within ["
              + acknowledged
              + ", "
              + (acknowledged + unknown)
              + "] ("
              + acknowledged
              + " acknowledged, "
              + unknown
              + " unknown increments)";
      if (value.isEmpty()) {
        out.add(new InvariantCheck("counter " + key, false, "not a count: " + r + bounds));
      } else {
        long v = value.getAsLong();
        boolean holds = v >= acknowledged && v <= acknowledged + unknown;
        out.add(new InvariantCheck("counter " + key, holds, "value " + v + bounds));
      }
    }
    return out;
  }

  /** The accounts' balances add up to what they started with: every batch applied whole or not. */
  InvariantCheck transferTotal(Accounts accounts) {
    String name = "transfer total";
    Map<String, Record> found;
    try {
      found = finalState.readAll(accounts.keys());
    } catch (RuntimeException e) {
      return new InvariantCheck(name, false, "the final read failed: " + PendingOp.describe(e));
    }
    long total = 0;
    Map<String, String> balances = new LinkedHashMap<>();
    for (String key : accounts.keys()) {
      Record r = found.get(key);
      OptionalLong balance = r == null ? OptionalLong.empty() : Tally.parse(r.valueAsString());
      if (balance.isEmpty()) {
        return new InvariantCheck(
            name, false, "account " + key + " has no balance: " + (r == null ? "absent" : r));
      }
      total += balance.getAsLong();
      balances.put(key, String.valueOf(balance.getAsLong()));
    }
    return new InvariantCheck(
        name,
        total == accounts.expectedTotal(),
        "total " + total + ", expected " + accounts.expectedTotal() + " " + balances);
  }

  /** Every acknowledged create is still there, with the value it was created with. */
  InvariantCheck acknowledgedCreatesPresent() {
    String name = "acknowledged creates present";
    Map<String, String> created = new LinkedHashMap<>();
    for (Op op : operations) {
      String value = op.value();
      if (op.kind() == Op.Kind.CREATE
          && op.outcome() == Op.Outcome.OK
          && value != null
          && WorkloadPart.CREATES.owns(op.key())) {
        created.put(op.key(), value);
      }
    }
    Map<String, Record> found;
    try {
      found = finalState.readAll(created.keySet());
    } catch (RuntimeException e) {
      return new InvariantCheck(name, false, "the final read failed: " + PendingOp.describe(e));
    }
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> e : created.entrySet()) {
      Record r = found.get(e.getKey());
      if (r == null || !r.valueAsString().equals(e.getValue())) {
        wrong.add(e.getKey() + (r == null ? " absent" : " holds \"" + r.valueAsString() + "\""));
      }
    }
    String detail =
        wrong.isEmpty()
            ? created.size() + " of " + created.size() + " present"
            : wrong.size()
                + " of "
                + created.size()
                + " missing or changed: "
                + wrong.subList(0, Math.min(NAMED, wrong.size()))
                + (wrong.size() > NAMED ? " ..." : "");
    return new InvariantCheck(name, wrong.isEmpty(), detail);
  }
}
