package dev.microstore.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code --format text|json} mixin, and {@code --verbose}. */
final class OutputOptions {
  /** The output formats. */
  enum Format {
    text,
    json
  }

  @Option(
      names = "--format",
      paramLabel = "text|json",
      scope = ScopeType.INHERIT,
      description =
          "Output format: text (aligned columns for people) or json (one object per line).")
  Format format = Format.text;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors and connection details.")
  boolean verbose;

  boolean json() {
    return format == Format.json;
  }
}
