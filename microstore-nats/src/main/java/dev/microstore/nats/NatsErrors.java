package dev.microstore.nats;

import dev.microstore.ConflictException;
import dev.microstore.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one table of JetStream failures: every failure is classified by its type and API error code
 * (never by its message text) into a {@link Kind}, and turned into the store's exceptions with
 * messages that name what failed. A leaf: it uses nothing else of the store but the failure types
 * of {@link Requests} and {@link BucketScan}.
 */
final class NatsErrors {
  static final int NO_MESSAGE_FOUND = 10037;
  static final int MESSAGE_TOO_LARGE = 10054;
  static final int STREAM_NAME_IN_USE = 10058;
  static final int STREAM_NOT_FOUND = 10059;
  static final int WRONG_LAST_SEQUENCE = 10071;

  /**
   * "Wrong last sequence" as a clustered stream's leader reports it while another write to the same
   * subject is still being replicated: the message was not stored, but whether its condition holds
   * is not decided yet (the other write may still fail).
   */
  static final int WRONG_LAST_SEQUENCE_CLUSTERED = 10164;

  static final int ATOMIC_PUBLISH_DISABLED = 10174;
  static final int BATCH_INCOMPLETE = 10176;

  /** What a failure means for the operation that met it. */
  enum Kind {
    /** A condition on the subject's last sequence did not hold: nothing was stored. */
    CONFLICT,
    /**
     * Another write to the subject was being replicated: nothing was stored, and whether the
     * condition holds is not decided until that write is.
     */
    BUSY,
    /** The bucket's stream does not exist (deleted, or never created). */
    BUCKET_GONE,
    /** Nobody listened on the subject: nothing acted on the request (for a stream: it is gone). */
    NO_RESPONDERS,
    /** The request was sent but no reply came, or the connection closed while waiting. */
    NO_REPLY,
    /** The connection was reconnecting: nothing was sent. */
    NOT_CONNECTED,
    /** The message is over the stream's maximum size: nothing was stored. */
    TOO_LARGE,
    /** The server refused the request for now (no leader, catching up): nothing was stored. */
    RETRIABLE,
    /** Anything else. */
    OTHER
  }

  private static final Pattern LAST_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");

  private NatsErrors() {}

  static Kind classify(Throwable failure) {
    Throwable t = unwrap(failure);
    if (find(t, Requests.NoResponders.class) != null) {
      return Kind.NO_RESPONDERS;
    }
    if (find(t, Requests.NoReply.class) != null
        || find(t, Requests.ConnectionLost.class) != null
        || find(t, TimeoutException.class) != null) {
      return Kind.NO_REPLY;
    }
    if (find(t, Requests.NotConnected.class) != null) {
      return Kind.NOT_CONNECTED;
    }
    JetStreamStatusException status = find(t, JetStreamStatusException.class);
    if (status != null && status.getStatus() != null && status.getStatus().getCode() == 503) {
      return Kind.NO_RESPONDERS;
    }
    int code = apiCode(t);
    if (code == WRONG_LAST_SEQUENCE) {
      return Kind.CONFLICT;
    }
    if (code == WRONG_LAST_SEQUENCE_CLUSTERED) {
      return Kind.BUSY;
    }
    if (code == STREAM_NOT_FOUND) {
      return Kind.BUCKET_GONE;
    }
    if (code == MESSAGE_TOO_LARGE) {
      return Kind.TOO_LARGE;
    }
    if (retriableCode(code)) {
      return Kind.RETRIABLE;
    }
    return Kind.OTHER;
  }

  static int apiCode(Throwable t) {
    JetStreamApiException api = find(t, JetStreamApiException.class);
    return api == null ? 0 : api.getApiErrorCode();
  }

  /** The bucket behind a handle is gone: the server said so, or nobody listens on its stream. */
  static boolean bucketGone(Throwable t) {
    Kind kind = classify(t);
    return kind == Kind.BUCKET_GONE || kind == Kind.NO_RESPONDERS;
  }

  /**
   * A read may find the bucket gone: the server said so, nobody listens on its subjects, or nobody
   * answered a direct get (a deleted stream has no responders, which jnats may report like a
   * timeout). A read checks the bucket again before retrying once; writes never use this.
   */
  static boolean readMayRetry(Throwable t) {
    Kind kind = classify(t);
    return kind == Kind.BUCKET_GONE || kind == Kind.NO_RESPONDERS || kind == Kind.NO_REPLY;
  }

  /**
   * The failure behind the wrappers of asynchronous jnats calls: {@link CompletionException},
   * {@link ExecutionException}, a scan's {@link BucketScan.ScanFailure} and the plain {@code
   * RuntimeException} jnats wraps checked exceptions in.
   */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null
        && (c instanceof CompletionException
            || c instanceof ExecutionException
            || c instanceof BucketScan.ScanFailure
            || c.getClass() == RuntimeException.class)) {
      c = c.getCause();
    }
    return c;
  }

  /**
   * The conflict of a condition the server refused; the current revision is read from the error's
   * description when it gives one, else it is unknown (-1).
   */
  static ConflictException conflict(String key, Throwable cause, String wanted) {
    long current = -1;
    JetStreamApiException api = find(cause, JetStreamApiException.class);
    String description = api == null ? null : api.getErrorDescription();
    if (description != null) {
      Matcher matcher = LAST_SEQUENCE.matcher(description);
      if (matcher.find()) {
        current = Long.parseLong(matcher.group(1));
      }
    }
    return conflict(key, wanted, current, "", cause);
  }

  /**
   * A conflict naming what the condition wanted and what was found: {@code key "k" was expected to
   * have revision 3 but has revision 5}, then {@code suffix}.
   *
   * @param current the key's revision when known, 0 when absent, -1 when unknown
   */
  static ConflictException conflict(
      String key, String wanted, long current, String suffix, @Nullable Throwable cause) {
    return new ConflictException(
        key,
        current,
        "key \""
            + key
            + "\" was expected "
            + wanted
            + (current < 0 ? "" : current == 0 ? " but is absent" : " but has revision " + current)
            + suffix,
        WRONG_LAST_SEQUENCE,
        cause);
  }

  static StoreException wrap(String what, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof StoreException) {
      return (StoreException) t;
    }
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new StoreException(what + ": interrupted", t);
    }
    int code = apiCode(t);
    if (code != 0) {
      JetStreamApiException api = find(t, JetStreamApiException.class);
      String description = api == null ? t.getMessage() : api.getErrorDescription();
      return new StoreException(
          what + ": server error " + code + " (" + description + ")", t, code, retriableCode(code));
    }
    switch (classify(t)) {
      case NO_REPLY:
        return new StoreException(
            what + ": timed out waiting for the NATS server (" + t.getMessage() + ")", t, 0, true);
      case NO_RESPONDERS:
        return new StoreException(
            what
                + ": no NATS JetStream server answered (no responders; the stream may be electing a"
                + " leader)",
            t,
            0,
            true);
      case NOT_CONNECTED:
        return new StoreException(what + ": " + t.getMessage() + "; nothing was sent", t, 0, true);
      default:
        break;
    }
    if (t instanceof IllegalStateException) {
      return new StoreException(what + ": " + t.getMessage(), t, 0, false);
    }
    if (t instanceof IOException) {
      return new StoreException(what + ": " + t.getMessage(), t, 0, true);
    }
    return new StoreException(what + ": " + t, t);
  }

  private static boolean retriableCode(int code) {
    // 10008: JetStream temporarily unavailable (no meta leader), 10009: not the leader, 10164:
    // another write to the subject is being replicated,
    // 10023: insufficient resources right now, 10075-10077 and 10118: stream or consumer
    // unavailable while replicas elect a leader or catch up.
    return code == 10008
        || code == 10009
        || code == WRONG_LAST_SEQUENCE_CLUSTERED
        || code == 10023
        || code == 10075
        || code == 10076
        || code == 10077
        || code == 10118;
  }

  private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
