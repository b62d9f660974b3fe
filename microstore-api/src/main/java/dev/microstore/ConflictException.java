package dev.microstore;

import java.util.OptionalLong;

/**
 * Thrown when a conditional write or delete finds the record in another state than the one the
 * caller required: {@link WriteOptions.Builder#ifAbsent()} found a record, or {@link
 * WriteOptions.Builder#ifRevision(long)} / {@link DeleteOptions.Builder#ifRevision(long)} found a
 * different revision (or no record). Nothing was written.
 *
 * <p>The usual reaction is to read the record again and retry the read-modify-write cycle.
 */
public class ConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final long currentRevision;

  /**
   * Creates the exception.
   *
   * @param key the key whose condition failed (without the table prefix)
   * @param currentRevision the record's current revision when known, 0 when the record is absent or
   *     -1 when unknown
   * @param message what was expected and what was found
   * @param errorCode the backend's error code, or 0
   */
  public ConflictException(String key, long currentRevision, String message, int errorCode) {
    this(key, currentRevision, message, errorCode, null);
  }

  /**
   * Creates the exception with the backend's failure as its cause.
   *
   * @param key the key whose condition failed (without the table prefix)
   * @param currentRevision the record's current revision when known, 0 when the record is absent or
   *     -1 when unknown
   * @param message what was expected and what was found
   * @param errorCode the backend's error code, or 0
   * @param cause the backend's failure, or {@code null}
   */
  public ConflictException(
      String key,
      long currentRevision,
      String message,
      int errorCode,
      @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause, errorCode, false);
    this.key = key;
    this.currentRevision = currentRevision;
  }

  /**
   * The key whose condition failed.
   *
   * @return the key as the caller gave it
   */
  public String key() {
    return key;
  }

  /**
   * The record's current revision, when the store knows it.
   *
   * @return the revision, {@code 0} when the record is absent, or empty when unknown
   */
  public OptionalLong currentRevision() {
    return currentRevision < 0 ? OptionalLong.empty() : OptionalLong.of(currentRevision);
  }
}
