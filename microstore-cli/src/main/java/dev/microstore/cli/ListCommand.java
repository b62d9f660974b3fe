package dev.microstore.cli;

import dev.microstore.ListOptions;
import dev.microstore.Store;
import dev.microstore.internal.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: the keys of a database or table, one per line, streamed. */
@Command(
    name = "list",
    header = "List keys, one per line.",
    description = {
      "With --table, keys are listed without the table prefix; without, every key of the",
      "database is listed as stored. With --format json each line is a JSON string.",
      "Keys are streamed from the store as they are printed, in the store's order (NATS: the",
      "order of the keys' last changes; the in-memory store and a near cache: sorted), so a",
      "list of any size needs little memory. --sorted sorts them first (holding every key);",
      "--offset and --limit apply in the order printed."
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

  @Option(
      names = "--sorted",
      description = "Sort the keys before printing (holds them all in memory).")
  boolean sorted;

  @Override
  int execute() {
    ListOptions options =
        storeOptions().list().prefix(prefix).suffix(suffix).limit(limit).offset(offset).build();
    boolean asJson = json();
    PrintWriter out = out();
    try (Store store = openStore()) {
      if (sorted) {
        printLines(store.list(options), asJson, out);
      } else {
        try (Stream<String> keys = store.scanKeys(options)) {
          keys.forEach(k -> printLine(k, asJson, out));
        }
      }
    }
    return ExitCodes.OK;
  }

  /** One string per line: as is in text, as a JSON string in JSON. */
  static void printLines(List<String> lines, boolean json, PrintWriter out) {
    for (String line : lines) {
      printLine(line, json, out);
    }
  }

  private static void printLine(String line, boolean json, PrintWriter out) {
    if (json) {
      StringBuilder sb = new StringBuilder();
      Json.writeString(sb, line);
      out.println(sb);
    } else {
      out.println(line);
    }
  }
}
