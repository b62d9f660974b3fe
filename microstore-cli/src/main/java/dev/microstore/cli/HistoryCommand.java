package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.Record;
import dev.microstore.Store;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history KEY}: the kept revisions of one key, oldest first. */
@Command(
    name = "history",
    header = "Show the kept revisions of a key, oldest first.",
    description = {
      "How many revisions are kept is a setting of the database (--history when it is created).",
      "JSON lines are records with an 'op' member: put or delete."
    })
final class HistoryCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key (relative to --table).")
  String key = "";

  @Option(names = "--limit", paramLabel = "N", description = "Only the newest N revisions.")
  int limit;

  @Override
  int execute() {
    List<ChangeEvent> events;
    try (Store store = openStore()) {
      events = store.history(key, storeOptions().read().limit(limit).build());
    }
    if (json()) {
      for (ChangeEvent e : events) {
        out().println(RecordJson.toJson(e));
      }
    } else if (events.isEmpty()) {
      out().println("no revisions of " + key);
    } else {
      printTable(events, out());
    }
    return ExitCodes.OK;
  }

  static void printTable(List<ChangeEvent> events, PrintWriter out) {
    TextTable table = new TextTable("REVISION", "OP", "KEY", "EXPIRES IN", "VALUE", "METADATA");
    for (ChangeEvent e : events) {
      Record r = e.record().orElse(null);
      table.add(
          Long.toString(e.revision()),
          RecordJson.opName(e.op()),
          e.key(),
          r == null ? "-" : RecordText.expiry(r.expiry()),
          r == null ? "-" : RecordText.preview(r),
          r == null ? "-" : RecordText.metadata(r.metadata()));
    }
    table.print(out);
  }
}
