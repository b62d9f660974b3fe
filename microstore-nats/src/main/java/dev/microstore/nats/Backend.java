package dev.microstore.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * What the store's operation classes share, built once by {@link NatsStore#build()}: the connection
 * with its JetStream contexts, the bucket registry, key addressing, the request timeout, and the
 * threads the store owns (created on first use, stopped by {@link #close()}).
 *
 * <p>Thread-safe; nothing in it changes after construction but the lazily created threads.
 */
final class Backend {
  final Connection connection;
  final boolean ownsConnection;
  final JetStream js;
  final JetStreamManagement jsm;
  final KeyValueManagement kvm;
  final String apiPrefix;
  final Buckets buckets;
  final Addressing addressing;
  final Duration timeout;
  final String description;
  final PermissionViolations violations;

  /** Runs what must not run on a jnats thread: follow-up requests after a failed publish. */
  final Lazy<ExecutorService> worker =
      new Lazy<>(() -> Executors.newCachedThreadPool(daemon("microstore-nats-worker")));

  /** The timer checking the heartbeats of watches and near-cache replicas. */
  final Lazy<ScheduledExecutorService> followTimer =
      new Lazy<>(
          () -> Executors.newSingleThreadScheduledExecutor(daemon("microstore-nats-follow")));

  /** Delivers the live events of watches to their listeners, one task per watch at a time. */
  final Lazy<ExecutorService> watchDelivery =
      new Lazy<>(() -> Executors.newCachedThreadPool(daemon("microstore-nats-watch")));

  /** The dispatcher of watches' stream followers (it never waits for a listener). */
  final Lazy<Dispatcher> watchDispatcher;

  /** The dispatcher of near-cache replicas (apart from watches, whose listeners may be slow). */
  final Lazy<Dispatcher> cacheDispatcher;

  Backend(
      Connection connection,
      boolean ownsConnection,
      JetStream js,
      JetStreamManagement jsm,
      KeyValueManagement kvm,
      String apiPrefix,
      Buckets buckets,
      Addressing addressing,
      Duration timeout,
      String description,
      PermissionViolations violations) {
    this.connection = connection;
    this.ownsConnection = ownsConnection;
    this.js = js;
    this.jsm = jsm;
    this.kvm = kvm;
    this.apiPrefix = apiPrefix;
    this.buckets = buckets;
    this.addressing = addressing;
    this.timeout = timeout;
    this.description = description;
    this.violations = violations;
    this.watchDispatcher = new Lazy<>(connection::createDispatcher);
    this.cacheDispatcher = new Lazy<>(connection::createDispatcher);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops the store's threads and dispatchers and, when the store opened it, the connection. */
  void close() {
    followTimer.ifCreated(ScheduledExecutorService::shutdownNow);
    worker.ifCreated(ExecutorService::shutdownNow);
    watchDelivery.ifCreated(ExecutorService::shutdownNow);
    cacheDispatcher.ifCreated(this::closeDispatcher);
    watchDispatcher.ifCreated(this::closeDispatcher);
    if (ownsConnection) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeDispatcher(Dispatcher d) {
    try {
      connection.closeDispatcher(d);
    } catch (RuntimeException alreadyClosed) {
      // the connection is closed already
    }
  }
}
