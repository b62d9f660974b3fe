package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handles of the buckets the store uses, found on the server on first use (whoever created them),
 * created on first write, and forgotten when the server says the bucket is gone.
 */
final class Buckets {
  private final Connection connection;
  private final KeyValueManagement management;
  private final KeyValueOptions kvOptions;
  private final BucketDefaults defaults;
  private final ConcurrentHashMap<String, KeyValue> handles = new ConcurrentHashMap<>();

  Buckets(
      Connection connection,
      KeyValueManagement management,
      KeyValueOptions kvOptions,
      BucketDefaults defaults) {
    this.connection = connection;
    this.management = management;
    this.kvOptions = kvOptions;
    this.defaults = defaults;
  }

  /** The bucket's handle if the bucket exists; never creates it. */
  Optional<KeyValue> find(String bucket) {
    KeyValue kv = handles.get(bucket);
    if (kv != null) {
      return Optional.of(kv);
    }
    try {
      kv = connection.keyValue(bucket, kvOptions);
    } catch (IOException e) {
      if (NatsErrors.bucketGone(e)) {
        return Optional.empty();
      }
      throw NatsErrors.wrap("opening database \"" + bucket + "\"", e);
    }
    KeyValue previous = handles.putIfAbsent(bucket, kv);
    return Optional.of(previous == null ? kv : previous);
  }

  /** The bucket's handle, creating the bucket with the store's defaults when missing. */
  KeyValue findOrCreate(String bucket) {
    Optional<KeyValue> existing = find(bucket);
    if (existing.isPresent()) {
      return existing.get();
    }
    create(defaults.configuration(bucket), false);
    return find(bucket)
        .orElseThrow(
            () ->
                new dev.microstore.StoreException(
                    "database \"" + bucket + "\" was created but cannot be found"));
  }

  /**
   * Creates a bucket; when it exists already, applies the configuration if {@code update} is true,
   * else leaves it as it is.
   */
  void create(KeyValueConfiguration config, boolean update) {
    try {
      management.create(config);
    } catch (io.nats.client.JetStreamApiException e) {
      if (e.getApiErrorCode() != NatsErrors.STREAM_NAME_IN_USE) {
        throw NatsErrors.wrap("creating database \"" + config.getBucketName() + "\"", e);
      }
      if (update) {
        try {
          management.update(config);
        } catch (IOException | io.nats.client.JetStreamApiException u) {
          throw NatsErrors.wrap(
              "applying the configuration of existing database \"" + config.getBucketName() + "\"",
              u);
        }
      }
    } catch (IOException e) {
      throw NatsErrors.wrap("creating database \"" + config.getBucketName() + "\"", e);
    }
    handles.remove(config.getBucketName());
  }

  void forget(String bucket) {
    handles.remove(bucket);
  }

  void forgetAll() {
    handles.clear();
  }
}
