package dev.microstore.cli;

import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code read KEY}: one exact key, or every key with KEY as prefix and/or suffix. */
@Command(
    name = "read",
    header = "Read a record, or every record whose key has a prefix and/or suffix.",
    description = {
      "An exact read of a missing key exits with 3. 'read \"\" --prefix' reads every record.",
      "Records are sorted by key before --offset and --limit apply."
    })
final class ReadCommand extends BaseCommand {
  @Parameters(
      index = "0",
      paramLabel = "KEY",
      description = "The key, or the prefix/suffix to match.")
  String key = "";

  @Option(names = "--prefix", description = "Read every key starting with KEY.")
  boolean prefix;

  @Option(names = "--suffix", description = "Read every key ending with KEY.")
  boolean suffix;

  @Option(names = "--limit", paramLabel = "N", description = "Return at most N records (0: all).")
  int limit;

  @Option(names = "--offset", paramLabel = "N", description = "Skip the first N records.")
  int offset;

  @Override
  int execute() {
    ReadOptions.Builder options = storeOptions().read().limit(limit).offset(offset);
    if (prefix) {
      options.prefix();
    }
    if (suffix) {
      options.suffix();
    }
    List<Record> records;
    try (Store store = openStore()) {
      records = store.read(key, options.build());
    }
    printRecords(records, json(), out());
    return ExitCodes.OK;
  }

  /** Prints records as JSON lines or as a table. */
  static void printRecords(List<Record> records, boolean json, PrintWriter out) {
    if (json) {
      for (Record r : records) {
        out.println(RecordJson.toJson(r));
      }
      return;
    }
    if (records.isEmpty()) {
      out.println("no records");
      return;
    }
    TextTable table = new TextTable("KEY", "REVISION", "EXPIRES IN", "VALUE", "METADATA");
    for (Record r : records) {
      table.add(
          r.key(),
          Long.toString(r.revision()),
          RecordText.expiry(r.expiry()),
          RecordText.preview(r),
          RecordText.metadata(r.metadata()));
    }
    table.print(out);
  }
}
