package dev.microstore.cli;

import dev.microstore.Store;
import dev.microstore.internal.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code delete-database NAME}: deletes a database and every record in it. */
@Command(
    name = "delete-database",
    header = "Delete a whole database and every record in it.",
    description = "Deleting a database that does not exist is not an error.")
final class DeleteDatabaseCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The database.")
  String name = "";

  @Override
  int execute() {
    boolean existed;
    try (Store store = openStore()) {
      existed = store.deleteDatabase(name);
    }
    if (json()) {
      StringBuilder sb = new StringBuilder("{\"database\":");
      Json.writeString(sb, name);
      out().println(sb.append(",\"deleted\":").append(existed).append('}'));
    } else {
      out().println(existed ? "deleted database " + name : "database " + name + " does not exist");
    }
    return ExitCodes.OK;
  }
}
