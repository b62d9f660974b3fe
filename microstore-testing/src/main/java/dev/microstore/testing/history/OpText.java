package dev.microstore.testing.history;

import java.util.List;

/** Short descriptions of operations and values, for anomaly descriptions. */
final class OpText {

  private OpText() {}

  /** {@code p3 CAS_WRITE "p3-17" if revision 5 -> OK revision 7 [ticks 33..40]}. */
  static String describe(Op op) {
    StringBuilder s = new StringBuilder();
    s.append('p').append(op.process()).append(' ').append(op.kind());
    if (op.value() != null) {
      s.append(' ').append(quote(op.value()));
    }
    if (op.kind().expectsRevision()) {
      s.append(" if revision ").append(op.expectedRevision());
    }
    s.append(" -> ").append(op.outcome());
    switch (op.outcome()) {
      case OK:
        if (op.kind() == Op.Kind.READ) {
          s.append(op.valueRead() == null ? " absent" : " " + quote(op.valueRead()));
        }
        if (op.revision() > 0) {
          s.append(" revision ").append(op.revision());
        }
        break;
      case FAIL:
      case UNKNOWN:
        s.append(" (").append(op.reason()).append(')');
        break;
    }
    s.append(" [ticks ").append(op.invokedAt()).append("..");
    if (op.completedAt() != Long.MAX_VALUE) {
      s.append(op.completedAt());
    }
    return s.append(']').toString();
  }

  static String describe(List<Op> ops) {
    StringBuilder s = new StringBuilder();
    for (Op op : ops) {
      s.append(s.length() == 0 ? "" : "; ").append(describe(op));
    }
    return s.toString();
  }

  static String quote(String value) {
    return value == null ? "absent" : '"' + value + '"';
  }
}
