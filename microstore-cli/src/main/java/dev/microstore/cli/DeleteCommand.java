package dev.microstore.cli;

import dev.microstore.DeleteOptions;
import dev.microstore.Store;
import dev.microstore.internal.Json;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code delete KEY}: deletes one record. */
@Command(
    name = "delete",
    header = "Delete a record.",
    description = "Deleting a missing key is not an error, unless --if-revision is given.")
final class DeleteCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key (relative to --table).")
  String key = "";

  @Option(
      names = "--if-revision",
      paramLabel = "N",
      description = "Only delete if the record's revision is N (else exit 4).")
  @Nullable Long ifRevision;

  @Override
  int execute() {
    DeleteOptions.Builder options = storeOptions().delete();
    if (ifRevision != null) {
      options.ifRevision(ifRevision);
    }
    try (Store store = openStore()) {
      store.delete(key, options.build());
    }
    if (json()) {
      StringBuilder sb = new StringBuilder("{\"key\":");
      Json.writeString(sb, key);
      out().println(sb.append(",\"deleted\":true}"));
    } else {
      out().println("deleted " + key);
    }
    return ExitCodes.OK;
  }
}
