package dev.microstore.cli;

import static dev.microstore.cli.BenchScenarios.check;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Peak heap of an operation of {@code microstore bench}, sampled while it runs. */
final class BenchHeap {
  private BenchHeap() {}

  /** How often the live-heap sampler collects and reads the heap. */
  static final int LIVE_SAMPLE_MILLIS = 20;

  /** Peak heap above idle of one operation, in MiB: live (after collections) and used. */
  record Heap(double live, double used) {}

  /**
   * The peak heap above idle while {@code r} runs, in two runs of it: live heap, sampled by a
   * thread that asks for a collection and reads the used heap every {@link #LIVE_SAMPLE_MILLIS} ms
   * (what the operation holds, not the garbage it leaves); and used heap sampled every millisecond
   * without collections (garbage included, which depends mostly on the collector's young
   * generation).
   */
  static Heap heap(Callable<Integer> r, int expected, String what) throws Exception {
    double live = peakAboveIdle(r, expected, what, true);
    double used = peakAboveIdle(r, expected, what, false);
    return new Heap(live, used);
  }

  private static double peakAboveIdle(
      Callable<Integer> r, int expected, String what, boolean collect) throws Exception {
    Sampled<Integer> run = sample(r, collect);
    check(run.result, expected, what);
    return Math.max(0, run.peak - run.idle) / MIB;
  }

  /** The peak heap above idle while {@code r} runs, and the heap its result retains, in MiB. */
  static double[] heapMiB(Callable<List<String>> r) throws Exception {
    Sampled<List<String>> run = sample(r, false);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long peak = Math.max(run.peak, memory.getHeapMemoryUsage().getUsed());
    System.gc();
    long retained = memory.getHeapMemoryUsage().getUsed() - run.idle;
    if (run.result.isEmpty()) {
      throw new IllegalStateException("the list was empty");
    }
    return new double[] {(peak - run.idle) / MIB, Math.max(0, retained) / MIB};
  }

  private static final double MIB = 1024.0 * 1024.0;

  /**
   * What {@code r} returned, the used heap after a collection before it, and the peak while it ran.
   */
  private record Sampled<T>(T result, long idle, long peak) {}

  /**
   * Runs {@code r} while a thread reads the used heap every millisecond, or, with {@code collect},
   * asks for a collection and reads it every {@link #LIVE_SAMPLE_MILLIS} ms.
   */
  private static <T> Sampled<T> sample(Callable<T> r, boolean collect) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long idle = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(idle);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                if (collect) {
                  System.gc();
                }
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(collect ? LIVE_SAMPLE_MILLIS : 1); // an interval, not a handshake
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "microstore-bench-heap");
    sampler.setDaemon(true);
    sampler.start();
    T result;
    try {
      result = r.call();
    } finally {
      running.set(false);
      sampler.join();
    }
    return new Sampled<>(result, idle, peak.get());
  }
}
