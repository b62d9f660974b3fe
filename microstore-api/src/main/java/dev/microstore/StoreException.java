package dev.microstore;

import org.jspecify.annotations.Nullable;

/**
 * The root of every failure a store reports: the backend failed, refused the operation, or could
 * not be reached.
 *
 * <p>Invalid arguments are reported as {@link IllegalArgumentException} and calls on a closed store
 * as {@link IllegalStateException}; everything else a store throws is a {@code StoreException}.
 * Checked exceptions of a backend are wrapped and kept as the {@link #getCause() cause}; a
 * backend's numeric error code, when it has one, is kept in {@link #errorCode()}.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int errorCode;
  private final boolean retriable;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed, naming the value involved
   */
  public StoreException(String message) {
    this(message, null, 0, false);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what failed, naming the value involved
   * @param cause the underlying failure, or {@code null}
   */
  public StoreException(String message, @Nullable Throwable cause) {
    this(message, cause, 0, false);
  }

  /**
   * Creates an exception with every detail.
   *
   * @param message what failed, naming the value involved
   * @param cause the underlying failure, or {@code null}
   * @param errorCode the backend's error code, or 0 when there is none
   * @param retriable whether repeating the same operation later may succeed
   */
  public StoreException(
      String message, @Nullable Throwable cause, int errorCode, boolean retriable) {
    super(message, cause);
    this.errorCode = errorCode;
    this.retriable = retriable;
  }

  /**
   * The backend's error code, for example a JetStream API error code such as 10071.
   *
   * @return the code, or 0 when the backend gave none
   */
  public int errorCode() {
    return errorCode;
  }

  /**
   * Whether the same operation may succeed if repeated later, for example after a leader election
   * or a reconnect. A retriable failure of a write means the write may or may not have been
   * applied.
   *
   * @return true when a retry may succeed
   */
  public boolean isRetriable() {
    return retriable;
  }
}
