package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One pass over the latest message of every key of a bucket, read on the calling thread. Delete
 * markers are delivered too.
 *
 * <p>The pass is a push consumer of its own on a plain subscription, not jnats' ordered consumer:
 * the stream and consumer sequences and the pending count are read straight from the reply subject
 * of each message (jnats' ordered consumer parses every message's metadata, timestamp included), a
 * gap in the consumer sequence restarts the consumer after the last stream sequence seen, and flow
 * control and stalled heartbeats are answered as they arrive.
 *
 * <p>In a bucket keeping one message per key (history 1, the default) every stored message is the
 * latest of its key, so the pass delivers the stream in order ({@code DeliverPolicy.All}), which
 * costs the server less than last-per-subject delivery. Buckets keeping more history are read with
 * last-per-subject delivery. Either way a key changed during the pass may come again; its last
 * delivery is its latest state.
 */
final class BucketScan {
  /** How long a pass waits for the stream's last message once every key was delivered. */
  private static final Duration SETTLE = Duration.ofMillis(200);

  /** How long the server waits without delivering before it sends a heartbeat. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /**
   * How long the server keeps a pass's consumer once nobody listens (the server's default for
   * ephemeral consumers is 5 s, which leaves hundreds behind under frequent scans).
   */
  private static final Duration GONE_AFTER = Duration.ofSeconds(1);

  /** Restarts after lost messages without any progress before the pass gives up. */
  private static final int MAX_FRUITLESS_RESTARTS = 5;

  /** Receives the messages of a pass. */
  interface Sink {
    /** One message and its stream sequence (the key's revision). */
    void accept(Message message, long streamSequence);
  }

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final String stream;
  private final String filterSubject;
  private final boolean headersOnly;
  private final Duration timeout;
  private final Sink sink;

  private @Nullable Subscription sub;
  private @Nullable String consumer;
  private long expectedConsumerSequence;

  private BucketScan(
      Connection connection,
      JetStreamManagement jsm,
      String stream,
      String filterSubject,
      boolean headersOnly,
      Duration timeout,
      Sink sink) {
    this.connection = connection;
    this.jsm = jsm;
    this.stream = stream;
    this.filterSubject = filterSubject;
    this.headersOnly = headersOnly;
    this.timeout = timeout;
    this.sink = sink;
  }

  /**
   * Hands the last message of every key matching {@code filterSubject} to {@code sink} and returns
   * after the last one.
   *
   * @param lastPerSubject whether the stream may keep older messages of a key (bucket history above
   *     1): then the server delivers the last message of each subject only
   * @return the highest stream sequence delivered, 0 when none
   * @throws StoreException when the server sends nothing for {@code timeout}
   * @throws RuntimeException from jnats, for the caller to classify
   */
  static long scan(
      Connection connection,
      JetStreamManagement jsm,
      String stream,
      String filterSubject,
      boolean headersOnly,
      boolean lastPerSubject,
      Duration timeout,
      Sink sink) {
    BucketScan scan =
        new BucketScan(connection, jsm, stream, filterSubject, headersOnly, timeout, sink);
    try {
      return scan.run(lastPerSubject);
    } catch (IOException | JetStreamApiException e) {
      throw new ScanFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("scanning stream " + stream + ": interrupted", e);
    } finally {
      scan.stop();
    }
  }

  private long run(boolean lastPerSubject)
      throws IOException, JetStreamApiException, InterruptedException {
    long pendingAtStart =
        start(lastPerSubject ? DeliverPolicy.LastPerSubject : DeliverPolicy.All, 0);
    if (pendingAtStart == 0) {
      return 0;
    }
    // A pass ends once it has delivered the stream's last sequence taken at some moment: every key
    // that existed then was either delivered before (its message was behind the pass) or still has
    // a message at or below that sequence, its old one or the one that replaced it. That moment is
    // when nothing is pending any more over a whole bucket (the server can count the removal of a
    // replaced message before the message replacing it, so a key can still be to come), or when
    // the pass has delivered more than it had to at its start (it is chasing other clients'
    // writes). A pass narrowed by a filter ends when nothing is pending, or, chasing, when no
    // message comes for a moment.
    boolean wholeBucket = filterSubject.equals(Wire.allKeys(stream.substring(3)));
    long until = Long.MAX_VALUE;
    long highest = 0;
    long lastProgress = System.nanoTime();
    int fruitlessRestarts = 0;
    while (true) {
      Message m = sub.nextMessage(until == Long.MAX_VALUE ? HEARTBEAT.plus(SETTLE) : SETTLE);
      if (m == null) {
        if (until != Long.MAX_VALUE) {
          // the stream's last message was removed before it could be delivered: all is in
          return highest;
        }
        if (System.nanoTime() - lastProgress > timeout.toNanos()) {
          throw nothingFor(timeout);
        }
        continue;
      }
      if (m.isStatusMessage()) {
        if (answer(m) && nothingPending()) {
          // an idle heartbeat with nothing pending: the messages still expected were removed
          return drain(highest);
        }
        if (System.nanoTime() - lastProgress > timeout.toNanos()) {
          throw nothingFor(timeout);
        }
        continue;
      }
      AckReply ack = m.isJetStream() ? AckReply.parse(m.getReplyTo()) : null;
      if (ack == null) {
        continue;
      }
      if (ack.consumerSequence != expectedConsumerSequence) {
        // messages were lost between the server and this subscription: go on after the last one
        // seen; from a start sequence every later message comes, and the last of a key wins
        fruitlessRestarts = ack.streamSequence > highest ? 0 : fruitlessRestarts + 1;
        if (fruitlessRestarts > MAX_FRUITLESS_RESTARTS) {
          throw new StoreException(
              "scanning stream " + stream + ": messages kept being lost", null, 0, true);
        }
        pendingAtStart = start(DeliverPolicy.ByStartSequence, highest + 1);
        if (pendingAtStart == 0) {
          return highest;
        }
        continue;
      }
      lastProgress = System.nanoTime();
      sink.accept(m, ack.streamSequence);
      highest = Math.max(highest, ack.streamSequence);
      if (until == Long.MAX_VALUE) {
        boolean chasing = expectedConsumerSequence > pendingAtStart;
        if (ack.pending == 0 && !wholeBucket) {
          return highest;
        }
        if (ack.pending == 0 || chasing) {
          until = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        }
      }
      expectedConsumerSequence++;
      if (highest >= until) {
        return highest;
      }
    }
  }

  /**
   * Starts a consumer delivering to a new subscription, replacing the current one.
   *
   * @return the number of messages it has to deliver
   */
  private long start(DeliverPolicy policy, long startSequence)
      throws IOException, JetStreamApiException {
    stop();
    String inbox = connection.createInbox();
    sub = connection.subscribe(inbox);
    ConsumerConfiguration.Builder cc =
        pushConsumer(inbox, filterSubject, HEARTBEAT)
            .deliverPolicy(policy)
            .headersOnly(headersOnly)
            .inactiveThreshold(GONE_AFTER);
    if (policy == DeliverPolicy.ByStartSequence) {
      cc.startSequence(startSequence);
    }
    ConsumerInfo info = jsm.addOrUpdateConsumer(stream, cc.build());
    consumer = info.getName();
    expectedConsumerSequence = 1;
    return info.getNumPending();
  }

  /**
   * What passes and followers have in common: a push consumer to {@code inbox} without
   * acknowledgements, kept in memory with one replica, with flow control and heartbeats.
   */
  static ConsumerConfiguration.Builder pushConsumer(
      String inbox, String filterSubject, Duration heartbeat) {
    return ConsumerConfiguration.builder()
        .filterSubject(filterSubject)
        .ackPolicy(AckPolicy.None)
        .deliverSubject(inbox)
        .flowControl(heartbeat)
        .memStorage(true)
        .numReplicas(1);
  }

  /**
   * Answers flow control and stalled heartbeats.
   *
   * @return whether the message was an idle heartbeat
   */
  private boolean answer(Message status) {
    return !answerFlowControl(connection, status)
        && status.getStatus() != null
        && status.getStatus().isHeartbeat();
  }

  /**
   * Answers a flow-control request, or a heartbeat telling that the consumer is stalled waiting for
   * such an answer.
   *
   * @return whether {@code status} was answered
   */
  static boolean answerFlowControl(Connection connection, Message status) {
    String reply = status.getReplyTo();
    if (reply != null && !reply.isEmpty()) {
      connection.publish(reply, null);
      return true;
    }
    Headers h = status.getHeaders();
    String stalled = h == null ? null : h.getFirst("Nats-Consumer-Stalled");
    if (stalled != null && !stalled.isEmpty()) {
      connection.publish(stalled, null);
      return true;
    }
    return false;
  }

  private boolean nothingPending() throws IOException, JetStreamApiException {
    return jsm.getConsumerInfo(stream, consumer).getNumPending() == 0;
  }

  /** Hands over what arrived after the heartbeat, then ends the pass. */
  private long drain(long highest) throws InterruptedException {
    long top = highest;
    while (true) {
      Message m = sub.nextMessage(SETTLE);
      if (m == null) {
        return top;
      }
      AckReply ack = m.isJetStream() ? AckReply.parse(m.getReplyTo()) : null;
      if (ack != null && ack.consumerSequence == expectedConsumerSequence) {
        expectedConsumerSequence++;
        sink.accept(m, ack.streamSequence);
        top = Math.max(top, ack.streamSequence);
      }
    }
  }

  private StoreException nothingFor(Duration waited) {
    return new StoreException(
        "scanning stream "
            + stream
            + ": the NATS server sent nothing for "
            + waited.toMillis()
            + " ms",
        null,
        0,
        true);
  }

  /** Ends the subscription; the server removes the consumer {@link #GONE_AFTER} later. */
  private void stop() {
    if (sub != null) {
      try {
        sub.unsubscribe();
      } catch (RuntimeException ignored) {
        // the connection may be closing; the server removes the ephemeral consumer by itself
      }
      sub = null;
    }
  }

  /**
   * The numbers in the reply subject of a delivered message: {@code
   * $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>}, or
   * with domain and account hash after {@code $JS.ACK} (and possibly a token at the end).
   */
  static final class AckReply {
    final long streamSequence;
    final long consumerSequence;
    final long pending;

    private AckReply(long streamSequence, long consumerSequence, long pending) {
      this.streamSequence = streamSequence;
      this.consumerSequence = consumerSequence;
      this.pending = pending;
    }

    /** The numbers of {@code reply}, or null when it is not a JetStream acknowledgement subject. */
    static @Nullable AckReply parse(@Nullable String reply) {
      if (reply == null || !reply.startsWith("$JS.ACK.")) {
        return null;
      }
      int[] dots = new int[13];
      int count = 0;
      for (int i = 0; i < reply.length() && count < dots.length; i++) {
        if (reply.charAt(i) == '.') {
          dots[count++] = i;
        }
      }
      int tokens = count + 1;
      // index of the "delivered" token: 4 in the first form (9 tokens), 6 with domain and hash
      int delivered;
      if (tokens == 9) {
        delivered = 4;
      } else if (tokens >= 11 && count < dots.length) {
        delivered = 6;
      } else {
        return null;
      }
      long streamSeq = number(reply, dots, count, delivered + 1);
      long consumerSeq = number(reply, dots, count, delivered + 2);
      long pending = number(reply, dots, count, delivered + 4);
      if (streamSeq < 0 || consumerSeq < 0 || pending < 0) {
        return null;
      }
      return new AckReply(streamSeq, consumerSeq, pending);
    }

    /** Token {@code index} (0-based) as a number, -1 when it is not one. */
    private static long number(String s, int[] dots, int count, int index) {
      int from = dots[index - 1] + 1;
      int to = index < count ? dots[index] : s.length();
      if (from >= to || to - from > 18) {
        return -1;
      }
      long v = 0;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }
  }

  /** A checked jnats failure during a scan, carried out unchecked for the caller to classify. */
  static final class ScanFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScanFailure(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }
}
