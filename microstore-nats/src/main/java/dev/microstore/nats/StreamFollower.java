package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
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
 * while the connection was down), when the connection was re-established, or when no heartbeat came
 * for three intervals (the server restarted or failed over and lost the consumer, or an
 * administrator deleted it), a new consumer starts after the last stream sequence handed over. The
 * same happens when the handler, full, asked for a pause and then {@link #resume() resumes}: while
 * paused, the follower holds no consumer, so the server sends nothing.
 *
 * <p>Before each new consumer, the stream is looked up: when it is gone, or was deleted and created
 * again (its creation time changed), the follower stops and reports it, as later messages of a new
 * stream cannot continue the old one; when the stream no longer holds the next sequence (its first
 * sequence is past it), the follower stops and reports the gap instead of skipping it. A lookup
 * that fails (the server is not back yet) is tried again after a short, growing delay.
 */
final class StreamFollower implements AutoCloseable {
  /** Receives the followed messages, one at a time, in stream order. */
  interface Handler {
    /**
     * One message; called with the follower's lock held, so it must not block.
     *
     * @return true to go on, false to pause until {@link StreamFollower#resume()}
     */
    boolean onMessage(Message message, long streamSequence);

    /** The stream was deleted (or deleted and created again); nothing more will come. */
    void onStreamLost();

    /**
     * The stream no longer holds sequence {@code next}, the next one to hand over: {@code
     * firstHeld} is the lowest it holds. Nothing more will come.
     */
    void onGap(long next, long firstHeld);
  }

  /** The heartbeat interval of watches and near-cache replicas. */
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  /** The first delay before a failed lookup of the stream is tried again; it doubles up to 2 s. */
  private static final long FIRST_RETRY_MILLIS = 100;

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final Dispatcher dispatcher;
  private final ScheduledExecutorService timer;
  private final ConnectionListener reconnects = this::connectionEvent;
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
  private boolean restartAgain;
  private boolean paused;
  private boolean closed;
  private long retryMillis = FIRST_RETRY_MILLIS;

  private StreamFollower(
      Connection connection,
      JetStreamManagement jsm,
      Dispatcher dispatcher,
      ScheduledExecutorService timer,
      StreamInfo info,
      String filterSubject,
      long after,
      Duration heartbeat,
      Handler handler) {
    this.connection = connection;
    this.jsm = jsm;
    this.dispatcher = dispatcher;
    this.timer = timer;
    this.stream = info.getConfiguration().getName();
    this.created = info.getCreateTime();
    this.filterSubject = filterSubject;
    this.handler = handler;
    this.heartbeat = heartbeat;
    this.lastStreamSequence = after;
  }

  /**
   * Starts following {@code info}'s stream after sequence {@code after}, with the server sending a
   * heartbeat after {@code heartbeat} without messages ({@link #HEARTBEAT} but in tests). When
   * {@code info} shows that the stream no longer holds sequence {@code after + 1}, the handler
   * hears of the gap (on the calling thread) and the follower returned is closed.
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
            connection, jsm, dispatcher, timer, info, filterSubject, after, heartbeat, handler);
    long firstHeld = firstMissing(info, after + 1);
    if (firstHeld != 0) {
      f.close();
      handler.onGap(after + 1, firstHeld);
      return f;
    }
    try {
      connection.addConnectionListener(f.reconnects);
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

  /**
   * When {@code info}'s stream no longer holds sequence {@code next} although it had it (its first
   * sequence is past it), the first sequence it holds; else 0.
   */
  private static long firstMissing(StreamInfo info, long next) {
    long first = info.getStreamState().getFirstSequence();
    long last = info.getStreamState().getLastSequence();
    return next < first && next <= last ? first : 0;
  }

  private void onMessage(int gen, Message m) {
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
      if (!handler.onMessage(m, ack.streamSequence)) {
        pause();
      }
    }
  }

  /** Stops taking messages: the consumer is dropped until {@link #resume()}. Holds the lock. */
  private void pause() {
    paused = true;
    dropConsumer();
  }

  /** Goes on after a pause, with a new consumer after the last sequence handed over. */
  void resume() {
    synchronized (this) {
      if (!paused) {
        return;
      }
      paused = false;
      lastHeard = 0;
    }
    restart();
  }

  /** A re-established connection: messages may have been missed, and the consumer may be gone. */
  private void connectionEvent(Connection conn, ConnectionListener.Events event) {
    if (event != ConnectionListener.Events.RECONNECTED
        && event != ConnectionListener.Events.RESUBSCRIBED) {
      return;
    }
    synchronized (this) {
      if (closed || paused) {
        return;
      }
      dropConsumer();
    }
    restart();
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
    dropConsumer();
    restart();
  }

  /** Ignores the current consumer from now on. Holds the lock. */
  private void dropConsumer() {
    generation++;
    lastHeard = 0;
    unsubscribe();
  }

  private void checkHeartbeats() {
    synchronized (this) {
      boolean heard = lastHeard != 0 && System.nanoTime() - lastHeard < 3 * heartbeat.toNanos();
      if (closed || restarting || paused || heard) {
        return;
      }
    }
    restart();
  }

  /** Starts a new consumer on another thread than the dispatcher's (it waits for replies). */
  private void restart() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (restarting) {
        restartAgain = true; // the restart under way may have decided before this request
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
    boolean retry = false;
    boolean again = false;
    long next = 0;
    long firstHeld = 0;
    try {
      StreamInfo info = jsm.getStreamInfo(stream);
      gone = created != null && !created.equals(info.getCreateTime());
      if (!gone) {
        synchronized (this) {
          next = lastStreamSequence + 1;
          firstHeld = firstMissing(info, next);
          if (!closed && !paused && firstHeld == 0) {
            subscribe();
            retryMillis = FIRST_RETRY_MILLIS;
          }
        }
      }
    } catch (JetStreamApiException e) {
      gone = e.getApiErrorCode() == 10059; // stream not found
      retry = !gone;
    } catch (IOException | RuntimeException e) {
      retry = true; // not reachable now
    } finally {
      synchronized (this) {
        restarting = false;
        // a resume or reconnect that came while this one had decided not to subscribe
        again = restartAgain && sub == null && !paused && !closed;
        restartAgain = false;
      }
    }
    if (gone) {
      close();
      handler.onStreamLost();
    } else if (firstHeld != 0) {
      close();
      handler.onGap(next, firstHeld);
    } else if (again) {
      restart();
    } else if (retry) {
      retryLater();
    }
  }

  /** Tries the lookup again after a delay that doubles up to the heartbeat interval. */
  private void retryLater() {
    long delay;
    synchronized (this) {
      if (closed) {
        return;
      }
      delay = retryMillis;
      retryMillis = Math.min(2 * retryMillis, heartbeat.toMillis());
    }
    try {
      timer.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException storeClosing) {
      // the store is closing
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
    connection.removeConnectionListener(reconnects);
    if (m != null) {
      m.cancel(false);
    }
  }
}
