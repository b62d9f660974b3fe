package dev.microstore.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.Error;
import io.nats.client.impl.Headers;
import io.nats.client.support.Status;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The direct get of a key's last message: a plain request to {@code <api
 * prefix>DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>} with an empty body, answered by any server
 * holding the stream (KV buckets allow direct gets). The reply is the stored message itself, with
 * its headers plus {@code Nats-Sequence}, or a status: 404 when the key has no message.
 *
 * <p>This is what jnats' {@code KeyValue.get} sends; doing it here avoids building a {@code
 * MessageInfo} (which parses the timestamp) and lets the same request be sent asynchronously.
 */
final class DirectGet {
  static final String SEQUENCE = "Nats-Sequence";
  static final byte[] EMPTY = new byte[0];

  private DirectGet() {}

  /** The last message of a key. */
  static final class Stored {
    final byte[] data;
    final @Nullable Headers headers;
    final long sequence;

    Stored(byte[] data, @Nullable Headers headers, long sequence) {
      this.data = data;
      this.headers = headers;
      this.sequence = sequence;
    }
  }

  static String subject(String apiPrefix, String db, String storedKey) {
    return apiPrefix + "DIRECT.GET.KV_" + db + ".$KV." + db + "." + storedKey;
  }

  /**
   * The stored message of a reply, or null when the key has no message.
   *
   * @throws JetStreamApiException for an error status
   * @throws IOException when the reply is malformed
   */
  static @Nullable Stored parse(Message reply) throws JetStreamApiException, IOException {
    if (reply.isStatusMessage()) {
      Status status = reply.getStatus();
      if (status.getCode() == 404) {
        return null;
      }
      if (status.getCode() == 503) {
        throw new Requests.NoResponders(reply.getSubject());
      }
      throw new JetStreamApiException(Error.convert(status));
    }
    Headers h = reply.getHeaders();
    String seq = h == null ? null : h.getFirst(SEQUENCE);
    if (seq == null) {
      throw new IOException("direct get: the reply has no " + SEQUENCE + " header");
    }
    long sequence;
    try {
      sequence = Long.parseLong(seq);
    } catch (NumberFormatException e) {
      throw new IOException("direct get: malformed " + SEQUENCE + " header \"" + seq + "\"", e);
    }
    byte[] data = reply.getData();
    return new Stored(data == null ? EMPTY : data, h, sequence);
  }
}
