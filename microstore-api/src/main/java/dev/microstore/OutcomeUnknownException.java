package dev.microstore;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a write, delete or batch was sent but the store cannot know whether it was applied:
 * no answer came in time, or the connection was lost after sending. The change may be stored or
 * not; it is never stored twice by the store's own retries.
 *
 * <p>Every other {@link StoreException} a write, delete or commit throws means nothing was written
 * (a {@link ConflictException} in particular). This one is always {@linkplain #isRetriable()
 * retriable}: repeating an unconditional write or delete is safe; a conditional one should read the
 * key again first, because its own earlier attempt may be what changed the revision.
 */
public class OutcomeUnknownException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was sent and why its outcome is unknown
   * @param cause the underlying failure, or {@code null}
   * @param errorCode the backend's error code, or 0
   */
  public OutcomeUnknownException(String message, @Nullable Throwable cause, int errorCode) {
    super(message, cause, errorCode, true);
  }
}
