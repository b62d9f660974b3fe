package dev.microstore.tck.workload;

/**
 * How one part of a workload runs.
 *
 * @param threads the part's threads, at least 1 for a part that runs
 * @param size the part's keys (accounts for transfers); unused by creates and conditional deletes,
 *     whose keys are per thread
 * @param maxInFlight the most operations an asynchronous thread keeps in flight; unused elsewhere
 */
record PartSettings(int threads, int size, int maxInFlight) {
  static final PartSettings OFF = new PartSettings(0, 0, 0);
}
