package dev.microstore.cli;

import static dev.microstore.cli.BenchScenarios.ASYNC_THREADS;
import static dev.microstore.cli.BenchScenarios.ASYNC_WINDOW;
import static dev.microstore.cli.BenchScenarios.VALUE_SIZE;
import static dev.microstore.cli.BenchScenarios.keys;
import static dev.microstore.cli.BenchScenarios.time;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.cli.BenchScenarios.Result;
import dev.microstore.cli.BenchScenarios.Round;
import dev.microstore.cli.BenchScenarios.Sizes;
import io.nats.client.Connection;
import io.nats.client.NUID;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The async-write scenario of {@code microstore bench}: {@code writeAsync} vs {@code publishAsync}.
 */
final class BenchAsyncWrite {
  private final Sizes sizes;
  private final Connection raw;
  private final byte[] value;

  BenchAsyncWrite(BenchScenarios bench) {
    this.sizes = bench.sizes;
    this.raw = bench.raw;
    this.value = bench.value;
  }

  /**
   * 50,000 {@code writeAsync} calls from 16 threads with at most 256 in flight, until every one is
   * acknowledged, vs {@code JetStream.publishAsync} of the same messages (the subjects, the stored
   * envelope of the value, and a {@code Nats-Msg-Id} of the same form, as the store sends them)
   * with the same threads and window. Publishing the plain 100-byte values without an id is timed
   * too, once per round, for the note: what the envelope and the id cost the server.
   */
  Result asyncWrite(Store store) throws Exception {
    String db = "bench-async";
    WriteOptions to = WriteOptions.builder().database(db).build();
    int n = sizes.asyncWrites();
    String[] storeKeys = keys("s", n);
    String[] rawSubjects = keys("$KV." + db + ".r", n);
    String[] plainSubjects = keys("$KV." + db + ".p", n);
    store.write(Record.of(storeKeys[0], value), to);
    KeyValueEntry stored = raw.keyValue(db).get(storeKeys[0]);
    if (stored == null) {
      throw new IllegalStateException("the record just written was not found");
    }
    byte[] envelope = stored.getValue();
    io.nats.client.JetStream js = raw.jetStream();
    ExecutorService pool = Executors.newFixedThreadPool(ASYNC_THREADS);
    try {
      Round ours =
          () -> inFlight(pool, n, i -> store.writeAsync(Record.of(storeKeys[i], value), to));
      Round same =
          () ->
              inFlight(
                  pool,
                  n,
                  i ->
                      js.publishAsync(
                          NatsMessage.builder()
                              .subject(rawSubjects[i])
                              .headers(new Headers().put("Nats-Msg-Id", NUID.nextGlobal()))
                              .data(envelope)
                              .build()));
      Round plain = () -> inFlight(pool, n, i -> js.publishAsync(plainSubjects[i], value));
      ours.run();
      same.run();
      plain.run();
      BenchSamples a = new BenchSamples();
      BenchSamples b = new BenchSamples();
      BenchSamples c = new BenchSamples();
      for (int i = 0; i < sizes.asyncRounds(); i++) {
        if ((i & 1) == 0) {
          a.add(time(ours));
          b.add(time(same));
        } else {
          b.add(time(same));
          a.add(time(ours));
        }
        c.add(time(plain));
      }
      return new Result(
          "async-write",
          a.median() / 1e6,
          b.median() / 1e6,
          a.p99() / 1e6,
          b.p99() / 1e6,
          "ms",
          1.10,
          a.size(),
          String.format(
              java.util.Locale.ROOT,
              "%d writeAsync calls from %d threads, at most %d in flight, until all are"
                  + " acknowledged, vs JetStream.publishAsync of the same messages (%d-byte"
                  + " envelope, Nats-Msg-Id) with the same threads and window; publishAsync of"
                  + " the plain %d-byte values without id: %.0f ms (store / plain %.3f)",
              n,
              ASYNC_THREADS,
              ASYNC_WINDOW,
              envelope.length,
              VALUE_SIZE,
              c.median() / 1e6,
              a.median() / c.median()));
    } finally {
      pool.shutdownNow();
    }
  }

  /** One asynchronous operation, given its index. */
  private interface AsyncOp {
    CompletableFuture<?> start(int i) throws Exception;
  }

  /**
   * Runs {@code n} asynchronous operations from the pool's threads, each taking the next index,
   * with at most {@link #ASYNC_WINDOW} in flight, and returns once all completed.
   */
  private static void inFlight(ExecutorService pool, int n, AsyncOp op) throws Exception {
    Semaphore window = new Semaphore(ASYNC_WINDOW);
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> threads = new ArrayList<>();
    for (int t = 0; t < ASYNC_THREADS; t++) {
      threads.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                  window.acquire();
                  op.start(i)
                      .whenComplete(
                          (v, e) -> {
                            if (e != null) {
                              failure.compareAndSet(null, e);
                            }
                            window.release();
                            done.countDown();
                          });
                }
                return null;
              }));
    }
    for (Future<?> f : threads) {
      f.get();
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("asynchronous writes were not acknowledged within 60 s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "an asynchronous write failed: " + failure.get(), failure.get());
    }
  }
}
