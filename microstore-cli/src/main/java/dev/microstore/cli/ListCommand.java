package dev.microstore.cli;

import dev.microstore.ListOptions;
import dev.microstore.Store;
import dev.microstore.internal.Json;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: the keys of a database or table, one per line. */
@Command(
    name = "list",
    header = "List keys, sorted, one per line.",
    description = {
      "With --table, keys are listed without the table prefix; without, every key of the",
      "database is listed as stored. With --format json each line is a JSON string."
    })
final class ListCommand extends BaseCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix = "";

  @Option(names = "--suffix", paramLabel = "S", description = "Only keys ending with S.")
  String suffix = "";

  @Option(names = "--limit", paramLabel = "N", description = "List at most N keys (0: all).")
  int limit;

  @Option(names = "--offset", paramLabel = "N", description = "Skip the first N keys.")
  int offset;

  @Override
  int execute() {
    ListOptions options =
        storeOptions().list().prefix(prefix).suffix(suffix).limit(limit).offset(offset).build();
    List<String> keys;
    try (Store store = openStore()) {
      keys = store.list(options);
    }
    printLines(keys, json(), out());
    return ExitCodes.OK;
  }

  /** One string per line: as is in text, as a JSON string in JSON. */
  static void printLines(List<String> lines, boolean json, PrintWriter out) {
    for (String line : lines) {
      if (json) {
        StringBuilder sb = new StringBuilder();
        Json.writeString(sb, line);
        out.println(sb);
      } else {
        out.println(line);
      }
    }
  }
}
