package dev.microstore.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The entry point of the {@code microstore} command line. Run {@code microstore --help} for the
 * commands and options.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its exit code: 0 success, 1 server or store failure, 2
   * invalid usage or input, 3 not found, 4 conflict.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    PrintWriter out = utf8(new FileOutputStream(FileDescriptor.out));
    PrintWriter err = utf8(new FileOutputStream(FileDescriptor.err));
    int status = commandLine(CliEnvironment.system(), out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  private static PrintWriter utf8(FileOutputStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }

  /** The configured command line; tests run it with their own environment and streams. */
  static CommandLine commandLine(CliEnvironment environment, PrintWriter out, PrintWriter err) {
    ErrorHandler errors = new ErrorHandler();
    CommandLine cmd = new CommandLine(new MicrostoreCommand(environment));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(errors);
    cmd.setParameterExceptionHandler(errors);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setUsageHelpAutoWidth(true);
    return cmd;
  }
}
