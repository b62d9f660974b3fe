package dev.microstore.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a command may use of the process it runs in: standard input, environment variables, whether
 * a person is at a terminal, the working directory and the repository the launcher runs from. Tests
 * pass their own; {@link #system()} is the real one. Immutable.
 */
final class CliEnvironment {
  /** The system property the launcher sets to the repository root. */
  static final String HOME_PROPERTY = "microstore.home";

  private final InputStream stdin;
  private final Map<String, String> variables;
  private final boolean interactive;
  private final Path workingDirectory;
  private final @Nullable Path home;

  CliEnvironment(
      InputStream stdin,
      Map<String, String> variables,
      boolean interactive,
      Path workingDirectory,
      @Nullable Path home) {
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.variables = Map.copyOf(variables);
    this.interactive = interactive;
    this.workingDirectory = workingDirectory.toAbsolutePath();
    this.home = home;
  }

  /** The environment of this process. */
  static CliEnvironment system() {
    String home = System.getProperty(HOME_PROPERTY);
    return new CliEnvironment(
        System.in,
        System.getenv(),
        System.console() != null,
        Path.of(""),
        home == null || home.isEmpty() ? null : Path.of(home));
  }

  InputStream stdin() {
    return stdin;
  }

  @Nullable String variable(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** Whether a person is at a terminal (progress bars, colours). */
  boolean interactive() {
    return interactive;
  }

  /** Resolves a path given on the command line against the working directory. */
  Path resolve(String path) {
    return workingDirectory.resolve(path);
  }

  Path workingDirectory() {
    return workingDirectory;
  }

  /** The repository root the launcher runs from, when known. */
  @Nullable Path home() {
    return home;
  }
}
