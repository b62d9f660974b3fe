package dev.microstore.cli;

import dev.microstore.ListOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Export and import in the web console, as JSON lines in the form of {@code microstore export} and
 * {@code import} ({@link RecordJson}). An export is streamed from a scan, so any size needs little
 * memory; an import checks every line before it writes any.
 */
final class UiTransfer {
  private final Store store;

  UiTransfer(Store store) {
    this.store = store;
  }

  void export(UiRequest r, String db) throws IOException {
    String table = r.optional("table");
    String prefix = r.param("prefix");
    ListOptions.Builder options = ListOptions.builder().database(db);
    if (table != null) {
      options.table(table);
    }
    if (prefix != null) {
      options.prefix(prefix);
    }
    String file = (db + (table == null ? "" : "-" + table)).replaceAll("[^A-Za-z0-9_.-]", "_");
    r.setHeader("Content-Disposition", "attachment; filename=\"" + file + ".jsonl\"");
    try (Stream<Record> records = store.scan(options.build());
        OutputStream body = r.stream(200, "application/x-ndjson; charset=utf-8");
        Writer out = new OutputStreamWriter(body, StandardCharsets.UTF_8)) {
      for (Record rec : (Iterable<Record>) records::iterator) {
        out.write(RecordJson.toJson(rec));
        out.write('\n');
      }
    }
  }

  void importLines(UiRequest r, String db) throws IOException {
    String table = r.optional("table");
    String lines = r.param("lines");
    List<Record> records = new ArrayList<>();
    if (lines != null) {
      int number = 0;
      for (String line : lines.split("\r?\n")) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(RecordJson.fromJson(line));
        } catch (IllegalArgumentException e) {
          throw UiException.badRequest(
              "Nothing was imported: line " + number + ": " + e.getMessage());
        }
      }
    }
    WriteOptions.Builder options = WriteOptions.builder().database(db);
    if (table != null) {
      options.table(table);
    }
    WriteOptions write = options.build();
    for (Record rec : records) {
      store.write(rec, write);
    }
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    q.put("imported", records.size());
    r.redirect(UiHtml.databasePath(db, "", q));
  }
}
