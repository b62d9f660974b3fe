package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.support.NatsRequestCompletableFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request to the server, with its failures told apart by type: jnats reports a request nobody
 * answered in time, a subject nobody listens on and a connection closing all as a cancelled future
 * (or a timeout, or a 503 status, depending on its options). What the store does next depends on
 * which it was — a publish that got no reply may have been stored; one with no responders was not.
 * A leaf: it uses nothing else of the store.
 */
final class Requests {
  /**
   * The interval of jnats' sweep of requests without reply that the store's connections use: with
   * it, jnats ends a request late by at most this much, and the store adds no timer of its own (a
   * timer per request costs a write a few percent). Connections swept less often (given by the
   * user) get the store's own timer per request.
   */
  static final Duration PRECISE_CLEANUP = Duration.ofMillis(50);

  private Requests() {}

  /** The request was sent, but no reply came in time: the server may have acted on it. */
  static final class NoReply extends IOException {
    private static final long serialVersionUID = 1L;

    NoReply(String subject, Duration timeout) {
      super("no reply to a request on " + subject + " within " + timeout.toMillis() + " ms");
    }
  }

  /** Nobody listens on the subject (for a stream: it does not exist): nothing acted on it. */
  static final class NoResponders extends IOException {
    private static final long serialVersionUID = 1L;

    NoResponders(String subject) {
      super("no responders on " + subject);
    }
  }

  /** The connection closed while the request waited: the server may have acted on it. */
  static final class ConnectionLost extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionLost(String subject) {
      super("the connection closed while waiting for a reply on " + subject);
    }
  }

  /** The connection is not connected (it is reconnecting): the request was not sent. */
  static final class NotConnected extends IOException {
    private static final long serialVersionUID = 1L;

    NotConnected(Connection.Status status) {
      super(
          "not connected to NATS (connection "
              + status.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
  }

  /**
   * Sends a request; the future completes with the reply, or with {@link NoReply}, {@link
   * NoResponders}, {@link ConnectionLost} or {@link NotConnected}, at most {@link #PRECISE_CLEANUP}
   * later than {@code timeout}. Completes on a jnats thread: callers must not block in a dependent
   * stage.
   */
  static CompletableFuture<Message> send(Connection connection, Message request, Duration timeout) {
    Connection.Status status = connection.getStatus();
    if (status != Connection.Status.CONNECTED) {
      return CompletableFuture.failedFuture(new NotConnected(status));
    }
    String subject = request.getSubject();
    CompletableFuture<Message> sent;
    try {
      sent = connection.requestWithTimeout(request, timeout);
    } catch (IllegalStateException closed) {
      return CompletableFuture.failedFuture(new NotConnected(connection.getStatus()));
    }
    CompletableFuture<Message> out = new CompletableFuture<>();
    CompletableFuture<Message> bounded =
        connection.getOptions().getRequestCleanupInterval().compareTo(PRECISE_CLEANUP) <= 0
            ? sent
            : sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    bounded.whenComplete(
        (reply, failure) -> {
          if (failure == null) {
            if (reply.isStatusMessage() && reply.getStatus().getCode() == 503) {
              out.completeExceptionally(new NoResponders(subject));
            } else {
              out.complete(reply);
            }
            return;
          }
          out.completeExceptionally(classify(sent, NatsErrors.unwrap(failure), subject, timeout));
        });
    return out;
  }

  /**
   * Sends a request and waits for its reply, at most {@code timeout}.
   *
   * @throws IOException {@link NoReply}, {@link NoResponders}, {@link ConnectionLost}, {@link
   *     NotConnected}, or another failure of the connection
   * @throws InterruptedException when interrupted while waiting
   */
  static Message call(Connection connection, Message request, Duration timeout)
      throws IOException, InterruptedException {
    try {
      return send(connection, request, timeout).get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = NatsErrors.unwrap(e);
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException(cause);
    }
  }

  private static Throwable classify(
      CompletableFuture<Message> sent, Throwable failure, String subject, Duration timeout) {
    if (failure instanceof JetStreamStatusException
        && ((JetStreamStatusException) failure).getStatus() != null
        && ((JetStreamStatusException) failure).getStatus().getCode() == 503) {
      return new NoResponders(subject);
    }
    if (failure instanceof TimeoutException) {
      return new NoReply(subject, timeout);
    }
    if (failure instanceof CancellationException) {
      if (sent instanceof NatsRequestCompletableFuture) {
        NatsRequestCompletableFuture f = (NatsRequestCompletableFuture) sent;
        if (f.wasCancelledClosing()) {
          return new ConnectionLost(subject);
        }
        if (f.wasCancelledTimedOut()) {
          return new NoReply(subject, timeout);
        }
        // cancelled for no responders (jnats' default when no-responder reports are off)
        return new NoResponders(subject);
      }
      return new NoReply(subject, timeout);
    }
    return failure;
  }
}
