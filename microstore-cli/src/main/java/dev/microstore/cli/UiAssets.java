package dev.microstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The web console's static files, served from the jar: its own script and styles (resources of this
 * package, under {@code ui/}) and htmx from its WebJar, whose version the build records in {@code
 * version.properties}.
 */
final class UiAssets {
  static final String HTMX_VERSION = htmxVersion();

  private UiAssets() {}

  /**
   * Opens a resource: {@code dev/microstore/cli/...} of this module, anything else (a WebJar's
   * {@code META-INF/resources/...}) from the class path.
   *
   * @throws UiException (404) when it is not there
   */
  static InputStream open(String resource) {
    String own = "dev/microstore/cli/";
    InputStream in =
        resource.startsWith(own)
            ? UiAssets.class.getResourceAsStream(resource.substring(own.length()))
            : UiAssets.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw UiException.notFound("There is no file " + resource);
    }
    return in;
  }

  private static String htmxVersion() {
    Properties p = new Properties();
    try (InputStream in = UiAssets.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // the fallback below
    }
    return MicrostoreCommand.Version.value(p, "htmx");
  }
}
