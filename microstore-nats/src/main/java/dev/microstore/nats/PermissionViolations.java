package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the subjects the server refused ("Permissions Violation for Publish to ..."), so that
 * an operation that timed out because the server dropped its request can say that permission was
 * denied instead of blaming a slow server. The server reports the violation asynchronously, on the
 * connection; the request itself simply gets no answer.
 *
 * <p>Installed as the connection's error listener; every callback is passed on to the listener the
 * options had before.
 */
final class PermissionViolations implements ErrorListener {
  private static final Pattern VIOLATION =
      Pattern.compile("Permissions Violation for (Publish|Subscription) to \"?([^\"\\s]+)\"?");
  private static final int MAX_REMEMBERED = 1_000;

  private final ErrorListener next;
  private final Map<String, Long> refused = new ConcurrentHashMap<>();

  PermissionViolations(ErrorListener next) {
    this.next = next;
  }

  /**
   * The operation's failure, or a permission error when the server refused a subject of this
   * database since the operation started.
   *
   * @param db the database
   * @param startedNanos {@link System#nanoTime()} when the operation started
   * @param failure the failure the operation saw
   */
  StoreException explain(String db, long startedNanos, StoreException failure) {
    if (!failure.isRetriable()) {
      return failure;
    }
    Optional<String> subject = refusedSince(db, startedNanos);
    if (subject.isEmpty()) {
      return failure;
    }
    return new StoreException(
        "permission denied: the NATS server refused "
            + subject.get()
            + " for this user, so database \""
            + db
            + "\" cannot be used this way ("
            + failure.getMessage()
            + ")",
        failure,
        0,
        false);
  }

  Optional<String> refusedSince(String db, long startedNanos) {
    String stream = Wire.streamName(db);
    String subjects = Wire.subjectPrefix(db);
    for (Map.Entry<String, Long> e : refused.entrySet()) {
      String s = e.getKey();
      if (e.getValue() - startedNanos >= 0
          && (s.startsWith(subjects)
              || s.endsWith("." + stream)
              || s.contains("." + stream + "."))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private void record(@Nullable String error) {
    if (error == null) {
      return;
    }
    Matcher m = VIOLATION.matcher(error);
    if (m.find()) {
      if (refused.size() >= MAX_REMEMBERED) {
        refused.clear();
      }
      refused.put(m.group(2), System.nanoTime());
    }
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    record(error);
    next.errorOccurred(conn, error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    next.exceptionOccurred(conn, exp);
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    next.slowConsumerDetected(conn, consumer);
  }

  @Override
  public void messageDiscarded(Connection conn, Message msg) {
    next.messageDiscarded(conn, msg);
  }

  @Override
  public void heartbeatAlarm(
      Connection conn,
      JetStreamSubscription sub,
      long lastStreamSequence,
      long lastConsumerSequence) {
    next.heartbeatAlarm(conn, sub, lastStreamSequence, lastConsumerSequence);
  }

  @Override
  public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
    next.unhandledStatus(conn, sub, status);
  }

  @Override
  public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
    next.pullStatusWarning(conn, sub, status);
  }

  @Override
  public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
    next.pullStatusError(conn, sub, status);
  }

  @Override
  public void flowControlProcessed(
      Connection conn, JetStreamSubscription sub, String subject, FlowControlSource source) {
    next.flowControlProcessed(conn, sub, subject, source);
  }

  @Override
  public void socketWriteTimeout(Connection conn) {
    next.socketWriteTimeout(conn);
  }
}
