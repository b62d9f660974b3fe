package dev.microstore.spring;

import org.jspecify.annotations.Nullable;

/**
 * A {@code microstore.*} setting that cannot open a store; {@link
 * MicrostoreConfigurationFailureAnalyzer} turns it into a failure analysis naming the property and
 * what to do.
 */
final class InvalidMicrostoreConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  InvalidMicrostoreConfigurationException(
      String property, String message, String action, @Nullable Throwable cause) {
    super(message, cause);
    this.property = property;
    this.action = action;
  }

  /** The property at fault, for example {@code microstore.uri}. */
  String property() {
    return property;
  }

  /** What to change. */
  String action() {
    return action;
  }
}
