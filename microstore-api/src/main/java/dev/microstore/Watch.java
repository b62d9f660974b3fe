package dev.microstore;

/** A running watch; closing it stops the events. Thread-safe; {@link #close()} is idempotent. */
public interface Watch extends AutoCloseable {

  /** Stops the watch; no event is delivered after this returns. */
  @Override
  void close();
}
