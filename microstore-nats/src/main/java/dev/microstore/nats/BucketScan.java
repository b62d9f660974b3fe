package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
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
  /** How long a pass waits for the stream's last message once every key was delivered. */
  private static final Duration SETTLE = Duration.ofMillis(200);

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
      JetStreamManagement jsm,
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
      if (sub.getConsumerInfo().getCalculatedPending() == 0) {
        return 0;
      }
      long until = Long.MAX_VALUE;
      long highest = 0;
      boolean wholeBucket = filterSubject.equals("$KV." + stream.substring(3) + ".>");
      while (true) {
        Message m = sub.nextMessage(until == Long.MAX_VALUE ? timeout : SETTLE);
        if (m == null && until != Long.MAX_VALUE) {
          // the stream's last message was removed before it could be delivered: all is in
          return highest;
        }
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
        sink.accept(m);
        // the reply subject ends with the pending count: parse the metadata only when it may be 0
        // (messages come in stream order, so the last one has the highest sequence)
        String reply = m.getReplyTo();
        if ((reply == null || reply.endsWith(".0")) && m.metaData().pendingCount() == 0) {
          // Under concurrent overwrites the pending count of last-per-subject delivery can reach
          // zero while a key whose last message was replaced during the pass is still to come
          // (after the other keys, as a new message). Over a whole bucket every message matches,
          // so the pass goes on until the stream's last sequence, asked for now, is delivered.
          long sequence = m.metaData().streamSequence();
          highest = sequence;
          if (!wholeBucket || sequence >= until) {
            return sequence;
          }
          if (until == Long.MAX_VALUE) {
            // asked once: a key replaced before its turn was replaced before this moment, so its
            // new message is at or below the stream's last sequence now
            until = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
            if (sequence >= until) {
              return sequence;
            }
          }
        } else if (until != Long.MAX_VALUE) {
          highest = m.metaData().streamSequence();
          if (highest >= until) {
            return highest;
          }
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
