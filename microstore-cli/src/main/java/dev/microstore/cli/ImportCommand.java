package dev.microstore.cli;

import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import [FILE|-]}: writes the JSON lines of an export back. */
@Command(
    name = "import",
    header = "Write records from JSON lines (as printed by export) into the database (and table).",
    description = {
      "Uses value_base64 (or value), metadata and expiry_seconds (the remaining time to live).",
      "Every line is checked before anything is written; a bad line exits with 2 naming it."
    })
final class ImportCommand extends BaseCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "The file to read; '-' or omitted reads standard input.")
  String file = "-";

  @Option(names = "--dry-run", description = "Check the lines and count them; write nothing.")
  boolean dryRun;

  @Override
  int execute() throws IOException {
    List<Record> records = readRecords();
    if (!dryRun && !records.isEmpty()) {
      WriteOptions options = storeOptions().write().build();
      ProgressBar progress =
          new ProgressBar(err(), "importing", records.size(), environment().interactive());
      try (Store store = openStore()) {
        for (Record r : records) {
          store.write(r, options);
          progress.step();
        }
      } finally {
        progress.finish();
      }
    }
    int n = records.size();
    if (json()) {
      out().println("{\"" + (dryRun ? "would_import" : "imported") + "\":" + n + "}");
    } else {
      out()
          .println(
              (dryRun ? "would import " : "imported ") + n + (n == 1 ? " record" : " records"));
    }
    return ExitCodes.OK;
  }

  private List<Record> readRecords() throws IOException {
    List<Record> records = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(open(), StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(RecordJson.fromJson(line));
        } catch (IllegalArgumentException e) {
          throw ExitException.invalidInput(source() + " line " + number + ": " + e.getMessage(), e);
        }
      }
    }
    return records;
  }

  private InputStream open() throws IOException {
    if (file.equals("-")) {
      return environment().stdin();
    }
    Path path = environment().resolve(file);
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw ExitException.invalidInput("file " + file + " does not exist");
    }
  }

  private String source() {
    return file.equals("-") ? "standard input" : file;
  }
}
