package dev.microstore.cli;

import dev.microstore.Record;
import dev.microstore.Store;
import java.io.PrintWriter;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export}: every record of the database (and table) as JSON lines, streamed. */
@Command(
    name = "export",
    header = "Print every record of the database (and table) as JSON lines.",
    description = {
      "Each line: {\"key\",\"value\",\"value_base64\",\"metadata\",\"revision\",\"expiry_seconds\"}.",
      "Always JSON, whatever --format says. 'microstore import' writes such lines back.",
      "Records are streamed from the store as they are printed, in the store's order, so an",
      "export of any size needs little memory; --sorted sorts them by key first (holding all)."
    })
final class ExportCommand extends BaseCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix = "";

  @Option(
      names = "--sorted",
      description = "Sort the records by key before printing (holds them all in memory).")
  boolean sorted;

  @Override
  int execute() {
    PrintWriter out = out();
    try (Store store = openStore()) {
      if (sorted) {
        for (Record r : store.read(prefix, storeOptions().read().prefix().build())) {
          out.println(RecordJson.toJson(r));
        }
      } else {
        try (Stream<Record> records = store.scan(storeOptions().list().prefix(prefix).build())) {
          records.forEach(r -> out.println(RecordJson.toJson(r)));
        }
      }
    }
    return ExitCodes.OK;
  }
}
