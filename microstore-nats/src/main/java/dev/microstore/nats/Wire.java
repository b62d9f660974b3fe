package dev.microstore.nats;

import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The names a KV bucket has on the wire, as NATS' KV clients (jnats, nats.go, Go-Micro's plugin)
 * use them: the stream {@code KV_<bucket>}, the subjects {@code $KV.<bucket>.<stored key>}, and the
 * headers the store reads and writes. A leaf: it uses nothing else of the store.
 */
final class Wire {
  /** The operation of a KV message: absent for a put, {@code DEL} or {@code PURGE}. */
  static final String KV_OPERATION = "KV-Operation";

  /** The reason of a marker the server leaves when a TTL or max age removes a key (2.11+). */
  static final String MARKER_REASON = "Nats-Marker-Reason";

  /** The message id the stream deduplicates on within its duplicate window. */
  static final String MSG_ID = "Nats-Msg-Id";

  /** The condition on the subject's last sequence (0: the subject has no message). */
  static final String EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";

  private Wire() {}

  static String streamName(String db) {
    return "KV_" + db;
  }

  /** The subject prefix of every key of a bucket, ending with a dot. */
  static String subjectPrefix(String db) {
    return "$KV." + db + ".";
  }

  static String subject(String db, String storedKey) {
    return subjectPrefix(db) + storedKey;
  }

  /** The filter that matches every key of a bucket. */
  static String allKeys(String db) {
    return subjectPrefix(db) + ">";
  }

  /**
   * The narrowest filter a scan for stored keys starting with {@code wanted} can use: the whole
   * bucket, or, when keys are not encoded and {@code wanted} has a valid whole-token prefix (up to
   * its last {@code .}), only the subjects under that prefix (the server filters whole tokens
   * only).
   */
  static String scanFilter(String db, String wanted, boolean keysEncoded) {
    if (!keysEncoded) {
      int dot = wanted.lastIndexOf('.');
      if (dot > 0 && KeyRules.problem(wanted.substring(0, dot)) == null) {
        return subjectPrefix(db) + wanted.substring(0, dot + 1) + ">";
      }
    }
    return allKeys(db);
  }

  /** The headers of a delete marker. */
  static Headers deleteMarker() {
    return new Headers().put(KV_OPERATION, "DEL");
  }

  /** Whether a message is a delete, a purge, or a marker the server left for a removed key. */
  static boolean isDeleteMarker(@Nullable Headers headers) {
    if (headers == null) {
      return false;
    }
    String op = headers.getFirst(KV_OPERATION);
    return "DEL".equals(op) || "PURGE".equals(op) || headers.getFirst(MARKER_REASON) != null;
  }
}
