package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Follows a bucket's stream from a sequence on, delivering every message in stream order on a
 * dispatcher: the live part of a watch and of a near-cache replica.
 *
 * <p>It is a push consumer of the store's own (no acknowledgements, in memory, one replica, flow
 * control and heartbeats) on a plain subscription. The consumer sequence of each message is read
 * from its reply subject; when one is missing (the client dropped messages, or the server delivered
 * while the connection was down), or when no heartbeat came for three intervals (the server
 * restarted and lost the consumer), a new consumer starts after the last stream sequence handed
 * over. Before that, the stream is looked up: when it is gone, or was deleted and created again
 * (its creation time changed), the follower stops and reports it, as later messages of a new stream
 * cannot continue the old one.
 */
final class StreamFollower implements AutoCloseable {
  /** Receives the followed messages, one at a time, in stream order. */
  interface Handler {
    void onMessage(Message message, long streamSequence);

    /** The stream was deleted (or deleted and created again); nothing more will come. */
    void onStreamLost();
  }

  /** The heartbeat interval of watches and near-cache replicas. */
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final Dispatcher dispatcher;
  private final String stream;
  private final String filterSubject;
  private final Handler handler;
  private final Duration heartbeat;
  private final @Nullable ZonedDateTime created;

  // guarded by this
  private @Nullable ScheduledFuture<?> monitor;
  private @Nullable Subscription sub;
  private int generation;
  private long expectedConsumerSequence;
  private long lastStreamSequence;
  private long lastHeard;
  private boolean restarting;
  private boolean closed;

  private StreamFollower(
      Connection connection,
      JetStreamManagement jsm,
      Dispatcher dispatcher,
      StreamInfo info,
      String filterSubject,
      long after,
      Duration heartbeat,
      Handler handler) {
    this.connection = connection;
    this.jsm = jsm;
    this.dispatcher = dispatcher;
    this.stream = info.getConfiguration().getName();
    this.created = info.getCreateTime();
    this.filterSubject = filterSubject;
    this.handler = handler;
    this.heartbeat = heartbeat;
    this.lastStreamSequence = after;
  }

  /**
   * Starts following {@code info}'s stream after sequence {@code after}, with the server sending a
   * heartbeat after {@code heartbeat} without messages ({@link #HEARTBEAT} but in tests).
   *
   * @throws IOException or JetStreamApiException when the consumer cannot be created
   */
  static StreamFollower start(
      Connection connection,
      JetStreamManagement jsm,
      Dispatcher dispatcher,
      ScheduledExecutorService timer,
      StreamInfo info,
      String filterSubject,
      long after,
      Duration heartbeat,
      Handler handler)
      throws IOException, JetStreamApiException {
    StreamFollower f =
        new StreamFollower(
            connection, jsm, dispatcher, info, filterSubject, after, heartbeat, handler);
    try {
      synchronized (f) {
        long period = heartbeat.toMillis();
        f.monitor =
            timer.scheduleWithFixedDelay(f::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
        f.subscribe();
      }
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      f.close();
      throw e;
    }
    return f;
  }

  /** The last stream sequence handed to the handler (or the one the follower started after). */
  synchronized long lastStreamSequence() {
    return lastStreamSequence;
  }

  /** Creates a consumer from the sequence after the last one handed over. Holds the lock. */
  private void subscribe() throws IOException, JetStreamApiException {
    unsubscribe();
    int gen = ++generation;
    String inbox = connection.createInbox();
    sub = dispatcher.subscribe(inbox, m -> onMessage(gen, m));
    ConsumerConfiguration cc =
        BucketScan.pushConsumer(inbox, filterSubject, heartbeat)
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(lastStreamSequence + 1)
            .build();
    expectedConsumerSequence = 1;
    lastHeard = System.nanoTime();
    jsm.addOrUpdateConsumer(stream, cc);
  }

  private void onMessage(int gen, Message m) {
    long sequence;
    synchronized (this) {
      if (closed || gen != generation) {
        return;
      }
      lastHeard = System.nanoTime();
      if (m.isStatusMessage()) {
        answer(m);
        return;
      }
      BucketScan.AckReply ack = m.isJetStream() ? BucketScan.AckReply.parse(m.getReplyTo()) : null;
      if (ack == null) {
        return;
      }
      if (ack.consumerSequence != expectedConsumerSequence) {
        lost();
        return;
      }
      expectedConsumerSequence++;
      lastStreamSequence = ack.streamSequence;
      sequence = ack.streamSequence;
    }
    handler.onMessage(m, sequence);
  }

  /** Answers flow control and stalled heartbeats; checks a heartbeat's last consumer sequence. */
  private void answer(Message status) {
    if (BucketScan.answerFlowControl(connection, status)) {
      return;
    }
    Headers h = status.getHeaders();
    String lastConsumer = h == null ? null : h.getFirst("Nats-Last-Consumer");
    if (lastConsumer != null) {
      try {
        if (Long.parseLong(lastConsumer) > expectedConsumerSequence - 1) {
          // the server delivered messages that never arrived
          lost();
        }
      } catch (NumberFormatException ignored) {
        // not a number: nothing to compare
      }
    }
  }

  /** Messages were lost: ignore the current consumer and start another one. Holds the lock. */
  private void lost() {
    generation++;
    lastHeard = 0;
    restart();
  }

  private void checkHeartbeats() {
    synchronized (this) {
      boolean heard = lastHeard != 0 && System.nanoTime() - lastHeard < 3 * heartbeat.toNanos();
      if (closed || restarting || heard) {
        return;
      }
    }
    restart();
  }

  /** Starts a new consumer on another thread than the dispatcher's (it waits for replies). */
  private void restart() {
    synchronized (this) {
      if (closed || restarting) {
        return;
      }
      restarting = true;
    }
    Thread t = new Thread(this::resubscribe, "microstore-follow-" + stream);
    t.setDaemon(true);
    t.start();
  }

  private void resubscribe() {
    boolean gone = false;
    try {
      StreamInfo info = jsm.getStreamInfo(stream);
      gone = created != null && !created.equals(info.getCreateTime());
      if (!gone) {
        synchronized (this) {
          if (!closed) {
            subscribe();
          }
        }
      }
    } catch (JetStreamApiException e) {
      gone = e.getApiErrorCode() == 10059; // stream not found
    } catch (IOException | RuntimeException e) {
      // not reachable now: the heartbeat check tries again
    } finally {
      synchronized (this) {
        restarting = false;
      }
    }
    if (gone) {
      close();
      handler.onStreamLost();
    }
  }

  private void unsubscribe() {
    Subscription s = sub;
    sub = null;
    if (s != null) {
      try {
        dispatcher.unsubscribe(s);
      } catch (RuntimeException closing) {
        // the connection is closing; the server removes the ephemeral consumer by itself
      }
    }
  }

  @Override
  public void close() {
    ScheduledFuture<?> m;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      unsubscribe();
      m = monitor;
    }
    if (m != null) {
      m.cancel(false);
    }
  }
}
