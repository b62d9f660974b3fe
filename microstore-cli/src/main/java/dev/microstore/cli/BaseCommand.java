package dev.microstore.cli;

import dev.microstore.Store;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every command, as in jbang: a {@link Callable} returning an exit code from {@link
 * ExitCodes}. Failures are thrown, not printed: {@link ErrorHandler} turns them into a one-line
 * message and an exit code.
 */
abstract class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    int status = execute();
    out().flush();
    return status;
  }

  /** Runs the command; returns an exit code from {@link ExitCodes}. */
  abstract int execute() throws Exception;

  final MicrostoreCommand root() {
    return (MicrostoreCommand) spec.root().userObject();
  }

  final StoreOptions storeOptions() {
    return root().store;
  }

  final boolean json() {
    return root().output.json();
  }

  final boolean verbose() {
    return root().output.verbose;
  }

  final CliEnvironment environment() {
    return root().cliEnvironment();
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Opens the store of the global options; the caller closes it. */
  final Store openStore() {
    return root().openConfiguredStore();
  }
}
