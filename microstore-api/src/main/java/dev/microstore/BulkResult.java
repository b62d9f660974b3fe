package dev.microstore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a bulk write or delete ({@link Store#writeAll}, {@link Store#deleteAll}): one
 * {@link Outcome} per input element, in input order. A bulk operation is not atomic: every element
 * succeeds or fails on its own, and the successes stay applied when others fail.
 *
 * <p>Immutable and thread-safe.
 */
public final class BulkResult {
  private final List<Outcome> outcomes;

  /**
   * Creates a result from its outcomes.
   *
   * @param outcomes one outcome per input element, in input order; copied
   */
  public BulkResult(List<Outcome> outcomes) {
    this.outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
  }

  /**
   * Every outcome, in input order.
   *
   * @return the outcomes, unmodifiable
   */
  public List<Outcome> outcomes() {
    return outcomes;
  }

  /**
   * Whether every element succeeded.
   *
   * @return true when no element failed
   */
  public boolean allSucceeded() {
    for (Outcome o : outcomes) {
      if (!o.succeeded()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The number of elements that succeeded.
   *
   * @return the count
   */
  public int successCount() {
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.succeeded()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The revision written for each key that succeeded (for a key given twice, the later one).
   *
   * @return key (as given, without table prefix) to revision, in input order, unmodifiable
   */
  public Map<String, Long> revisions() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      if (o.succeeded()) {
        out.put(o.key(), o.revision());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The failure of each key that failed (for a key given twice, the later one).
   *
   * @return key to failure, in input order, unmodifiable
   */
  public Map<String, StoreException> failures() {
    Map<String, StoreException> out = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      StoreException e = o.error();
      if (e != null) {
        out.put(o.key(), e);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Throws the first failure, with the others attached as suppressed exceptions; does nothing when
   * every element succeeded.
   *
   * @return this result
   * @throws StoreException the first failure
   */
  public BulkResult throwIfFailed() {
    StoreException first = null;
    List<StoreException> others = new ArrayList<>();
    for (Outcome o : outcomes) {
      StoreException e = o.error();
      if (e == null) {
        continue;
      }
      if (first == null) {
        first = e;
      } else if (others.size() < 16) {
        others.add(e);
      }
    }
    if (first != null) {
      for (StoreException e : others) {
        first.addSuppressed(e);
      }
      throw first;
    }
    return this;
  }

  @Override
  public String toString() {
    int ok = successCount();
    return "BulkResult{" + ok + " succeeded, " + (outcomes.size() - ok) + " failed}";
  }

  /**
   * The outcome of one element: its key and either the revision written or the failure.
   *
   * @param key the key as given (relative to the table)
   * @param revision the revision written (for a delete, the revision of the delete); 0 on failure,
   *     and 0 when the store keeps no revision (a delete in a database that does not exist)
   * @param error the failure, or null when the element succeeded
   */
  public record Outcome(String key, long revision, @Nullable StoreException error) {
    /**
     * Checks the fields.
     *
     * @throws NullPointerException if the key is null
     */
    public Outcome {
      Objects.requireNonNull(key, "key");
    }

    /**
     * A success.
     *
     * @param key the key
     * @param revision the revision written
     * @return the outcome
     */
    public static Outcome success(String key, long revision) {
      return new Outcome(key, revision, null);
    }

    /**
     * A failure.
     *
     * @param key the key
     * @param error why it failed
     * @return the outcome
     */
    public static Outcome failure(String key, StoreException error) {
      return new Outcome(key, 0, Objects.requireNonNull(error, "error"));
    }

    /**
     * Whether the element succeeded.
     *
     * @return true when there is no error
     */
    public boolean succeeded() {
      return error == null;
    }
  }
}
