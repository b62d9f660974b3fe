package dev.microstore.cli;

import static dev.microstore.cli.BenchScenarios.EXACT_KEYS;
import static dev.microstore.cli.BenchScenarios.keys;
import static dev.microstore.cli.BenchScenarios.micros;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Watch;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import dev.microstore.cli.BenchScenarios.Result;
import dev.microstore.nats.NatsStore;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The watch-latency scenario of {@code microstore bench}: a write to the call of its watch
 * listener.
 */
final class BenchWatchLatency {
  private final BenchScenarios bench;
  private final Connection raw;
  private final Supplier<NatsStore> builder;
  private final byte[] value;

  BenchWatchLatency(BenchScenarios bench) {
    this.bench = bench;
    this.raw = bench.raw;
    this.builder = bench.builder;
    this.value = bench.value;
  }

  /**
   * From a write to the call of a watch listener for it: {@code store.watch} vs {@code
   * KeyValue.watch} on the same bucket, each on its own connection (the store's, the raw one). Both
   * sides are written alike, by {@code store.write} of a second store with a connection of its own,
   * so that only the watch differs, and are timed from just before the write: on a local server the
   * listener is usually called before the write's acknowledgement has reached the writer, so the
   * time from the acknowledgement, also reported, is mostly negative.
   */
  Result watchLatency(Store store) throws Exception {
    String db = "bench-watch";
    WriteOptions to = WriteOptions.builder().database(db).build();
    String[] storeKeys = keys("s.", EXACT_KEYS);
    String[] rawKeys = keys("r.", EXACT_KEYS);
    store.write(Record.of(storeKeys[0], value), to);
    KeyValue kv = raw.keyValue(db);
    Arrivals ours = new Arrivals();
    Arrivals theirs = new Arrivals();
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            theirs.arrived(entry.getRevision());
          }

          @Override
          public void endOfData() {}
        };
    BenchSamples a = new BenchSamples();
    BenchSamples b = new BenchSamples();
    BenchSamples afterAckA = new BenchSamples();
    BenchSamples afterAckB = new BenchSamples();
    // One bucket, two disjoint key spaces: each watch's consumer is filtered to its own keys
    // (s.> and r.>), so a write wakes only the watch it is measured for.
    try (Store writer = builder.get().build()) {
      Watch watch =
          store.watch(
              WatchOptions.builder().database(db).prefix("s.").build(),
              event -> ours.arrived(event.revision()));
      try {
        NatsKeyValueWatchSubscription subscription =
            kv.watch("r.>", watcher, KeyValueWatchOption.UPDATES_ONLY);
        try {
          bench.alternateSamples(
              i -> writeThenAwait(writer, storeKeys[i % EXACT_KEYS], to, ours, afterAckA),
              i -> writeThenAwait(writer, rawKeys[i % EXACT_KEYS], to, theirs, afterAckB),
              a,
              b);
        } finally {
          subscription.unsubscribe();
        }
      } finally {
        watch.close();
      }
    }
    return micros(
        "watch-latency",
        a,
        b,
        1.10,
        String.format(
            java.util.Locale.ROOT,
            "from the start of a write to the call of a store.watch listener vs of a"
                + " KeyValue.watch watcher, both written by store.write of another connection;"
                + " from the write's acknowledgement: %.1f µs vs %.1f µs (medians; negative:"
                + " called before the write returned)",
            afterAckA.median() / 1e3,
            afterAckB.median() / 1e3));
  }

  /**
   * Writes the key and waits for the watch to be called for it: the time from just before the
   * write; the time from just after it goes to {@code afterAck}.
   */
  private long writeThenAwait(
      Store writer, String key, WriteOptions to, Arrivals arrivals, BenchSamples afterAck)
      throws InterruptedException {
    long sent = System.nanoTime();
    long revision = writer.write(Record.of(key, value), to);
    long acknowledged = System.nanoTime();
    long called = arrivals.await(revision);
    afterAck.add(called - acknowledged);
    return called - sent;
  }

  /**
   * When a watch's listener was called for each revision: the listener records {@link
   * System#nanoTime()} first thing, the writing thread waits for its revision.
   */
  private static final class Arrivals {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BlockingQueue<long[]> arrivals = new LinkedBlockingQueue<>();

    void arrived(long revision) {
      long now = System.nanoTime();
      arrivals.add(new long[] {revision, now});
    }

    /** The time the listener was called for this revision. */
    long await(long revision) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      while (true) {
        long[] next = arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new IllegalStateException(
              "the watch did not deliver revision " + revision + " within 10 s");
        }
        if (next[0] == revision) {
          return next[1];
        }
        if (next[0] > revision) {
          throw new IllegalStateException(
              "the watch delivered revision " + next[0] + " before revision " + revision);
        }
      }
    }
  }
}
