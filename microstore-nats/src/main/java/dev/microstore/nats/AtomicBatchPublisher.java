package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * JetStream atomic batch publishing (nats-server 2.12+, NATS ADR-50): a group of messages that the
 * stream stores all together or not at all.
 *
 * <p>Every message carries {@value #BATCH_ID} (one new NUID per batch) and {@value #BATCH_SEQUENCE}
 * (1 to n); the last one also {@value #BATCH_COMMIT}{@code : 1}. The first message is sent as a
 * request, so that a stream refusing batches (error 10174) is noticed before the rest is sent; the
 * server answers it with an empty reply. The messages in between are plain publishes. The last one
 * is sent as a request whose reply, the JetStream acknowledgement, says whether the batch was
 * stored: a {@link PublishAck} carrying the batch id, the message count and the stream sequence of
 * the last message (the others have the sequences just before it), or an API error such as 10071
 * when a {@value Wire#EXPECTED_LAST_SUBJECT_SEQUENCE} condition of any message failed. The server
 * checks every condition at commit time, against the stream as it was before the batch.
 *
 * <p>A batch whose commit never arrives (the connection dropped, the client died) is abandoned by
 * the server after about 10 seconds without traffic; none of its messages is stored. The stream
 * must allow atomic publishing ({@code allow_atomic}); at most {@value #MAX_MESSAGES} messages per
 * batch.
 *
 * <p>Stateless apart from its connection; thread-safe.
 */
final class AtomicBatchPublisher {
  static final String BATCH_ID = "Nats-Batch-Id";
  static final String BATCH_SEQUENCE = "Nats-Batch-Sequence";
  static final String BATCH_COMMIT = "Nats-Batch-Commit";

  /** The most messages a batch may hold. */
  static final int MAX_MESSAGES = 1000;

  /** The first server version with atomic batch publishing. */
  static final String MINIMUM_SERVER = "2.12.0";

  /** One message of a batch. */
  static final class Entry {
    final String subject;
    final @Nullable Headers headers;
    final byte[] body;
    final long expectedLastSubjectSequence;

    /**
     * A message to publish.
     *
     * @param expectedLastSubjectSequence the sequence the subject's last message must have (0: the
     *     subject has no message), or -1 for no condition
     */
    Entry(
        String subject, @Nullable Headers headers, byte[] body, long expectedLastSubjectSequence) {
      this.subject = subject;
      this.headers = headers;
      this.body = body;
      this.expectedLastSubjectSequence = expectedLastSubjectSequence;
    }
  }

  private final Connection connection;
  private final Duration timeout;

  AtomicBatchPublisher(Connection connection, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
  }

  /** Whether the connected server supports atomic batches. */
  boolean serverSupportsBatches() {
    return connection.getServerInfo().isSameOrNewerThanVersion(MINIMUM_SERVER);
  }

  String serverVersion() {
    return connection.getServerInfo().getVersion();
  }

  /**
   * Publishes the messages as one atomic batch.
   *
   * @param entries 1 to {@value #MAX_MESSAGES} messages, stored in this order
   * @param beforeCommit runs after every message but the last was sent (a hook for tests)
   * @return the stream sequence of the first message; the others follow it one by one
   * @throws JetStreamApiException when the server refuses the batch; nothing was stored
   * @throws IOException when the commit got no answer ({@link Requests.NoReply}, {@link
   *     Requests.ConnectionLost}): the batch may or may not have been stored; or when it could not
   *     be sent ({@link Requests.NotConnected}, {@link Requests.NoResponders}): nothing was stored
   * @throws StoreException when the server did not accept the batch's first message: nothing was
   *     stored
   * @throws InterruptedException when interrupted while waiting for the server
   */
  long publish(List<Entry> entries, Runnable beforeCommit)
      throws IOException, JetStreamApiException, InterruptedException {
    int n = entries.size();
    if (n == 0 || n > MAX_MESSAGES) {
      throw new IllegalArgumentException(
          "a batch holds 1 to " + MAX_MESSAGES + " messages, not " + n);
    }
    String id = NUID.nextGlobal();
    for (int i = 0; i < n - 1; i++) {
      Message m = message(entries.get(i), id, i + 1, false);
      if (i == 0) {
        Message reply;
        try {
          reply = Requests.call(connection, m, timeout);
        } catch (IOException notStarted) {
          // without its commit the server abandons the batch: nothing is stored
          throw new StoreException(
              "the server did not accept the first message of batch "
                  + id
                  + " ("
                  + notStarted.getMessage()
                  + "); nothing was written",
              notStarted,
              0,
              true);
        }
        checkStartReply(reply);
      } else {
        connection.publish(m);
      }
    }
    beforeCommit.run();
    PublishAck ack =
        new PublishAck(
            Requests.call(connection, message(entries.get(n - 1), id, n, true), timeout));
    if (!id.equals(ack.getBatchId()) || ack.getBatchSize() != n) {
      throw new StoreException(
          "the server acknowledged batch "
              + ack.getBatchId()
              + " with "
              + ack.getBatchSize()
              + " messages, not batch "
              + id
              + " with "
              + n
              + ": does stream "
              + ack.getStream()
              + " allow atomic publishing?");
    }
    return ack.getSeqno() - n + 1;
  }

  /** The reply to a batch's first message is empty unless the server refused the batch. */
  private static void checkStartReply(Message reply) throws IOException, JetStreamApiException {
    if (reply.isStatusMessage()) {
      throw new IOException(
          "the server answered the first message of a batch with status "
              + reply.getStatus().getCode()
              + " "
              + reply.getStatus().getMessage());
    }
    byte[] data = reply.getData();
    if (data != null && data.length > 0) {
      new PublishAck(reply); // throws the server's error
    }
  }

  private static Message message(Entry e, String id, int sequence, boolean commit) {
    Headers h = new Headers();
    if (e.headers != null) {
      for (String name : e.headers.keySet()) {
        h.put(name, e.headers.get(name));
      }
    }
    h.put(BATCH_ID, id);
    h.put(BATCH_SEQUENCE, Integer.toString(sequence));
    if (commit) {
      h.put(BATCH_COMMIT, "1");
    }
    if (e.expectedLastSubjectSequence >= 0) {
      h.put(Wire.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(e.expectedLastSubjectSequence));
    }
    return NatsMessage.builder().subject(e.subject).headers(h).data(e.body).build();
  }
}
