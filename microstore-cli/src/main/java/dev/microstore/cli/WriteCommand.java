package dev.microstore.cli;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.internal.Json;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code write KEY [VALUE]}: creates or replaces one record. */
@Command(
    name = "write",
    header = "Write (create or replace) a record.",
    description = {
      "VALUE omitted or '-': the bytes of standard input. An empty string writes an empty value.",
      "Prints the new revision: 'wrote KEY (revision N)', or {\"key\":K,\"revision\":N}."
    })
final class WriteCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key (relative to --table).")
  String key = "";

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VALUE",
      description = "The value as text; '-' or omitted reads standard input.")
  @Nullable String value;

  @Option(
      names = "--metadata",
      paramLabel = "JSON-OBJECT",
      description = "Metadata as a JSON object, e.g. '{\"owner\":\"alice\",\"n\":5}'.")
  @Nullable String metadata;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "Time to live of the record (500ms, 30s, 5m, 2h, PT1H).")
  @Nullable Duration ttl;

  @Option(names = "--if-absent", description = "Only write if the key has no record (else exit 4).")
  boolean ifAbsent;

  @Option(
      names = "--if-revision",
      paramLabel = "N",
      description = "Only write if the record's revision is N (else exit 4).")
  @Nullable Long ifRevision;

  @Override
  int execute() throws IOException {
    if (ifAbsent && ifRevision != null) {
      throw ExitException.invalidInput("--if-absent and --if-revision cannot be combined");
    }
    Record.Builder record = Record.builder(key);
    if (metadata != null) {
      record.metadata(Json.parseObject(metadata, "--metadata"));
    }
    if (value == null || value.equals("-")) {
      record.value(environment().stdin().readAllBytes());
    } else {
      record.value(value);
    }
    WriteOptions.Builder options = storeOptions().write();
    if (ttl != null) {
      options.ttl(ttl);
    }
    if (ifAbsent) {
      options.ifAbsent();
    }
    if (ifRevision != null) {
      options.ifRevision(ifRevision);
    }
    long revision;
    try (Store store = openStore()) {
      revision = store.write(record.build(), options.build());
    }
    if (json()) {
      StringBuilder sb = new StringBuilder("{\"key\":");
      Json.writeString(sb, key);
      out().println(sb.append(",\"revision\":").append(revision).append('}'));
    } else {
      out().println("wrote " + key + " (revision " + revision + ")");
    }
    return ExitCodes.OK;
  }
}
