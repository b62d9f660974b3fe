package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operations of one key and what they, and the key's final versions, tell about it: which value
 * each revision holds and which revisions each value was seen at.
 *
 * <p>Values are numbered: id 0 stands for "absent" (a delete, or a read that found nothing), ids
 * from 1 for the key's distinct values, written or seen. Only successful operations with a revision
 * and the final versions count as observations of a revision.
 */
final class KeyOps {

  /** The id of "absent". */
  static final int ABSENT = 0;

  final String key;

  /** The key's operations, in invocation order; a local index is a position in this list. */
  final List<Op> ops;

  /** Local indexes of the FAILs that were conflicts. */
  final BitSet conflicts;

  /** The final observation, or null when the key's final versions were not observed. */
  final History.FinalObservation fin;

  /** Value by id; index 0 is null (absent). */
  final List<String> values = new ArrayList<>();

  private final Map<String, Integer> ids = new HashMap<>();

  /** Revision to the ids seen at it, from successful operations and the final versions. */
  final Map<Long, TreeSet<Integer>> valuesAt = new HashMap<>();

  /** Value id to the revisions it was seen at (never for {@link #ABSENT}). */
  final Map<Integer, TreeSet<Long>> revisionsOf = new HashMap<>();

  /** Value id to the local index of the operation that put it (values are unique per key). */
  final Map<Integer, Integer> writerOf = new HashMap<>();

  /** Value id to the local indexes of the successful reads that read it (id 0 too). */
  final Map<Integer, List<Integer>> readersOf = new HashMap<>();

  /**
   * Value id to the earliest completion of an observation: a successful read, or the final
   * versions.
   */
  final Map<Integer, Long> firstSeenAt = new HashMap<>();

  /** Revision to the value id in the final versions. */
  final Map<Long, Integer> finalAt = new TreeMap<>();

  KeyOps(String key, List<Op> ops, BitSet conflicts, History.FinalObservation fin) {
    this.key = key;
    this.ops = ops;
    this.conflicts = conflicts;
    this.fin = fin;
    values.add(null);
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.kind().putsValue()) {
        writerOf.put(id(op.value()), i);
      }
      if (op.outcome() != Op.Outcome.OK) {
        continue;
      }
      if (op.kind() == Op.Kind.READ) {
        int id = id(op.valueRead());
        readersOf.computeIfAbsent(id, k -> new ArrayList<>()).add(i);
        firstSeenAt.merge(id, op.completedAt(), Math::min);
        observe(op.revision(), id);
      } else {
        observe(op.revision(), op.kind().putsValue() ? id(op.value()) : ABSENT);
      }
    }
    if (fin != null) {
      for (Version v : fin.versions()) {
        int id = id(v.value());
        finalAt.put(v.revision(), id);
        firstSeenAt.merge(id, fin.observedAt(), Math::min);
        observe(v.revision(), id);
      }
    }
  }

  /** The id of a value, {@link #ABSENT} for null; numbers new values. */
  int id(String value) {
    if (value == null) {
      return ABSENT;
    }
    Integer id = ids.get(value);
    if (id == null) {
      id = values.size();
      ids.put(value, id);
      values.add(value);
    }
    return id;
  }

  /** The id of the value of the key's final state: the last final version, absent if none. */
  int finalStateId() {
    List<Version> v = fin.versions();
    return v.isEmpty() ? ABSENT : id(v.get(v.size() - 1).value());
  }

  private void observe(long revision, int id) {
    if (revision <= 0) {
      return;
    }
    valuesAt.computeIfAbsent(revision, r -> new TreeSet<>()).add(id);
    if (id != ABSENT) {
      revisionsOf.computeIfAbsent(id, k -> new TreeSet<>()).add(revision);
    }
  }

  /** Whether a value was seen: read by a successful read, or in the final versions. */
  boolean seen(int id) {
    return firstSeenAt.containsKey(id);
  }

  String value(int id) {
    return values.get(id);
  }
}
