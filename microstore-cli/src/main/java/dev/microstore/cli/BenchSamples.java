package dev.microstore.cli;

import java.util.Arrays;

/** Latencies of one side of a scenario, in nanoseconds; median and 99th percentile. */
final class BenchSamples {
  private long[] values = new long[64];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  int size() {
    return size;
  }

  double median() {
    return percentile(50);
  }

  double p99() {
    return percentile(99);
  }

  /** The nearest-rank percentile. */
  double percentile(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }
}
