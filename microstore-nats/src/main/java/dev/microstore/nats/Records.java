package dev.microstore.nats;

import dev.microstore.Record;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Stored messages as records: the envelope decoded, the expiry read from {@link TtlHeaders}. A
 * leaf: it uses only the codecs.
 */
final class Records {
  private Records() {}

  /** The time left before a record expires: null when it has expired, zero for never. */
  static @Nullable Duration timeLeft(@Nullable Headers headers, Instant now) {
    Instant at = expiresAt(headers);
    if (at == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, at);
    return left.isNegative() || left.isZero() ? null : left;
  }

  /** The expiry instant a message carries, or null for none (or a malformed one). */
  static @Nullable Instant expiresAt(@Nullable Headers headers) {
    String at = headers == null ? null : headers.getFirst(TtlHeaders.EXPIRES_AT);
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException malformed) {
      return null;
    }
  }

  /** Whether a message holds a live record at {@code now}: not a marker and not expired. */
  static boolean live(@Nullable Headers headers, Instant now) {
    return !Wire.isDeleteMarker(headers) && timeLeft(headers, now) != null;
  }

  /** Decodes a stored value into a record, or null when it has expired. */
  static @Nullable Record toRecord(
      String key, byte @Nullable [] stored, @Nullable Headers headers, long revision, Instant now) {
    Duration left = timeLeft(headers, now);
    if (left == null) {
      return null;
    }
    return decode(key, stored, revision, left);
  }

  static Record decode(String key, byte @Nullable [] stored, long revision, Duration left) {
    EnvelopeCodec.Decoded d = EnvelopeCodec.decode(stored == null ? DirectGet.EMPTY : stored);
    Record.Builder b = Record.builder(key).value(d.data).expiry(left).revision(revision);
    if (!d.metadata.isEmpty()) {
      try {
        b.metadata(d.metadata);
      } catch (IllegalArgumentException tooDeep) {
        // metadata this API cannot represent (nested deeper than its limit): the value is kept
      }
    }
    return b.build();
  }
}
