package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server behaviour the store's idempotent resend rests on, pinned on every server version the
 * suite runs: a message resent with the same {@code Nats-Msg-Id} is answered with the first
 * message's acknowledgement and stored once. A resend carrying an expected-last-subject-sequence
 * condition that the first message itself made false is answered as a duplicate by 2.9, but refused
 * with "wrong last sequence" (10071) by 2.15, which checks the condition first: the store tells the
 * two apart by looking for its message id on the key ({@link Writes}). A KV bucket created by
 * another client (as Go services create them) deduplicates for two minutes.
 */
class MessageIdDeduplicationTest {
  private static Connection raw;
  private static JetStream js;

  @BeforeAll
  static void connect() throws Exception {
    raw = TestServers.rawConnection();
    js = raw.jetStream();
  }

  @AfterAll
  static void close() throws Exception {
    raw.close();
  }

  private static String bucket(String name) throws Exception {
    raw.keyValueManagement()
        .create(KeyValueConfiguration.builder().name(name).maxHistoryPerKey(5).build());
    return "$KV." + name + ".k";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aResentPublish_isAnsweredWithTheFirstAcknowledgement_andStoredOnce() throws Exception {
    String subject = bucket("dedupe-plain");
    PublishOptions id = PublishOptions.builder().messageId("id-0").build();
    PublishAck stored = js.publish(subject, bytes("v1"), id);
    PublishAck again = js.publish(subject, bytes("v1"), id);

    assertThat(stored.isDuplicate()).isFalse();
    assertThat(again.isDuplicate()).isTrue();
    assertThat(again.getSeqno()).isEqualTo(stored.getSeqno());
    assertThat(raw.keyValue("dedupe-plain").history("k")).hasSize(1);
  }

  @Test
  void aResentConditionalPublish_isADuplicateOn29_andRefusedOn215_storedOnceEither()
      throws Exception {
    String subject = bucket("dedupe-cond");
    PublishOptions first =
        PublishOptions.builder().messageId("id-1").expectedLastSubjectSequence(0).build();
    PublishAck stored = js.publish(subject, bytes("v1"), first);

    Throwable refused = null;
    PublishAck again = null;
    try {
      again = js.publish(subject, bytes("v1"), first);
    } catch (JetStreamApiException e) {
      refused = e;
    }

    if (TestServers.binary().isAtLeast(2, 15)) {
      assertThat(refused)
          .isInstanceOf(JetStreamApiException.class)
          .satisfies(
              e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10071));
    } else if (!TestServers.binary().isAtLeast(2, 10)) {
      assertThat(again).isNotNull();
      assertThat(again.isDuplicate()).isTrue();
      assertThat(again.getSeqno()).isEqualTo(stored.getSeqno());
    }
    assertThat(raw.keyValue("dedupe-cond").history("k")).hasSize(1);
  }

  @Test
  void aBucketCreatedByAnotherClient_deduplicatesForTwoMinutes() throws Exception {
    bucket("dedupe-window");
    StreamInfo info = raw.jetStreamManagement().getStreamInfo("KV_dedupe-window");
    assertThat(info.getConfiguration().getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
  }
}
