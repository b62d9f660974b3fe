package dev.microstore.cli;

import dev.microstore.DatabaseInfo;
import dev.microstore.Store;
import dev.microstore.internal.Json;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code info NAME}: size and configuration of a database. */
@Command(
    name = "info",
    header = "Show the size and configuration of a database.",
    description = "Exits with 3 when the database does not exist.")
final class InfoCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The database.")
  String name = "";

  @Override
  int execute() {
    Optional<DatabaseInfo> found;
    try (Store store = openStore()) {
      found = store.info(name);
    }
    DatabaseInfo info =
        found.orElseThrow(() -> ExitException.notFound("database \"" + name + "\" does not exist"));
    if (json()) {
      StringBuilder sb = new StringBuilder("{\"name\":");
      Json.writeString(sb, info.name());
      sb.append(",\"records\":").append(info.records());
      sb.append(",\"bytes\":").append(info.bytes());
      sb.append(",\"ttl_seconds\":")
          .append(info.ttl().isZero() ? "null" : RecordJson.seconds(info.ttl()));
      sb.append(",\"history\":").append(info.history());
      sb.append(",\"storage\":");
      Json.writeString(sb, info.storage());
      sb.append(",\"replicas\":").append(info.replicas()).append('}');
      out().println(sb);
    } else {
      TextTable table = new TextTable("DATABASE", info.name());
      table.add("records", Long.toString(info.records()));
      table.add("bytes", Long.toString(info.bytes()));
      table.add("ttl", info.ttl().isZero() ? "none" : Durations.format(info.ttl()));
      table.add("history", Integer.toString(info.history()));
      table.add("storage", info.storage());
      table.add("replicas", Integer.toString(info.replicas()));
      table.print(out());
    }
    return ExitCodes.OK;
  }
}
