package dev.microstore.tck.workload;

/**
 * The parts a {@link Workload} mixes, each run by its own threads on its own keys. Every key a part
 * touches starts with {@link #keyPrefix()} and a dot, so the operations of a history can be told
 * apart by part.
 */
public enum WorkloadPart {
  /**
   * Compare-and-set counters: read a key, then write the next count with {@code ifRevision} of the
   * read (or {@code ifAbsent} when the key is absent). Keys {@code cas.<i>}.
   */
  CAS_REGISTERS("cas"),

  /** Unconditional writes of unique values with reads between, over a few keys {@code uw.<i>}. */
  UNIQUE_WRITES("uw"),

  /**
   * {@code ifAbsent} writes of fresh keys nobody else writes, each read back. Keys {@code
   * cr.<thread>.<n>}.
   */
  CREATES("cr"),

  /**
   * On a key of its own per thread ({@code cd.<thread>}): write a unique value, read it, delete it
   * with {@code ifRevision} of the read, read it again (absent).
   */
  CONDITIONAL_DELETES("cd"),

  /**
   * {@link dev.microstore.Store#writeAll} of 5 to 10 unique values over keys {@code bw.<i>}, and
   * {@link dev.microstore.Store#readAll} of a few of them.
   */
  BULK_WRITES("bw"),

  /**
   * {@link dev.microstore.Store#writeAsync}, {@link dev.microstore.Store#deleteAsync} and {@link
   * dev.microstore.Store#readAsync} over keys {@code aw.<i>}, a bounded number in flight.
   */
  ASYNC_WRITES("aw"),

  /**
   * Atomic batches ({@link dev.microstore.Store#commit}) moving amounts between accounts {@code
   * acct.<i>}, each batch conditional on the revisions read of both accounts; the total of all
   * accounts must never change. Skipped when the store does not support atomic batches.
   */
  ATOMIC_TRANSFERS("acct");

  private final String keyPrefix;

  WorkloadPart(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /**
   * The first segment of every key of this part.
   *
   * @return the prefix, without the dot that follows it in keys
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Whether a key belongs to this part.
   *
   * @param key a key of a workload history
   * @return true when the key starts with this part's prefix and a dot
   */
  public boolean owns(String key) {
    return key.startsWith(keyPrefix + ".");
  }
}
