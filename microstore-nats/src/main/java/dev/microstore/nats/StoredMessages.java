package dev.microstore.nats;

import dev.microstore.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads single stored messages of a key: its last one by direct get (any replica may answer), or
 * from the stream leader ({@code STREAM.MSG.GET}, which sees every acknowledged write): the last
 * one, or the first at or after a sequence.
 *
 * <p>Thread-safe; blocking: never call it on a jnats thread.
 */
final class StoredMessages {
  private final Backend backend;

  StoredMessages(Backend backend) {
    this.backend = backend;
  }

  /**
   * The key's last message, or null when it has none: a direct get (a plain request, as jnats'
   * KeyValue.get sends it) where that sees every acknowledged write ({@link
   * Buckets.Bucket#directGetsAreCurrent}), else the stream leader's message-get API.
   */
  DirectGet.@Nullable Stored last(Buckets.Bucket bucket, Target t)
      throws IOException, JetStreamApiException {
    if (bucket.directGetsAreCurrent()) {
      Message request =
          NatsMessage.builder()
              .subject(DirectGet.subject(backend.apiPrefix, t.db, t.stored))
              .data(DirectGet.EMPTY)
              .build();
      return DirectGet.parse(call(request));
    }
    return leaderLast(t);
  }

  /** The key's last message as the stream leader has it, or null when there is none. */
  DirectGet.@Nullable Stored leaderLast(Target t) throws IOException, JetStreamApiException {
    return leader(t.db, MessageGetRequest.lastForSubject(t.subject));
  }

  /** The key's first message at or after {@code sequence} as the leader has it, or null. */
  DirectGet.@Nullable Stored leaderNext(Target t, long sequence)
      throws IOException, JetStreamApiException {
    return leader(t.db, MessageGetRequest.nextForSubject(Math.max(1, sequence), t.subject));
  }

  private DirectGet.@Nullable Stored leader(String db, MessageGetRequest get)
      throws IOException, JetStreamApiException {
    String stream = Wire.streamName(db);
    Message response =
        call(
            NatsMessage.builder()
                .subject(backend.apiPrefix + "STREAM.MSG.GET." + stream)
                .data(get.serialize())
                .build());
    if (response.isStatusMessage()) {
      throw new JetStreamStatusException(response.getStatus());
    }
    MessageInfo mi = new MessageInfo(response, stream, false);
    if (mi.hasError()) {
      if (mi.getApiErrorCode() == NatsErrors.NO_MESSAGE_FOUND) {
        return null;
      }
      mi.throwOnHasError();
    }
    byte[] data = mi.getData();
    return new DirectGet.Stored(
        data == null ? DirectGet.EMPTY : data, mi.getHeaders(), mi.getSeq());
  }

  private Message call(Message request) throws IOException {
    try {
      return Requests.call(backend.connection, request, backend.timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("reading from " + request.getSubject() + ": interrupted", e);
    }
  }
}
