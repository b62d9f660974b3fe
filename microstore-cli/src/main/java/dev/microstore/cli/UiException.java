package dev.microstore.cli;

/** A request the web console answers with an error page: the HTTP status and what went wrong. */
final class UiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  UiException(int status, String message) {
    super(message);
    this.status = status;
  }

  static UiException badRequest(String message) {
    return new UiException(400, message);
  }

  static UiException notFound(String message) {
    return new UiException(404, message);
  }

  int status() {
    return status;
  }
}
