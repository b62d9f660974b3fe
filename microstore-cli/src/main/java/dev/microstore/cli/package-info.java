/**
 * The {@code microstore} command line, built with picocli in the shape of jbang's CLI.
 *
 * <p>{@link dev.microstore.cli.Main} is the entry point. {@code MicrostoreCommand} is the top-level
 * command; it carries the global options (mixins whose options are inherited by every subcommand:
 * where the records live, how to connect, how buckets are created, the output format). Every
 * subcommand is one class extending {@code BaseCommand}, a {@link java.util.concurrent.Callable}
 * returning one of the exit codes of {@code ExitCodes}; exceptions are mapped to exit codes and
 * one-line messages by {@code ErrorHandler}.
 *
 * <p>JSON is read and written by {@code Json}, a small self-contained implementation, so the CLI
 * needs no JSON library.
 */
@NullMarked
package dev.microstore.cli;

import org.jspecify.annotations.NullMarked;
