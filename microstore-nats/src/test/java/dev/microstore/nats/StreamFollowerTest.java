package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live part of watches and near-cache replicas: every message of the stream, in order, once,
 * also when the client drops messages, when the server forgets the consumer, and never from a
 * stream created again under the same name.
 */
@SuppressWarnings("try") // Connection.close() may throw InterruptedException
class StreamFollowerTest {
  private static final Duration HEARTBEAT = Duration.ofMillis(300);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void clean() throws Exception {
    try (Connection nc = quietConnection(TestServers.shared().url())) {
      for (String b : List.of("follow-gap", "follow-lost")) {
        if (nc.keyValueManagement().getBucketNames().contains(b)) {
          nc.keyValueManagement().delete(b);
        }
      }
    }
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private static Connection quietConnection(String url) throws Exception {
    return Nats.connect(
        new Options.Builder()
            .server(url)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .errorListener(new io.nats.client.ErrorListener() {})
            .build());
  }

  /** Records what a follower hands over. */
  private static class Recorder implements StreamFollower.Handler {
    final List<Long> sequences = new CopyOnWriteArrayList<>();
    final CountDownLatch lost = new CountDownLatch(1);
    final List<String> gaps = new CopyOnWriteArrayList<>();

    @Override
    public boolean onMessage(Message message, long streamSequence) {
      sequences.add(streamSequence);
      return true;
    }

    @Override
    public void onStreamLost() {
      lost.countDown();
    }

    @Override
    public void onGap(long next, long firstHeld) {
      gaps.add(next + "<" + firstHeld);
    }
  }

  /** Follows bucket {@code bucket} after sequence {@code after} with the short heartbeat. */
  private StreamFollower follow(
      Connection nc, Dispatcher d, String bucket, long after, StreamFollower.Handler handler)
      throws Exception {
    JetStreamManagement jsm = nc.jetStreamManagement();
    return StreamFollower.start(
        nc,
        jsm,
        d,
        timer,
        jsm.getStreamInfo("KV_" + bucket),
        "$KV." + bucket + ".>",
        after,
        HEARTBEAT,
        handler);
  }

  @Test
  void messagesTheClientDrops_areDeliveredAgain_inOrder_exactlyOnce() throws Exception {
    try (Connection nc = quietConnection(TestServers.shared().url())) {
      nc.keyValueManagement().create(KeyValueConfiguration.builder().name("follow-gap").build());
      KeyValue kv = nc.keyValue("follow-gap");
      Dispatcher d = nc.createDispatcher();
      d.setPendingLimits(20, -1); // beyond 20 queued messages the client drops them
      CountDownLatch released = new CountDownLatch(1);
      Recorder recorder =
          new Recorder() {
            @Override
            public boolean onMessage(Message message, long streamSequence) {
              try {
                released.await(); // a slow handler: messages pile up behind the first one
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return super.onMessage(message, streamSequence);
            }
          };
      try (StreamFollower f = follow(nc, d, "follow-gap", 0, recorder)) {
        for (int i = 0; i < 1000; i++) {
          kv.put("k" + i, "v" + i); // one key each: the stream keeps every message
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> d.getDroppedCount() > 0);
        released.countDown();

        await()
            .atMost(30, TimeUnit.SECONDS)
            .until(() -> !recorder.sequences.isEmpty() && f.lastStreamSequence() == 1000);
        assertThat(recorder.sequences).containsExactlyElementsOf(range(1, 1000));
      }
    }
  }

  @Test
  @Tag("fault")
  void afterTheServerRestarts_theFollowerGoesOnFromTheNextSequence() throws Exception {
    try (NatsServer server = NatsServer.builder().binary(TestServers.binary()).start();
        Connection nc = quietConnection(server.url())) {
      nc.keyValueManagement()
          .create(
              KeyValueConfiguration.builder()
                  .name("follow-restart")
                  .storageType(StorageType.File)
                  .build());
      KeyValue kv = nc.keyValue("follow-restart");
      Recorder recorder = new Recorder();
      try (StreamFollower f = follow(nc, nc.createDispatcher(), "follow-restart", 0, recorder)) {
        for (int i = 0; i < 5; i++) {
          kv.put("k" + i, "before");
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> recorder.sequences.size() == 5);

        server.restart(); // the ephemeral consumer lives in memory: the server forgets it
        AtomicInteger written = new AtomicInteger();
        await()
            .atMost(30, TimeUnit.SECONDS)
            .ignoreExceptions()
            .until(
                () -> {
                  while (written.get() < 5) {
                    kv.put("k" + written.get(), "after");
                    written.incrementAndGet();
                  }
                  return true;
                });

        await().atMost(30, TimeUnit.SECONDS).until(() -> f.lastStreamSequence() == 10);
        assertThat(recorder.sequences).containsExactlyElementsOf(range(1, 10));
        assertThat(recorder.lost.getCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void aStreamDeletedAndCreatedAgain_isReportedLost_andNothingOfTheNewOneIsDelivered()
      throws Exception {
    try (Connection nc = quietConnection(TestServers.shared().url())) {
      nc.keyValueManagement().create(KeyValueConfiguration.builder().name("follow-lost").build());
      nc.keyValue("follow-lost").put("old", "1");
      Recorder recorder = new Recorder();
      try (StreamFollower f = follow(nc, nc.createDispatcher(), "follow-lost", 1, recorder)) {
        nc.keyValueManagement().delete("follow-lost");
        nc.keyValueManagement().create(KeyValueConfiguration.builder().name("follow-lost").build());
        for (int i = 0; i < 3; i++) {
          nc.keyValue("follow-lost").put("new" + i, "2");
        }

        assertThat(recorder.lost.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.sequences).isEmpty();
        assertThat(f.lastStreamSequence()).isEqualTo(1);
      }
    }
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
