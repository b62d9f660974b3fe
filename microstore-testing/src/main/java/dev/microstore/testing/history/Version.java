package dev.microstore.testing.history;

/**
 * One kept revision of a key, as the store's own history reports it after a run (see {@link
 * History#observeFinal}).
 *
 * <p>Immutable.
 *
 * @param revision the revision, at least 1
 * @param value the value written at that revision, or {@code null} when the revision is a delete
 */
public record Version(long revision, String value) {

  /**
   * Checks the revision.
   *
   * @throws IllegalArgumentException if {@code revision} is less than 1
   */
  public Version {
    if (revision < 1) {
      throw new IllegalArgumentException("a version's revision must be at least 1: " + revision);
    }
  }

  /**
   * Whether this revision is a delete (a delete marker).
   *
   * @return true when {@link #value()} is {@code null}
   */
  public boolean isDelete() {
    return value == null;
  }
}
