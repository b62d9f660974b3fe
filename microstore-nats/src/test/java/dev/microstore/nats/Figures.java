package dev.microstore.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Figures measured by the fault tests (counts, recovery times): printed to the test's output and
 * appended to {@code target/reliability-figures.txt}, from which docs/reliability.md is updated.
 */
final class Figures {
  private Figures() {}

  static synchronized void report(String test, String figures) {
    String line =
        Instant.now()
            + " server="
            + System.getProperty("microstore.test.server", "stable")
            + " "
            + test
            + ": "
            + figures;
    System.out.println(line);
    try {
      Path file = Path.of("target", "reliability-figures.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
