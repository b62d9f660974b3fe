package dev.microstore.tck;

/**
 * An optional capability of a {@link dev.microstore.Store} implementation. A store declares the
 * features it supports through {@link StoreFactory#features()}; the kit runs the tests of a feature
 * only when it is declared, and reports them as skipped otherwise (never as passed).
 */
public enum StoreFeature {
  /**
   * Per-record expiry: {@link dev.microstore.Record#expiry()}, {@link
   * dev.microstore.WriteOptions.Builder#ttl(java.time.Duration)} and {@link
   * dev.microstore.WriteOptions.Builder#expiry(java.time.Instant)} make a record disappear, and
   * reads report the time left. A store without it rejects writes that ask for an expiry.
   */
  EXPIRY,

  /**
   * Revisions and compare-and-set: writes return increasing revisions, reads report them, and
   * {@link dev.microstore.WriteOptions.Builder#ifAbsent()}, {@link
   * dev.microstore.WriteOptions.Builder#ifRevision(long)} and {@link
   * dev.microstore.DeleteOptions.Builder#ifRevision(long)} are honoured, failing with {@link
   * dev.microstore.ConflictException}.
   */
  REVISIONS,

  /**
   * Keys may be any non-empty string (for NATS, with key encoding enabled). Without it the kit uses
   * only keys made of {@code A-Z a-z 0-9 - _ / = .}, which every store must accept.
   */
  ARBITRARY_KEYS,

  /**
   * Watching a database for changes: {@link dev.microstore.Store#watch} delivers puts and deletes
   * in revision order, the current records first when asked, narrowed to a table and a key prefix,
   * including changes made through other stores of the same backend, and nothing after the watch is
   * closed.
   */
  WATCH,

  /**
   * Keeping earlier revisions of a key: {@link dev.microstore.Store#history} returns them oldest
   * first, deletes included, as deep as {@link StoreFactory#historyDepth()}.
   */
  HISTORY,

  /**
   * Atomic batches: {@link dev.microstore.Store#commit(dev.microstore.Batch)} applies puts and
   * deletes of one database all together or not at all, with consecutive revisions in batch order;
   * a failed condition throws {@link dev.microstore.ConflictException} naming the key and applies
   * nothing, visible to no reader and no watcher.
   */
  ATOMIC_BATCH,

  /**
   * Prefix reads and lists see the database at one moment, even while other clients write: never
   * part of an atomic batch, never without a key that exists throughout the scan. The in-memory
   * store has it; NATS scans (one pass of a last-per-subject consumer) do not, so the kit checks
   * the invariant of atomic batches there only with reads that do not overlap the writers.
   */
  CONSISTENT_SCANS
}
