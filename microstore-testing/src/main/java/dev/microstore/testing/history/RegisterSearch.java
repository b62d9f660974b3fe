package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The linearizability search of one key: Wing and Gong's search with Lowe's improvements (WGL), as
 * in Knossos and Porcupine, for a register with compare-and-set and delete.
 *
 * <p>The key's operations become call and return entries in one list, in clock order. The search
 * walks the calls that precede the first return (the operations that may take effect next), takes
 * one into the order when the model allows it, and backtracks when it reaches the return of an
 * operation it has not yet ordered. Each configuration reached (the set of ordered operations and
 * the model's state) is remembered, so that none is explored twice.
 *
 * <p><b>The model.</b> A state is the key's current version: never written, deleted (at a known
 * revision, or at one nobody reported), a value, or "unseen" (a value no read and no final version
 * shows). Values are unique per key, so a value state is also a revision: the revisions the value
 * was observed at ({@link KeyOps#revisionsOf}). A condition on a state is true, false, or maybe:
 *
 * <ul>
 *   <li>{@code CREATE}: true when the key is absent (never written or deleted), else false.
 *   <li>Expected revision 0 (absent): true when never written, maybe when deleted, else false.
 *   <li>Expected revision {@code R}: true when the state is a value observed at {@code R} and only
 *       at {@code R}, and {@code R} only ever showed that value; false when the state was observed
 *       at other revisions only, or {@code R} showed other states only; maybe when the state's
 *       revision is not known and {@code R} was never observed (or was observed as a delete and the
 *       state is a delete nobody reported the revision of).
 *   <li>A delete at exactly the expected revision is a maybe too: our stores say a deleted key has
 *       no revision, a raw NATS bucket lets a compare-and-set on a delete marker's revision
 *       succeed; either outcome is accepted.
 * </ul>
 *
 * A successful conditional operation needs true or maybe; a conflict (a failure of the condition)
 * needs false or maybe. "Maybe" never rejects a correct history: whatever the real revision was,
 * the real outcome is allowed.
 *
 * <p><b>Unknown outcomes.</b> An unknown write whose value was seen (by a read or in the final
 * versions) did take effect: it is ordered like a successful one, before the first completion of an
 * observation of its value. Every other unknown write (its value never seen) joins the "hidden
 * write" pool, every unknown delete the "hidden delete" pool: just before any operation the key may
 * switch to "unseen", or to deleted, once a member of the pool was invoked before every operation
 * still to be ordered completed. The pools do not count their members and ignore their conditions:
 * a sound over-approximation that keeps the search small with thousands of unknown operations.
 * Unknown reads, failed reads and failed unconditional operations say nothing and are left out.
 */
final class RegisterSearch {

  /** What the search concluded. */
  enum Result {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    UNDECIDED
  }

  /** At most this many configurations are remembered per key; then the key is undecided. */
  static final int MAX_CONFIGURATIONS = 3_000_000;

  /** At most this many operations are attached to a failed search's anomaly. */
  private static final int MAX_SHOWN = 10;

  private static final int INITIAL = 0;
  private static final int DELETED = 1;
  private static final int UNSEEN = 2;

  private static final int NO = 0;
  private static final int YES = 1;
  private static final int MAYBE = 2;

  private static final byte READ = 0;
  private static final byte PUT = 1;
  private static final byte DELETE = 2;
  private static final byte CONFLICT = 3;

  private static final byte UNCONDITIONAL = 0;
  private static final byte IF_ABSENT = 1;
  private static final byte IF_REVISION = 2;

  private final KeyOps k;

  // The operations taking part in the search, by search index.
  private final int n;
  private final long[] call;
  private final long[] ret;
  private final boolean[] synthetic;
  private final byte[] type;
  private final byte[] condition;
  private final long[] expected;
  private final int[] readId;
  private final int[] resultState;
  private final int[] local; // index into k.ops, -1 for the final versions

  private final long writePoolFrom;
  private final long deletePoolFrom;

  // States, by number: identity (a value id, KeyOps.ABSENT, or -1 for unseen) and the revisions
  // the state was observed at. Built as lists, then frozen into arrays for the search.
  private final List<Integer> stateIdentities = new ArrayList<>();
  private final List<long[]> stateRevisions = new ArrayList<>();
  private final Map<Long, Integer> deletedAt = new HashMap<>();
  private final int[] identity;
  private final long[][] revisions;

  private Anomaly anomaly;

  RegisterSearch(KeyOps k, BitSet failedButApplied) {
    this.k = k;
    stateIdentities.add(KeyOps.ABSENT); // INITIAL
    stateRevisions.add(new long[0]);
    stateIdentities.add(KeyOps.ABSENT); // DELETED
    stateRevisions.add(new long[0]);
    stateIdentities.add(-1); // UNSEEN
    stateRevisions.add(new long[0]);
    for (int id = 1; id < k.values.size(); id++) {
      stateIdentities.add(id);
      TreeSet<Long> seen = k.revisionsOf.get(id);
      stateRevisions.add(
          seen == null ? new long[0] : seen.stream().mapToLong(Long::longValue).toArray());
    }

    int size = k.ops.size() + 1;
    long[] call = new long[size];
    long[] ret = new long[size];
    boolean[] synthetic = new boolean[size];
    byte[] type = new byte[size];
    byte[] condition = new byte[size];
    long[] expected = new long[size];
    int[] readId = new int[size];
    int[] resultState = new int[size];
    int[] local = new int[size];
    long writePool = Long.MAX_VALUE;
    long deletePool = Long.MAX_VALUE;
    int m = 0;
    for (int i = 0; i < k.ops.size(); i++) {
      Op op = k.ops.get(i);
      Op.Outcome outcome = failedButApplied.get(i) ? Op.Outcome.UNKNOWN : op.outcome();
      byte t;
      long until = op.completedAt();
      boolean synth = false;
      if (op.kind() == Op.Kind.READ) {
        if (outcome != Op.Outcome.OK) {
          continue;
        }
        t = READ;
        readId[m] = k.id(op.valueRead());
      } else if (outcome == Op.Outcome.FAIL) {
        if (!k.conflicts.get(i) || !op.kind().conditional()) {
          continue;
        }
        t = CONFLICT;
      } else if (op.kind().putsValue()) {
        int id = k.id(op.value());
        if (outcome == Op.Outcome.UNKNOWN) {
          if (!k.seen(id)) {
            writePool = Math.min(writePool, op.invokedAt());
            continue;
          }
          until = k.firstSeenAt.get(id);
          synth = true;
        }
        t = PUT;
        resultState[m] = valueState(id);
      } else {
        if (outcome == Op.Outcome.UNKNOWN) {
          deletePool = Math.min(deletePool, op.invokedAt());
          continue;
        }
        t = DELETE;
        resultState[m] = op.revision() > 0 ? deletedState(op.revision()) : DELETED;
      }
      type[m] = t;
      condition[m] =
          op.kind() == Op.Kind.CREATE
              ? IF_ABSENT
              : op.kind().expectsRevision() ? IF_REVISION : UNCONDITIONAL;
      expected[m] = op.expectedRevision();
      call[m] = op.invokedAt();
      ret[m] = until;
      synthetic[m] = synth;
      local[m] = i;
      m++;
    }
    if (k.fin != null) {
      type[m] = READ;
      readId[m] = k.finalStateId();
      call[m] = k.fin.observedAt();
      ret[m] = k.fin.observedAt();
      local[m] = -1;
      m++;
    }
    this.n = m;
    this.call = call;
    this.ret = ret;
    this.synthetic = synthetic;
    this.type = type;
    this.condition = condition;
    this.expected = expected;
    this.readId = readId;
    this.resultState = resultState;
    this.local = local;
    this.writePoolFrom = writePool;
    this.deletePoolFrom = deletePool;
    this.identity = stateIdentities.stream().mapToInt(Integer::intValue).toArray();
    this.revisions = stateRevisions.toArray(new long[0][]);
  }

  /**
   * Reads the search could never explain, reported with a precise description instead of a failed
   * search: a value read (or held at the end) that no operation of the key put, or seen before the
   * operation putting it was invoked. Null when there are none.
   */
  static Anomaly precheck(KeyOps k) {
    List<Op> shown = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    TreeSet<Integer> ids = new TreeSet<>(k.firstSeenAt.keySet());
    ids.remove(KeyOps.ABSENT);
    for (int id : ids) {
      Integer writer = k.writerOf.get(id);
      List<Integer> readers = k.readersOf.getOrDefault(id, List.of());
      boolean finalState = k.fin != null && k.finalStateId() == id;
      if (writer == null) {
        if (readers.isEmpty() && !finalState) {
          continue; // an older final version only: a key that did not start absent
        }
        problems.add(
            "value "
                + OpText.quote(k.value(id))
                + " was "
                + (readers.isEmpty() ? "" : "read" + (finalState ? " and " : ""))
                + (finalState ? "held at the end" : "")
                + " but no operation put it");
        for (int r : readers) {
          addLimited(shown, k.ops.get(r));
        }
        continue;
      }
      Op put = k.ops.get(writer);
      long firstSeen = k.firstSeenAt.get(id);
      if (firstSeen < put.invokedAt()) {
        problems.add(
            "value "
                + OpText.quote(k.value(id))
                + " was seen at tick "
                + firstSeen
                + ", before the operation putting it was invoked at tick "
                + put.invokedAt());
        addLimited(shown, put);
        for (int r : readers) {
          if (k.ops.get(r).completedAt() < put.invokedAt()) {
            addLimited(shown, k.ops.get(r));
          }
        }
      }
    }
    if (problems.isEmpty()) {
      return null;
    }
    return new Anomaly(
        Anomaly.Kind.NOT_LINEARIZABLE,
        k.key,
        "key \""
            + k.key
            + "\": "
            + String.join("; ", problems.subList(0, Math.min(problems.size(), 10)))
            + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : "")
            + (shown.isEmpty() ? "" : ": " + OpText.describe(shown)),
        shown);
  }

  private static void addLimited(List<Op> shown, Op op) {
    if (shown.size() < Invariants.MAX_OPS) {
      shown.add(op);
    }
  }

  /** The anomaly, after {@link #run} returned {@link Result#NOT_LINEARIZABLE}. */
  Anomaly anomaly() {
    return anomaly;
  }

  /** Searches until an order is found, none can be, or the deadline ({@link System#nanoTime}). */
  Result run(long deadlineNanos) {
    // The entry list: node 0 is the head; node 1 + 2i is the call of op i, 2 + 2i its return.
    Integer[] order = new Integer[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      order[i] = 1 + i;
    }
    Arrays.sort(order, (a, b) -> compareNodes(a, b));
    int[] next = new int[2 * n + 1];
    int[] prev = new int[2 * n + 1];
    int last = 0;
    for (int node : order) {
      next[last] = node;
      prev[node] = last;
      last = node;
    }
    next[last] = -1;

    BitSet ordered = new BitSet(n);
    int base = 0; // no operation below base is unordered
    Set<Configuration> seen = new HashSet<>();
    int[] stackNode = new int[n];
    int[] stackState = new int[n];
    int[] stackChoice = new int[n];
    int depth = 0;
    int state = INITIAL;
    int entry = next[0];
    int firstChoice = 0;
    Failure deepest = new Failure();
    long steps = 0;

    while (next[0] != -1) {
      if ((++steps & 0x3FF) == 0
          && (System.nanoTime() - deadlineNanos > 0 || seen.size() > MAX_CONFIGURATIONS)) {
        return Result.UNDECIDED;
      }
      if (entry != -1 && isCall(entry)) {
        int op = opOf(entry);
        int[] choices = successors(op, state, firstUnorderedReturn(entry, next));
        boolean taken = false;
        for (int c = firstChoice; c < choices.length; c++) {
          ordered.set(op);
          if (seen.add(new Configuration(ordered, ordered.nextClearBit(base), choices[c]))) {
            stackNode[depth] = entry;
            stackState[depth] = state;
            stackChoice[depth] = c;
            depth++;
            state = choices[c];
            base = ordered.nextClearBit(base);
            lift(entry, next, prev);
            entry = next[0];
            taken = true;
            break;
          }
          ordered.clear(op);
        }
        firstChoice = 0;
        if (!taken) {
          entry = next[entry];
        }
      } else {
        if (depth > deepest.depth) {
          deepest.remember(entry, next, depth, state, depth == 0 ? -1 : opOf(stackNode[depth - 1]));
        }
        if (depth == 0) {
          anomaly = describeFailure(deepest);
          return Result.NOT_LINEARIZABLE;
        }
        depth--;
        int back = stackNode[depth];
        state = stackState[depth];
        int op = opOf(back);
        ordered.clear(op);
        base = Math.min(base, op);
        unlift(back, next, prev);
        entry = back;
        firstChoice = stackChoice[depth] + 1;
      }
    }
    anomaly = null;
    return Result.LINEARIZABLE;
  }

  // ---------------------------------------------------------------- the model

  /** The states op may leave the key in, from state (or from a hidden write or delete first). */
  private int[] successors(int op, int state, long unorderedDeadline) {
    int direct = step(op, state);
    int viaWrite = writePoolFrom < unorderedDeadline && state != UNSEEN ? step(op, UNSEEN) : -1;
    int viaDelete = deletePoolFrom < unorderedDeadline && state != DELETED ? step(op, DELETED) : -1;
    int[] out = new int[3];
    int count = 0;
    for (int s : new int[] {direct, viaWrite, viaDelete}) {
      if (s >= 0 && (count == 0 || out[0] != s) && (count < 2 || out[1] != s)) {
        out[count++] = s;
      }
    }
    return count == out.length ? out : Arrays.copyOf(out, count);
  }

  /** The state op leaves the key in, from state; -1 when the model does not allow it there. */
  private int step(int op, int state) {
    switch (type[op]) {
      case READ:
        return identity[state] == readId[op] ? state : -1;
      case PUT:
      case DELETE:
        return holds(op, state) != NO ? resultState[op] : -1;
      default: // CONFLICT
        return holds(op, state) != YES ? state : -1;
    }
  }

  /** Whether op's condition holds in state: YES, NO or MAYBE. */
  private int holds(int op, int state) {
    switch (condition[op]) {
      case IF_ABSENT:
        return identity[state] == KeyOps.ABSENT ? YES : NO;
      case IF_REVISION:
        return revisionIs(state, expected[op]);
      default:
        return YES;
    }
  }

  private int revisionIs(int state, long revision) {
    if (state == INITIAL) {
      return revision == 0 ? YES : NO;
    }
    int id = identity[state];
    if (revision == 0) {
      return id == KeyOps.ABSENT ? MAYBE : NO;
    }
    TreeSet<Integer> shown = k.valuesAt.get(revision);
    long[] known = revisions[state];
    if (Arrays.binarySearch(known, revision) >= 0) {
      // A delete's own revision: whether a deleted key "has" it is the store's choice.
      return known.length == 1 && shown.size() == 1 && id != KeyOps.ABSENT ? YES : MAYBE;
    }
    if (known.length > 0) {
      return NO;
    }
    if (shown == null) {
      return MAYBE;
    }
    return id == KeyOps.ABSENT && shown.contains(KeyOps.ABSENT) ? MAYBE : NO;
  }

  private int valueState(int id) {
    return UNSEEN + id;
  }

  private int deletedState(long revision) {
    return deletedAt.computeIfAbsent(
        revision,
        r -> {
          stateIdentities.add(KeyOps.ABSENT);
          stateRevisions.add(new long[] {r});
          return stateIdentities.size() - 1;
        });
  }

  // ---------------------------------------------------------------- the entry list

  private static boolean isCall(int node) {
    return (node & 1) == 1;
  }

  private static int opOf(int node) {
    return (node - 1) >> 1;
  }

  private long timeOf(int node) {
    return isCall(node) ? call[opOf(node)] : ret[opOf(node)];
  }

  /** Clock order; at one tick calls first, then returns bound to an observation, then the rest. */
  private int compareNodes(int a, int b) {
    int c = Long.compare(timeOf(a), timeOf(b));
    if (c != 0) {
      return c;
    }
    return Integer.compare(rank(a), rank(b));
  }

  private int rank(int node) {
    if (isCall(node)) {
      return 0;
    }
    return synthetic[opOf(node)] ? 1 : 2;
  }

  /** The earliest completion among the unordered operations: the first return in the list. */
  private long firstUnorderedReturn(int from, int[] next) {
    int node = from;
    while (node != -1 && isCall(node)) {
      node = next[node];
    }
    return node == -1 ? Long.MAX_VALUE : ret[opOf(node)];
  }

  private static void lift(int callNode, int[] next, int[] prev) {
    remove(callNode, next, prev);
    remove(callNode + 1, next, prev);
  }

  private static void unlift(int callNode, int[] next, int[] prev) {
    restore(callNode + 1, next, prev);
    restore(callNode, next, prev);
  }

  private static void remove(int node, int[] next, int[] prev) {
    next[prev[node]] = next[node];
    if (next[node] != -1) {
      prev[next[node]] = prev[node];
    }
  }

  private static void restore(int node, int[] next, int[] prev) {
    next[prev[node]] = node;
    if (next[node] != -1) {
      prev[next[node]] = node;
    }
  }

  // ---------------------------------------------------------------- reporting

  /** Where the search got deepest before it had to backtrack: what a failure is reported with. */
  private static final class Failure {
    int depth = -1;
    int blocked = -1; // the operation whose return was reached unordered; -1 if none
    int state;
    int lastOrdered = -1;
    int[] candidates = new int[0];

    void remember(int entry, int[] next, int depth, int state, int lastOrdered) {
      this.depth = depth;
      this.blocked = entry == -1 ? -1 : opOf(entry);
      this.state = state;
      this.lastOrdered = lastOrdered;
      int[] c = new int[MAX_SHOWN];
      int count = 0;
      for (int node = next[0]; node != -1 && node != entry && count < c.length; node = next[node]) {
        if (isCall(node)) {
          c[count++] = opOf(node);
        }
      }
      this.candidates = Arrays.copyOf(c, count);
    }
  }

  private Anomaly describeFailure(Failure f) {
    List<Op> shown = new ArrayList<>();
    String stuck;
    if (f.blocked == -1) {
      stuck = "the remaining operations cannot be ordered";
    } else {
      int op = f.blocked;
      stuck =
          (local[op] < 0
                  ? "the final versions (the key holding " + OpText.quote(k.value(readId[op])) + ")"
                  : OpText.describe(k.ops.get(local[op])))
              + " cannot take effect before "
              + (synthetic[op] ? "its value was first seen" : "it completed");
      addOp(shown, op);
      if (type[op] == READ) {
        addWriter(shown, readId[op]); // who put the value it read
      }
    }
    addWriter(shown, identity[f.state]); // who put the value the key holds
    if (f.lastOrdered >= 0) {
      addOp(shown, f.lastOrdered);
    }
    for (int op : f.candidates) {
      if (shown.size() < MAX_SHOWN) {
        addOp(shown, op);
      }
    }
    String description =
        "key \""
            + k.key
            + "\": no order of its operations respects both real time and the register ("
            + n
            + " operations searched, of "
            + k.ops.size()
            + " recorded"
            + (k.fin == null ? "" : ", the final versions counting as a last read")
            + "): at most "
            + f.depth
            + " can be ordered, after which the key holds "
            + describeState(f.state)
            + ", and "
            + stuck
            + "; operations: "
            + OpText.describe(shown);
    return new Anomaly(Anomaly.Kind.NOT_LINEARIZABLE, k.key, description, shown);
  }

  private void addWriter(List<Op> shown, int valueId) {
    Integer writer = valueId > 0 ? k.writerOf.get(valueId) : null;
    if (writer != null && !shown.contains(k.ops.get(writer))) {
      shown.add(k.ops.get(writer));
    }
  }

  private void addOp(List<Op> shown, int op) {
    if (local[op] >= 0) {
      Op o = k.ops.get(local[op]);
      if (!shown.contains(o)) {
        shown.add(o);
      }
    }
  }

  private String describeState(int state) {
    if (state == INITIAL) {
      return "nothing (never written)";
    }
    if (state == DELETED) {
      return "nothing (deleted)";
    }
    if (state == UNSEEN) {
      return "a value nobody saw (from a write with an unknown outcome)";
    }
    int id = identity[state];
    long[] known = revisions[state];
    String at = known.length == 0 ? "" : " at revision " + known[0];
    return id == KeyOps.ABSENT ? "nothing (deleted" + at + ")" : OpText.quote(k.value(id)) + at;
  }

  /** A configuration: the set of ordered operations and the state. */
  private static final class Configuration {
    private final int state;
    private final int base;
    private final long[] above;
    private final int hash;

    Configuration(BitSet ordered, int base, int state) {
      this.state = state;
      this.base = base;
      this.above = ordered.get(base, Math.max(base, ordered.length())).toLongArray();
      this.hash = 31 * (31 * state + base) + Arrays.hashCode(above);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Configuration)) {
        return false;
      }
      Configuration c = (Configuration) o;
      return hash == c.hash && state == c.state && base == c.base && Arrays.equals(above, c.above);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
