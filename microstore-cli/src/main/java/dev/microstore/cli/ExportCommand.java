package dev.microstore.cli;

import dev.microstore.Record;
import dev.microstore.Store;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export}: every record of the database (and table) as JSON lines. */
@Command(
    name = "export",
    header = "Print every record of the database (and table) as JSON lines.",
    description = {
      "Each line: {\"key\",\"value\",\"value_base64\",\"metadata\",\"revision\",\"expiry_seconds\"}.",
      "Always JSON, whatever --format says. 'microstore import' writes such lines back."
    })
final class ExportCommand extends BaseCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix = "";

  @Override
  int execute() {
    List<Record> records;
    try (Store store = openStore()) {
      records = store.read(prefix, storeOptions().read().prefix().build());
    }
    for (Record r : records) {
      out().println(RecordJson.toJson(r));
    }
    return ExitCodes.OK;
  }
}
