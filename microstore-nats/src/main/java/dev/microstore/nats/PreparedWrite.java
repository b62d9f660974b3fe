package dev.microstore.nats;

import dev.microstore.Record;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A write or delete checked and encoded, ready to publish: its target, body, lifetime, condition
 * and the message id every attempt to publish it carries, so that the stream stores it once however
 * often it is sent (within the stream's duplicate window).
 *
 * <p>Immutable.
 */
final class PreparedWrite {
  final Target target;

  /** The record written, or null for a delete. */
  final @Nullable Record record;

  final byte[] body;
  final Duration ttl;
  final @Nullable Instant expiresAt;
  final Instant now;

  /** The revision the key must have, 0 for ifAbsent, -1 for no condition. */
  final long condition;

  final String messageId = MESSAGE_IDS.get().next();

  /**
   * One NUID generator per thread: {@code NUID.nextGlobal()} is one synchronized generator that
   * writers on many threads wait for. Each generator starts from its own random prefix, so ids stay
   * unique across threads.
   */
  private static final ThreadLocal<NUID> MESSAGE_IDS = ThreadLocal.withInitial(NUID::new);

  PreparedWrite(
      Target target,
      @Nullable Record record,
      byte[] body,
      Duration ttl,
      @Nullable Instant expiresAt,
      Instant now,
      long condition) {
    this.target = target;
    this.record = record;
    this.body = body;
    this.ttl = ttl;
    this.expiresAt = expiresAt;
    this.now = now;
    this.condition = condition;
  }

  boolean isDelete() {
    return record == null;
  }

  boolean ifAbsent() {
    return condition == 0;
  }

  /** What the condition wanted, for messages: {@code to be absent}, {@code to have revision 7}. */
  String wanted() {
    return condition == 0 ? "to be absent" : "to have revision " + condition;
  }

  String what() {
    return target.what(isDelete() ? "deleting" : "writing");
  }

  /** The headers of the stored message: a delete marker, or the lifetime of a record. */
  Headers headers(Buckets.Bucket bucket) {
    Headers headers =
        isDelete() ? Wire.deleteMarker() : TtlHeaders.forWrite(ttl, expiresAt, bucket);
    return headers == null ? new Headers() : headers;
  }

  /**
   * The message of one attempt, expecting the subject's last sequence {@code expected} (-1: none).
   */
  NatsMessage message(Buckets.Bucket bucket, long expected) {
    Headers headers = headers(bucket);
    headers.put(Wire.MSG_ID, messageId);
    if (expected >= 0) {
      headers.put(Wire.EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expected));
    }
    return NatsMessage.builder().subject(target.subject).headers(headers).data(body).build();
  }
}
