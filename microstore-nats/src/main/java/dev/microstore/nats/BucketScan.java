package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One pass over the latest message of every key of a bucket: an ordered consumer delivering the
 * last message per subject, with or without payloads, read on the calling thread. Delete markers
 * are delivered too. The consumer is removed when the pass ends.
 */
final class BucketScan {
  private BucketScan() {}

  /**
   * Hands the last message of every key to {@code sink} and returns after the last one.
   *
   * @return the highest stream sequence delivered, 0 when none
   * @throws StoreException when the server sends nothing for {@code timeout}
   * @throws RuntimeException from jnats, for the caller to classify
   */
  static long scan(
      JetStream js,
      String stream,
      String filterSubject,
      boolean headersOnly,
      Duration timeout,
      Consumer<Message> sink) {
    ConsumerConfiguration cc =
        ConsumerConfiguration.builder()
            .deliverPolicy(DeliverPolicy.LastPerSubject)
            .headersOnly(headersOnly)
            .filterSubject(filterSubject)
            .build();
    PushSubscribeOptions pso =
        PushSubscribeOptions.builder().stream(stream).ordered(true).configuration(cc).build();
    JetStreamSubscription sub;
    try {
      sub = js.subscribe(filterSubject, pso);
    } catch (IOException | JetStreamApiException e) {
      throw new ScanFailure(e);
    }
    try {
      long highest = 0;
      if (sub.getConsumerInfo().getCalculatedPending() == 0) {
        return highest;
      }
      while (true) {
        Message m = sub.nextMessage(timeout);
        if (m == null) {
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
        if (!m.isJetStream()) {
          continue;
        }
        highest = Math.max(highest, m.metaData().streamSequence());
        sink.accept(m);
        if (m.metaData().pendingCount() == 0) {
          return highest;
        }
      }
    } catch (IOException | JetStreamApiException e) {
      throw new ScanFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("scanning stream " + stream + ": interrupted", e);
    } finally {
      try {
        sub.unsubscribe();
      } catch (RuntimeException ignored) {
        // the connection may be closing; the server removes the ephemeral consumer by itself
      }
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
