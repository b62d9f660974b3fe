package dev.microstore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Store#commit(Batch)} returns: the new revision of every key of the batch, a delete's
 * included, in the batch's order. Within a batch revisions are consecutive and follow that order.
 * Immutable and thread-safe.
 */
public final class BatchResult {
  private final Map<String, Long> revisions;

  /**
   * Creates the result of a committed batch.
   *
   * @param revisions each key of the batch (relative to its table) with its new revision, in the
   *     batch's order; copied
   * @throws IllegalArgumentException if empty or a revision is not positive
   */
  public BatchResult(Map<String, Long> revisions) {
    Objects.requireNonNull(revisions, "revisions");
    if (revisions.isEmpty()) {
      throw new IllegalArgumentException("revisions are empty: a batch has at least one operation");
    }
    Map<String, Long> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : revisions.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), "key"),
          Checks.positiveRevision(Objects.requireNonNull(e.getValue(), "revision")));
    }
    this.revisions = Collections.unmodifiableMap(copy);
  }

  /**
   * Every key of the batch with its new revision.
   *
   * @return an unmodifiable map in the batch's order
   */
  public Map<String, Long> revisions() {
    return revisions;
  }

  /**
   * The new revision of one key of the batch.
   *
   * @param key the key, relative to the batch's table
   * @return its revision
   * @throws IllegalArgumentException if the key was not in the batch
   */
  public long revision(String key) {
    Objects.requireNonNull(key, "key");
    Long r = revisions.get(key);
    if (r == null) {
      throw new IllegalArgumentException(
          "key \"" + key + "\" is not in the batch: it has " + revisions.keySet());
    }
    return r;
  }

  /**
   * The revision of the batch's last operation, the highest of the batch.
   *
   * @return the last revision
   */
  public long lastRevision() {
    long last = 0;
    for (long r : revisions.values()) {
      last = Math.max(last, r);
    }
    return last;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BatchResult && revisions.equals(((BatchResult) o).revisions);
  }

  @Override
  public int hashCode() {
    return revisions.hashCode();
  }

  @Override
  public String toString() {
    return "BatchResult" + revisions;
  }
}
