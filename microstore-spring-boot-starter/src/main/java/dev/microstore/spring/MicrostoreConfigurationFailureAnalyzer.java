package dev.microstore.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a startup that failed on a {@code microstore.*} setting: a blank or malformed URI, a
 * scheme without a provider, an unknown URI parameter, NATS properties next to a non-NATS URI, a
 * missing credentials file or SSL bundle.
 */
final class MicrostoreConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidMicrostoreConfigurationException> implements Ordered {

  MicrostoreConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(
      Throwable rootFailure, InvalidMicrostoreConfigurationException cause) {
    String reason =
        cause.getCause() != null && cause.getCause().getMessage() != null
            ? "\n\nReason: " + cause.getCause().getMessage()
            : "";
    return new FailureAnalysis(
        "The microstore store could not be created: " + cause.getMessage() + reason,
        cause.action(),
        cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
