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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One pass over the latest message of every key of a bucket, handed over one message at a time as
 * the caller asks for it: the streaming form of {@link BucketScan}, behind {@code Store.scan}.
 *
 * <p>Flow control is the caller's pace. The pass is a pull consumer of its own (no
 * acknowledgements, in memory, one replica, like {@link BucketScan}'s), asked for one chunk at a
 * time on a plain subscription; the next chunk is asked for once the caller has taken every message
 * of the current one, or the request ended. So at most one chunk is held, whatever the size of the
 * bucket and however slow the caller: about {@link #CHUNK_BYTES} of messages (between {@link
 * #MIN_CHUNK} and {@link #MAX_CHUNK} messages, from the size of those seen so far).
 *
 * <p>As in {@link BucketScan}: a bucket keeping one message per key is read in stream order, other
 * buckets with last-per-subject delivery; the stream and consumer sequences and the pending count
 * are read from each message's reply subject; the pass ends once it has delivered the stream's last
 * sequence taken at some moment (see {@link BucketScan}), so keys written during the pass may come
 * again. Lost messages (a consumer sequence gap) or a consumer gone start a new consumer after the
 * last sequence delivered; in a bucket keeping older messages that is a new last-per-subject pass
 * that skips what was delivered already, so a key never comes back with an older value.
 *
 * <p>Not thread-safe: one caller at a time.
 */
final class ScanCursor implements AutoCloseable {
  /** About how many bytes of messages one chunk asks for. */
  static final int CHUNK_BYTES = 1 << 20;

  static final int MIN_CHUNK = 16;
  static final int MAX_CHUNK = 1024;

  /** How long the server keeps a pull request open waiting for messages. */
  private static final Duration EXPIRES = Duration.ofMillis(500);

  /**
   * How long the cursor waits for a request's messages or end before it looks at the consumer (a
   * server may delete a consumer without ending its open requests).
   */
  private static final Duration WAIT = EXPIRES.plusMillis(250);

  /**
   * How long the server keeps the consumer without a pull request: long enough for a caller that
   * pauses between elements; a consumer that went away meanwhile is replaced.
   */
  private static final Duration GONE_AFTER = Duration.ofSeconds(30);

  /** Restarts after lost messages without any progress before the pass gives up. */
  private static final int MAX_FRUITLESS_RESTARTS = 5;

  /** The consumer does not exist (JetStream API error code). */
  private static final int CONSUMER_NOT_FOUND = 10014;

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final String apiPrefix;
  private final String stream;
  private final String filterSubject;
  private final boolean headersOnly;
  private final boolean lastPerSubject;
  private final boolean wholeBucket;
  private final Duration timeout;

  private @Nullable Subscription sub;
  private @Nullable String consumer;
  private @Nullable String pullSubject;
  private long expectedConsumerSequence;
  private long pendingAtStart;
  private int requested;
  private int chunk = MIN_CHUNK;
  private long bytesSeen;
  private long messagesSeen;
  private long highest;
  private long skipUpTo;
  private long until = Long.MAX_VALUE;
  private long lastProgress;
  private int fruitlessRestarts;
  private long sequence;
  private boolean done;

  private ScanCursor(
      Connection connection,
      JetStreamManagement jsm,
      String apiPrefix,
      String stream,
      String filterSubject,
      boolean headersOnly,
      boolean lastPerSubject,
      Duration timeout) {
    this.connection = connection;
    this.jsm = jsm;
    this.apiPrefix = apiPrefix;
    this.stream = stream;
    this.filterSubject = filterSubject;
    this.headersOnly = headersOnly;
    this.lastPerSubject = lastPerSubject;
    this.wholeBucket = filterSubject.equals(Wire.allKeys(stream.substring(3)));
    this.timeout = timeout;
  }

  /**
   * Starts a pass over the last message of every key matching {@code filterSubject}.
   *
   * @param lastPerSubject whether the stream may keep older messages of a key (bucket history above
   *     1): then the server delivers the last message of each subject only
   * @throws RuntimeException from jnats ({@link BucketScan.ScanFailure} for checked failures), for
   *     the caller to classify
   */
  static ScanCursor open(
      Connection connection,
      JetStreamManagement jsm,
      String apiPrefix,
      String stream,
      String filterSubject,
      boolean headersOnly,
      boolean lastPerSubject,
      Duration timeout) {
    ScanCursor c =
        new ScanCursor(
            connection,
            jsm,
            apiPrefix,
            stream,
            filterSubject,
            headersOnly,
            lastPerSubject,
            timeout);
    try {
      c.lastProgress = System.nanoTime();
      c.start(lastPerSubject ? DeliverPolicy.LastPerSubject : DeliverPolicy.All, 0);
      return c;
    } catch (IOException | JetStreamApiException e) {
      c.close();
      throw new BucketScan.ScanFailure(e);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The stream sequence (the key's revision) of the message {@link #next()} returned last. */
  long sequence() {
    return sequence;
  }

  /**
   * The next message of the pass, delete markers included, or null once the pass is over (the
   * cursor has then released its subscription).
   *
   * @throws StoreException when the server sends nothing for the timeout, or messages keep being
   *     lost
   * @throws RuntimeException from jnats, for the caller to classify
   */
  @Nullable Message next() {
    try {
      return advance();
    } catch (IOException | JetStreamApiException e) {
      close();
      throw new BucketScan.ScanFailure(e);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new StoreException("scanning stream " + stream + ": interrupted", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private @Nullable Message advance()
      throws IOException, JetStreamApiException, InterruptedException {
    lastProgress = System.nanoTime(); // the time the caller took does not count
    while (!done) {
      if (requested <= 0) {
        pull();
      }
      Message m = sub.nextMessage(WAIT);
      if (m == null) {
        // neither messages nor the request's end came: lost on a reconnect, or the consumer is gone
        requested = 0;
        checkProgress();
        afterUnansweredRequest();
        continue;
      }
      if (m.isStatusMessage()) {
        onStatus(m);
        continue;
      }
      BucketScan.AckReply ack = m.isJetStream() ? BucketScan.AckReply.parse(m.getReplyTo()) : null;
      if (ack == null) {
        continue;
      }
      if (ack.consumerSequence != expectedConsumerSequence) {
        // messages were lost between the server and this subscription
        fruitlessRestarts = ack.streamSequence > highest ? 0 : fruitlessRestarts + 1;
        restart();
        continue;
      }
      expectedConsumerSequence++;
      requested--;
      lastProgress = System.nanoTime();
      learnSize(m);
      long seq = ack.streamSequence;
      boolean fresh = seq > skipUpTo;
      highest = Math.max(highest, seq);
      if (until == Long.MAX_VALUE) {
        boolean chasing = expectedConsumerSequence - 1 > pendingAtStart;
        if (ack.pending == 0 && !wholeBucket) {
          until = highest;
        } else if (ack.pending == 0 || chasing) {
          until = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        }
      }
      if (highest >= until) {
        finish();
      }
      if (fresh) {
        sequence = seq;
        return m;
      }
    }
    return null;
  }

  /** A status of the pull request: its end (expired, no messages, refused) or the consumer gone. */
  private void onStatus(Message status) throws IOException, JetStreamApiException {
    int code = status.getStatus() == null ? 0 : status.getStatus().getCode();
    if (code == 100) {
      BucketScan.answerFlowControl(connection, status);
      return;
    }
    requested = 0;
    checkProgress();
    if (code == 503) {
      restart(); // no responders: the consumer is gone
      return;
    }
    afterUnansweredRequest();
  }

  /**
   * A request ended without the messages still expected: finishes when the stream has no more of
   * them (they were removed before delivery), starts a new consumer when the old one is gone.
   */
  private void afterUnansweredRequest() throws IOException, JetStreamApiException {
    if (until != Long.MAX_VALUE) {
      finish(); // the stream's last message was removed before it could be delivered
      return;
    }
    long pending = pending();
    if (pending < 0) {
      restart();
    } else if (pending == 0) {
      // nothing came while the request was open: the messages still expected were removed
      finish();
    }
  }

  /** Asks for the next chunk of messages. */
  private void pull() {
    int n = chunk;
    requested = n;
    String request = "{\"batch\":" + n + ",\"expires\":" + EXPIRES.toNanos() + "}";
    connection.publish(pullSubject, sub.getSubject(), request.getBytes(StandardCharsets.US_ASCII));
  }

  /** Sizes the next chunks from the messages seen so far: about {@link #CHUNK_BYTES}. */
  private void learnSize(Message m) {
    messagesSeen++;
    bytesSeen += Math.max(1, m.consumeByteCount());
    long average = Math.max(1, bytesSeen / messagesSeen);
    chunk = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, CHUNK_BYTES / average));
  }

  /**
   * Replaces the consumer after lost messages or a consumer gone: from the sequence after the last
   * one delivered, or, when the bucket keeps older messages, from the start again skipping what was
   * delivered (a start sequence would deliver older messages of keys changed since).
   */
  private void restart() throws IOException, JetStreamApiException {
    if (fruitlessRestarts > MAX_FRUITLESS_RESTARTS) {
      throw new StoreException(
          "scanning stream " + stream + ": messages kept being lost", null, 0, true);
    }
    fruitlessRestarts++;
    if (lastPerSubject) {
      skipUpTo = highest;
      start(DeliverPolicy.LastPerSubject, 0);
    } else {
      start(DeliverPolicy.ByStartSequence, highest + 1);
    }
  }

  /** Starts a consumer and a subscription for it, replacing the current ones. */
  private void start(DeliverPolicy policy, long startSequence)
      throws IOException, JetStreamApiException {
    release();
    sub = connection.subscribe(connection.createInbox());
    ConsumerConfiguration.Builder cc =
        ConsumerConfiguration.builder()
            .filterSubject(filterSubject)
            .ackPolicy(AckPolicy.None)
            .deliverPolicy(policy)
            .headersOnly(headersOnly)
            .memStorage(true)
            .numReplicas(1)
            .inactiveThreshold(GONE_AFTER);
    if (policy == DeliverPolicy.ByStartSequence) {
      cc.startSequence(startSequence);
    }
    ConsumerInfo info = jsm.addOrUpdateConsumer(stream, cc.build());
    consumer = info.getName();
    pullSubject = apiPrefix + "CONSUMER.MSG.NEXT." + stream + "." + consumer;
    expectedConsumerSequence = 1;
    requested = 0;
    pendingAtStart = info.getNumPending();
    if (pendingAtStart == 0) {
      finish();
    }
  }

  /** How many messages the consumer has still to deliver; -1 when the consumer is gone. */
  private long pending() throws IOException, JetStreamApiException {
    try {
      return jsm.getConsumerInfo(stream, consumer).getNumPending();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
        return -1;
      }
      throw e;
    }
  }

  private void checkProgress() {
    if (System.nanoTime() - lastProgress > timeout.toNanos()) {
      throw new StoreException(
          "scanning stream "
              + stream
              + ": the NATS server sent nothing for "
              + timeout.toMillis()
              + " ms",
          null,
          0,
          true);
    }
  }

  /** The pass is over: nothing more is handed over, the consumer and subscription go. */
  private void finish() {
    done = true;
    release();
  }

  /** Ends the subscription and deletes the consumer (without waiting for the answer). */
  private void release() {
    Subscription s = sub;
    String name = consumer;
    sub = null;
    consumer = null;
    if (s != null) {
      try {
        s.unsubscribe();
      } catch (RuntimeException ignored) {
        // the connection may be closing; the server removes the consumer by itself
      }
    }
    if (name != null) {
      try {
        connection.request(apiPrefix + "CONSUMER.DELETE." + stream + "." + name, null);
      } catch (RuntimeException ignored) {
        // as above: the consumer goes once it is inactive
      }
    }
  }

  @Override
  public void close() {
    done = true;
    release();
  }
}
