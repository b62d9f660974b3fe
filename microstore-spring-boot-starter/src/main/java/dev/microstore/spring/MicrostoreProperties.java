package dev.microstore.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code microstore.*} properties.
 *
 * <ul>
 *   <li>{@code microstore.enabled} ({@code true}): whether to create the store bean at all;
 *   <li>{@code microstore.uri} ({@code memory:}): the store to open, as {@link
 *       dev.microstore.Stores#open(String)} takes it, for example {@code
 *       nats://10.0.0.5:4222,10.0.0.6:4222?database=orders&nearCache=true}.
 * </ul>
 */
@ConfigurationProperties("microstore")
public class MicrostoreProperties {
  /** The in-memory store: the default when no URI is configured. */
  public static final String DEFAULT_URI = "memory:";

  private boolean enabled = true;
  private String uri = DEFAULT_URI;

  /** Creates the properties with their defaults; Spring binds the configured values. */
  public MicrostoreProperties() {}

  /**
   * Whether the store bean is created.
   *
   * @return {@code true} unless {@code microstore.enabled=false}
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code microstore.enabled}.
   *
   * @param enabled whether the store bean is created
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The store URI.
   *
   * @return {@code microstore.uri}, {@value #DEFAULT_URI} by default
   */
  public String getUri() {
    return uri;
  }

  /**
   * Sets {@code microstore.uri}.
   *
   * @param uri the store URI
   */
  public void setUri(String uri) {
    this.uri = uri;
  }
}
