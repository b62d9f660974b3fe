package dev.microstore.cli;

import dev.microstore.Store;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code databases}: the databases of the store, one per line. */
@Command(
    name = "databases",
    header = "List the databases, sorted, one per line.",
    description = "With --format json each line is a JSON string.")
final class DatabasesCommand extends BaseCommand {
  @Override
  int execute() {
    List<String> names;
    try (Store store = openStore()) {
      names = store.databases();
    }
    ListCommand.printLines(names, json(), out());
    return ExitCodes.OK;
  }
}
