package dev.microstore.cli;

/**
 * Ends a command with an exit code and a one-line message, like jbang's {@code ExitException}.
 * {@link ErrorHandler} prints the message as {@code microstore: <message>}.
 */
final class ExitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ExitException(int status, String message) {
    super(message);
    this.status = status;
  }

  ExitException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** Invalid usage or input: exit code {@value ExitCodes#INVALID_INPUT}. */
  static ExitException invalidInput(String message) {
    return new ExitException(ExitCodes.INVALID_INPUT, message);
  }

  /** Invalid usage or input with the underlying cause. */
  static ExitException invalidInput(String message, Throwable cause) {
    return new ExitException(ExitCodes.INVALID_INPUT, message, cause);
  }

  /** Something looked up does not exist: exit code {@value ExitCodes#NOT_FOUND}. */
  static ExitException notFound(String message) {
    return new ExitException(ExitCodes.NOT_FOUND, message);
  }

  int status() {
    return status;
  }
}
