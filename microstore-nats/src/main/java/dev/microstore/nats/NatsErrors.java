package dev.microstore.nats;

import dev.microstore.ConflictException;
import dev.microstore.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns jnats failures into the store's exceptions, with messages that name what failed. */
final class NatsErrors {
  static final int STREAM_NOT_FOUND = 10059;
  static final int STREAM_NAME_IN_USE = 10058;
  static final int WRONG_LAST_SEQUENCE = 10071;
  static final int MESSAGE_TOO_LARGE = 10054;

  private static final Pattern LAST_SEQUENCE = Pattern.compile("wrong last sequence: (\\d+)");

  private NatsErrors() {}

  static int apiCode(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof JetStreamApiException) {
        return ((JetStreamApiException) c).getApiErrorCode();
      }
    }
    return 0;
  }

  /** The bucket behind a handle is gone: deleted by another client, or never existed. */
  static boolean bucketGone(Throwable t) {
    if (apiCode(t) == STREAM_NOT_FOUND) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof JetStreamStatusException
          && ((JetStreamStatusException) c).getStatus() != null
          && ((JetStreamStatusException) c).getStatus().getCode() == 503) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("no responders")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bucket may be gone: the server said so, or nobody answered a request addressed to it (a
   * deleted stream has no responders; jnats reports that like a timeout). Callers check the bucket
   * again before retrying once.
   */
  static boolean maybeGone(Throwable t) {
    if (bucketGone(t)) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (c instanceof java.util.concurrent.CancellationException) {
        // jnats cancels a request future that nobody answered
        return true;
      }
      if (m != null && m.contains("no response waiting for NATS JetStream server")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The failure behind the wrappers of asynchronous jnats calls: {@link
   * java.util.concurrent.CompletionException}, {@link java.util.concurrent.ExecutionException} and
   * the plain {@code RuntimeException} jnats wraps checked exceptions in.
   */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null
        && (c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException
            || c.getClass() == RuntimeException.class)) {
      c = c.getCause();
    }
    return c;
  }

  static ConflictException conflict(String key, Throwable cause, String wanted) {
    long current = -1;
    for (Throwable c = cause; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null) {
        Matcher matcher = LAST_SEQUENCE.matcher(m);
        if (matcher.find()) {
          current = Long.parseLong(matcher.group(1));
          break;
        }
      }
    }
    ConflictException e =
        new ConflictException(
            key,
            current,
            "key \""
                + key
                + "\" was expected "
                + wanted
                + (current < 0
                    ? ""
                    : current == 0 ? " but is absent" : " but has revision " + current),
            WRONG_LAST_SEQUENCE,
            cause);
    return e;
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
    if (t instanceof TimeoutException
        || find(t, TimeoutException.class) != null
        || find(t, java.util.concurrent.CancellationException.class) != null
        || (t.getMessage() != null && t.getMessage().toLowerCase().contains("timeout"))) {
      return new StoreException(
          what + ": timed out waiting for the NATS server (" + t.getMessage() + ")", t, 0, true);
    }
    JetStreamStatusException status = find(t, JetStreamStatusException.class);
    if (status != null && status.getStatus() != null && status.getStatus().getCode() == 503) {
      return new StoreException(
          what
              + ": no NATS JetStream server answered (no responders; the stream may be electing a"
              + " leader)",
          t,
          0,
          true);
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
    // 10008: JetStream temporarily unavailable (no meta leader), 10009: not the leader,
    // 10023: insufficient resources right now, 10075-10077 and 10118: stream or consumer
    // unavailable while replicas elect a leader or catch up.
    return code == 10008
        || code == 10009
        || code == 10023
        || code == 10075
        || code == 10076
        || code == 10077
        || code == 10118;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
