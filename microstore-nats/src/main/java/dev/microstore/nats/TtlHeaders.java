package dev.microstore.nats;

import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The headers of a write with a per-record time to live.
 *
 * <p>Every such write carries {@value #EXPIRES_AT} (the expiry instant, RFC 3339), from which
 * readers of this library compute the remaining time and skip expired records. When the bucket
 * allows per-message TTLs (nats-server 2.11+, buckets this store creates there), the write also
 * carries {@code Nats-TTL}, so the server removes the record and leaves a marker that every client,
 * Go services included, sees; and {@code Nats-Rollup: sub}, which drops the key's older revisions
 * so an expiring revision can never uncover an older value (NATS ADR-48). Elsewhere the record
 * stays on the server until a reader of this library finds it expired and deletes it.
 */
final class TtlHeaders {
  static final String EXPIRES_AT = "Microstore-Expires-At";
  static final String NATS_TTL = "Nats-TTL";

  /** Marks the delete a reader writes when it finds a record expired (servers without TTLs). */
  static final String EXPIRED = "Microstore-Expired";

  static final String NATS_ROLLUP = "Nats-Rollup";

  private TtlHeaders() {}

  static @Nullable Headers forWrite(
      Duration ttl, @Nullable Instant expiresAt, Buckets.Bucket bucket) {
    if (expiresAt == null) {
      return null;
    }
    Headers h = new Headers().put(EXPIRES_AT, expiresAt.toString());
    if (bucket.nativeTtl) {
      long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
      h.put(NATS_TTL, seconds + "s");
      h.put(NATS_ROLLUP, "sub");
    }
    return h;
  }
}
