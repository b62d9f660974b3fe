package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Follows a bucket's stream from a sequence on, delivering every message in stream order on a
 * dispatcher: the live part of a watch and of a near-cache replica.
 *
 * <p>It is a pull consumer of the store's own (no acknowledgements, in memory, one replica) read
 * through a plain subscription: one pull request of up to {@code batch} messages is outstanding at
 * a time, with idle heartbeats, and the next one is sent when it is fulfilled or expires. When the
 * handler is full, the follower stops asking ({@link #resume()} asks again), so the server holds
 * the messages, not the client. The consumer sequence of each message is read from its reply
 * subject; when one is missing (the client dropped messages, or the server delivered while the
 * connection was down), when the connection was re-established, when the server says the consumer
 * is gone, or when no heartbeat came for three intervals while asking (the server restarted or
 * failed over and lost the consumer, or an administrator deleted it), a new consumer starts after
 * the last stream sequence handed over.
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
  static final Duration HEARTBEAT = Duration.ofSeconds(2);

  /** The first delay before a failed lookup of the stream is tried again; it doubles up to 2 s. */
  private static final long FIRST_RETRY_MILLIS = 100;

  private final Connection connection;
  private final String apiPrefix;
  private final int batch;
  private final JetStreamManagement jsm;
  private final Dispatcher dispatcher;
  private final ScheduledExecutorService timer;
  private final ConnectionListener reconnects = this::connectionEvent;
  private final String stream;
  private final String filterSubject;
  private final Handler handler;
  private final Duration heartbeat;
  private final @Nullable ZonedDateTime created;
  // whether the stream's limits remove messages (not only older revisions of a key)
  private final boolean removesMessages;

  // guarded by this
  private @Nullable ScheduledFuture<?> monitor;
  private @Nullable Subscription sub;
  private @Nullable String pullSubject;
  private @Nullable String inbox;
  private int outstanding;
  private long lastPending;
  private boolean caughtUpUnknown = true;
  private @Nullable ArrayDeque<Held> checking;
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
      String apiPrefix,
      int batch,
      JetStreamManagement jsm,
      Dispatcher dispatcher,
      ScheduledExecutorService timer,
      StreamInfo info,
      String filterSubject,
      long after,
      Duration heartbeat,
      Handler handler) {
    this.connection = connection;
    this.apiPrefix = apiPrefix;
    this.batch = batch;
    this.jsm = jsm;
    this.dispatcher = dispatcher;
    this.timer = timer;
    this.stream = info.getConfiguration().getName();
    this.created = info.getCreateTime();
    io.nats.client.api.StreamConfiguration sc = info.getConfiguration();
    this.removesMessages =
        sc.getMaxMsgs() > 0
            || sc.getMaxBytes() > 0
            || (sc.getMaxAge() != null && !sc.getMaxAge().isZero());
    this.filterSubject = filterSubject;
    this.handler = handler;
    this.heartbeat = heartbeat;
    this.lastStreamSequence = after;
  }

  /**
   * Starts following {@code info}'s stream after sequence {@code after}, asking for up to {@code
   * batch} messages at a time, with the server sending a heartbeat after {@code heartbeat} without
   * messages ({@link #HEARTBEAT} but in tests). When {@code info} shows that the stream no longer
   * holds sequence {@code after + 1}, the handler hears of the gap (on the calling thread) and the
   * follower returned is closed.
   *
   * @throws IOException or JetStreamApiException when the consumer cannot be created
   */
  static StreamFollower start(
      Connection connection,
      String apiPrefix,
      int batch,
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
            connection,
            apiPrefix,
            batch,
            jsm,
            dispatcher,
            timer,
            info,
            filterSubject,
            after,
            heartbeat,
            handler);
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
    String box = connection.createInbox();
    sub = dispatcher.subscribe(box, m -> onMessage(gen, m));
    ConsumerConfiguration cc =
        ConsumerConfiguration.builder()
            .filterSubject(filterSubject)
            .ackPolicy(AckPolicy.None)
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(lastStreamSequence + 1)
            .memStorage(true)
            .numReplicas(1)
            .inactiveThreshold(heartbeat.multipliedBy(5))
            .build();
    expectedConsumerSequence = 1;
    caughtUpUnknown = true;
    lastHeard = System.nanoTime();
    ConsumerInfo ci = jsm.addOrUpdateConsumer(stream, cc);
    inbox = box;
    pullSubject = apiPrefix + "CONSUMER.MSG.NEXT." + stream + "." + ci.getName();
    outstanding = 0;
    if (!paused) {
      pull();
    }
  }

  /** Asks for the next messages: one request at a time, with heartbeats. Holds the lock. */
  private void pull() {
    String subject = pullSubject;
    String box = inbox;
    if (subject == null || box == null || outstanding > 0 || checking != null) {
      return;
    }
    outstanding = batch;
    lastHeard = System.nanoTime();
    String request =
        "{\"batch\":"
            + batch
            + ",\"expires\":"
            + heartbeat.multipliedBy(5).toNanos()
            + ",\"idle_heartbeat\":"
            + heartbeat.toNanos()
            + "}";
    try {
      connection.publish(subject, box, request.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalStateException closing) {
      // the connection is closing or closed
    }
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
      outstanding--;
      boolean behind = lastPending > 0 || caughtUpUnknown;
      lastPending = ack.pending;
      caughtUpUnknown = false;
      if (checking == null
          && removesMessages
          && behind
          && ack.streamSequence > lastStreamSequence + 1) {
        // messages were skipped: other keys, or removed by the stream's limits before delivery
        checking = new ArrayDeque<>();
        Thread t = new Thread(() -> checkSkipped(gen), "microstore-follow-check-" + stream);
        t.setDaemon(true);
        t.start();
      }
      if (checking != null) {
        checking.add(new Held(m, ack.streamSequence));
        return;
      }
      handOver(m, ack.streamSequence);
    }
  }

  /** Hands a message to the handler and asks for more when the request is done. Holds the lock. */
  private void handOver(Message m, long streamSequence) {
    lastStreamSequence = streamSequence;
    if (!handler.onMessage(m, streamSequence)) {
      paused = true; // what the current request still brings is handed over; no new request
    }
    if (outstanding <= 0 && !paused && checking == null) {
      pull();
    }
  }

  /** A message held back while a skip is checked. */
  private static final class Held {
    final Message message;
    final long streamSequence;

    Held(Message message, long streamSequence) {
      this.message = message;
      this.streamSequence = streamSequence;
    }
  }

  /**
   * Checks whether the stream still holds the sequence after the last one handed over: if its
   * limits removed it, the gap is reported; else the held messages are handed over.
   */
  private void checkSkipped(int gen) {
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(stream);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      synchronized (this) {
        if (gen == generation && !closed) {
          checking = null;
          lost(); // not reachable now: start again after the last message handed over
        }
      }
      return;
    }
    long next;
    long firstHeld;
    synchronized (this) {
      if (gen != generation || closed || checking == null) {
        return;
      }
      next = lastStreamSequence + 1;
      firstHeld = firstMissing(info, next);
      if (firstHeld == 0) {
        ArrayDeque<Held> held = checking;
        checking = null;
        for (Held h : held) {
          handOver(h.message, h.streamSequence);
        }
        if (outstanding <= 0 && !paused) {
          pull();
        }
        return;
      }
    }
    close();
    handler.onGap(next, firstHeld);
  }

  /** Asks for messages again after the handler was full. */
  void resume() {
    synchronized (this) {
      if (!paused || closed) {
        return;
      }
      paused = false;
      caughtUpUnknown = true;
      if (checking == null) {
        pull();
      }
    }
  }

  /** A re-established connection: messages may have been missed, and the consumer may be gone. */
  private void connectionEvent(Connection conn, ConnectionListener.Events event) {
    if (event != ConnectionListener.Events.RECONNECTED
        && event != ConnectionListener.Events.RESUBSCRIBED) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      dropConsumer();
    }
    restart();
  }

  /**
   * A status of the pull request: a heartbeat, the end of a request (expired, or refused), or the
   * consumer gone (deleted, a new leader, no responders). Holds the lock.
   */
  private void answer(Message status) {
    int code = status.getStatus() == null ? 0 : status.getStatus().getCode();
    String text = status.getStatus() == null ? "" : status.getStatus().getMessage();
    if (code == 503 || (code == 409 && (text.contains("Deleted") || text.contains("Leadership")))) {
      lost();
      return;
    }
    Headers h = status.getHeaders();
    if (code == 100) {
      // the server's last consumer sequence: beyond the last one received, messages were lost
      if (number(h, "Nats-Last-Consumer") > expectedConsumerSequence - 1) {
        lost();
      }
      return;
    }
    // 408 (expired), 404 or another 409: this request is over; it tells how much it left unsent
    long unsent = number(h, "Nats-Pending-Messages");
    if (unsent >= 0 && batch - unsent > batch - outstanding) {
      lost(); // the server sent more for this request than arrived
      return;
    }
    outstanding = 0;
    if (!paused) {
      pull();
    }
  }

  /** A numeric header, or -1 when missing or not a number. */
  private static long number(@Nullable Headers h, String name) {
    String v = h == null ? null : h.getFirst(name);
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
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
    checking = null;
    caughtUpUnknown = true;
    lastHeard = 0;
    outstanding = 0;
    pullSubject = null;
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
          if (!closed && firstHeld == 0) {
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
        again = restartAgain && sub == null && !closed;
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
