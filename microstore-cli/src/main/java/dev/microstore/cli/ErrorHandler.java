package dev.microstore.cli;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Maps failures to exit codes and prints them as one line, {@code microstore: <message>}, on
 * standard error; the stack trace follows only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  /** The exit code of an exception thrown by a command. */
  static int exitCode(Throwable e) {
    if (e instanceof ExitException) {
      return ((ExitException) e).status();
    }
    if (e instanceof NotFoundException) {
      return ExitCodes.NOT_FOUND;
    }
    if (e instanceof ConflictException) {
      return ExitCodes.CONFLICT;
    }
    if (e instanceof StoreException) {
      return ExitCodes.STORE_FAILURE;
    }
    if (e instanceof IllegalArgumentException || e instanceof ParameterException) {
      return ExitCodes.INVALID_INPUT;
    }
    return ExitCodes.STORE_FAILURE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    Object root = cmd.getCommandSpec().root().userObject();
    boolean verbose =
        root instanceof MicrostoreCommand && ((MicrostoreCommand) root).output.verbose;
    PrintWriter err = cmd.getErr();
    cmd.getOut().flush();
    err.println("microstore: " + message(ex));
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
    return exitCode(ex);
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(
        "microstore: "
            + oneLine(ex.getMessage())
            + " (see '"
            + cmd.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return ExitCodes.INVALID_INPUT;
  }

  /** The message of an exception, or its type when it has none; on one line. */
  static String message(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
      if (e.getCause() != null && e.getCause().getMessage() != null) {
        message += ": " + e.getCause().getMessage();
      }
    } else if (!(e instanceof StoreException
        || e instanceof IllegalArgumentException
        || e instanceof ExitException)) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    return oneLine(message);
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
