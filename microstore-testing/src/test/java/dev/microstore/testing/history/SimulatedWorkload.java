package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A linearizable in-memory register store driven by simulated concurrent processes, recording into
 * a {@link History}: each operation is invoked, takes effect atomically at a later step, and
 * completes at a still later step, while other processes do the same. Faults can be switched on to
 * make the store wrong in known ways.
 */
final class SimulatedWorkload {

  /** Ways to make the simulated store wrong. */
  enum Fault {
    NONE,
    /** A read sometimes returns the version before the current one. */
    STALE_READS,
    /** A compare-and-set sometimes reports a conflict although its condition held. */
    SPURIOUS_CONFLICTS
  }

  private static final int KEPT_VERSIONS = 64;

  private final Random random;
  private final History history = new History();
  private final int processes;
  private final List<String> keys = new ArrayList<>();
  private final double unknownRate;
  private final Fault fault;

  private long lastRevision;
  private final Map<String, List<Version>> versions = new HashMap<>();
  private final Map<String, Long> lastRead = new HashMap<>(); // "p/key" -> revision

  private int invoked;
  private int unknownWrites;

  SimulatedWorkload(long seed, int processes, int keys, double unknownRate, Fault fault) {
    this.random = new Random(seed);
    this.processes = processes;
    this.unknownRate = unknownRate;
    this.fault = fault;
    for (int i = 0; i < keys; i++) {
      this.keys.add("key-" + i);
      versions.put("key-" + i, new ArrayList<>());
    }
  }

  /** Runs until {@code operations} operations were invoked and all of them ended. */
  History run(int operations) {
    InFlight[] running = new InFlight[processes];
    int active = 0;
    while (invoked < operations || active > 0) {
      int p = random.nextInt(processes);
      InFlight op = running[p];
      if (op == null) {
        if (invoked < operations) {
          running[p] = invoke(p);
          active++;
        }
      } else if (!op.applied) {
        if (!(op.unknown && !op.takesEffect)) {
          apply(op);
        }
        op.applied = true;
      } else {
        complete(op);
        running[p] = null;
        active--;
      }
    }
    for (String key : keys) {
      List<Version> all = versions.get(key);
      history.observeFinal(
          key, List.copyOf(all.subList(Math.max(0, all.size() - KEPT_VERSIONS), all.size())));
    }
    return history;
  }

  int unknownWrites() {
    return unknownWrites;
  }

  private InFlight invoke(int p) {
    String key = keys.get(random.nextInt(keys.size()));
    String value = "p" + p + "-" + invoked;
    invoked++;
    long expected = lastRead.getOrDefault(p + "/" + key, 0L);
    int dice = random.nextInt(100);
    InFlight op;
    if (dice < 40) {
      op = new InFlight(p, Op.Kind.READ, key, null, -1);
    } else if (dice < 60) {
      op = new InFlight(p, Op.Kind.WRITE, key, value, -1);
    } else if (dice < 80) {
      op =
          expected > 0
              ? new InFlight(p, Op.Kind.CAS_WRITE, key, value, expected)
              : new InFlight(p, Op.Kind.CREATE, key, value, -1);
    } else if (dice < 87) {
      op = new InFlight(p, Op.Kind.CREATE, key, value, -1);
    } else if (dice < 94) {
      op = new InFlight(p, Op.Kind.DELETE, key, null, -1);
    } else {
      op =
          expected > 0
              ? new InFlight(p, Op.Kind.CAS_DELETE, key, null, expected)
              : new InFlight(p, Op.Kind.DELETE, key, null, -1);
    }
    op.invocation = history.invoke(p, op.kind, key, op.value, op.expected);
    if (op.kind != Op.Kind.READ && random.nextDouble() < unknownRate) {
      op.unknown = true;
      op.takesEffect = random.nextBoolean();
      if (op.kind.putsValue()) {
        unknownWrites++;
      }
    }
    return op;
  }

  private void apply(InFlight op) {
    List<Version> vs = versions.get(op.key);
    Version current = vs.isEmpty() ? null : vs.get(vs.size() - 1);
    boolean absent = current == null || current.value() == null;
    long currentRevision = current == null ? 0 : current.revision();
    switch (op.kind) {
      case READ:
        if (fault == Fault.STALE_READS && vs.size() >= 2 && random.nextInt(10) == 0) {
          current = vs.get(vs.size() - 2);
          absent = current.value() == null;
        }
        op.revision = absent ? 0 : current.revision();
        op.valueRead = absent ? null : current.value();
        return;
      case CREATE:
        op.conflict = !absent;
        break;
      case CAS_WRITE:
      case CAS_DELETE:
        op.conflict = currentRevision != op.expected;
        if (!op.conflict && fault == Fault.SPURIOUS_CONFLICTS && random.nextInt(10) == 0) {
          op.conflict = true;
        }
        break;
      default:
        break;
    }
    if (op.conflict) {
      return;
    }
    lastRevision++;
    vs.add(new Version(lastRevision, op.value));
    op.revision = op.kind.deletes() ? 0 : lastRevision; // deletes report no revision
  }

  private void complete(InFlight op) {
    if (op.unknown) {
      op.invocation.unknown("timeout");
    } else if (op.conflict) {
      op.invocation.fail("conflict");
    } else {
      op.invocation.ok(op.revision, op.valueRead);
      if (op.kind == Op.Kind.READ || op.kind.putsValue()) {
        lastRead.put(op.process + "/" + op.key, op.revision);
      }
    }
  }

  private static final class InFlight {
    final int process;
    final Op.Kind kind;
    final String key;
    final String value;
    final long expected;
    Invocation invocation;
    boolean applied;
    boolean unknown;
    boolean takesEffect;
    boolean conflict;
    long revision;
    String valueRead;

    InFlight(int process, Op.Kind kind, String key, String value, long expected) {
      this.process = process;
      this.kind = kind;
      this.key = key;
      this.value = value;
      this.expected = expected;
    }
  }
}
