package dev.microstore.cli;

import dev.microstore.Batch;
import dev.microstore.BatchResult;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code apply [FILE|-]}: applies JSON lines of puts and deletes as one atomic batch. */
@Command(
    name = "apply",
    header = "Apply puts and deletes from JSON lines atomically: all of them or none.",
    description = {
      "One operation per line, in the database (and table) of the global options:",
      "  {\"op\":\"put\",\"key\":K,\"value\":TEXT,\"metadata\":{..},\"ttl\":\"30s\",",
      "   \"if_absent\":true,\"if_revision\":N}",
      "  {\"op\":\"delete\",\"key\":K,\"if_revision\":N}",
      "Only op and key are required; a put without value writes an empty value.",
      "Every line is checked before anything is sent; a bad line exits with 2 naming it.",
      "A condition that does not hold exits with 4 and nothing is applied.",
      "Prints each key's new revision: 'K revision N', or {\"key\":K,\"revision\":N} per line.",
      "At most "
          + Batch.MAX_OPERATIONS
          + " operations, each key once; NATS needs nats-server 2.12+."
    })
final class ApplyCommand extends BaseCommand {
  private static final Set<String> PUT_MEMBERS =
      Set.of("op", "key", "value", "metadata", "ttl", "if_absent", "if_revision");
  private static final Set<String> DELETE_MEMBERS = Set.of("op", "key", "if_revision");

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "The file to read; '-' or omitted reads standard input.")
  String file = "-";

  @Override
  int execute() throws IOException {
    Batch batch = readBatch();
    BatchResult result;
    try (Store store = openStore()) {
      result = store.commit(batch);
    }
    for (Map.Entry<String, Long> e : result.revisions().entrySet()) {
      if (json()) {
        StringBuilder sb = new StringBuilder("{\"key\":");
        Json.writeString(sb, e.getKey());
        out().println(sb.append(",\"revision\":").append(e.getValue()).append('}'));
      } else {
        out().println(e.getKey() + " revision " + e.getValue());
      }
    }
    return ExitCodes.OK;
  }

  private Batch readBatch() throws IOException {
    Batch.Builder batch = Batch.builder();
    if (storeOptions().database != null) {
      batch.database(storeOptions().database);
    }
    if (storeOptions().table != null) {
      batch.table(storeOptions().table);
    }
    int operations = 0;
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
          add(batch, Json.parseObject(line, "the line"));
          operations++;
        } catch (IllegalArgumentException e) {
          throw ExitException.invalidInput(source() + " line " + number + ": " + e.getMessage(), e);
        }
      }
    }
    if (operations == 0) {
      throw ExitException.invalidInput(source() + " has no operations: nothing to apply");
    }
    return batch.build();
  }

  /** Adds one operation line to the batch. */
  private static void add(Batch.Builder batch, Map<String, @Nullable Object> line) {
    Object op = line.get("op");
    if (!"put".equals(op) && !"delete".equals(op)) {
      throw new IllegalArgumentException(
          "\"op\" must be \"put\" or \"delete\", not " + describe(op));
    }
    boolean put = op.equals("put");
    for (String member : line.keySet()) {
      if (!(put ? PUT_MEMBERS : DELETE_MEMBERS).contains(member)) {
        throw new IllegalArgumentException(
            "unknown member \""
                + member
                + "\" for op "
                + op
                + ": use "
                + (put ? PUT_MEMBERS : DELETE_MEMBERS));
      }
    }
    Object key = line.get("key");
    if (!(key instanceof String) || ((String) key).isEmpty()) {
      throw new IllegalArgumentException(
          "\"key\" must be a non-empty string, not " + describe(key));
    }
    Batch.Condition condition = condition(line);
    if (!put) {
      batch.delete((String) key, condition);
      return;
    }
    Record.Builder record = Record.builder((String) key);
    Object value = line.get("value");
    if (value != null) {
      if (!(value instanceof String)) {
        throw new IllegalArgumentException("\"value\" must be a string, not " + describe(value));
      }
      record.value((String) value);
    }
    Object metadata = line.get("metadata");
    if (metadata != null) {
      if (!(metadata instanceof Map)) {
        throw new IllegalArgumentException(
            "\"metadata\" must be an object, not " + describe(metadata));
      }
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> m = (Map<String, @Nullable Object>) metadata;
      record.metadata(m);
    }
    Object ttl = line.get("ttl");
    if (ttl != null) {
      Duration d;
      if (ttl instanceof String) {
        d = Durations.parse((String) ttl);
      } else if (ttl instanceof Number) {
        d = Duration.ofMillis(Math.round(((Number) ttl).doubleValue() * 1000));
      } else {
        throw new IllegalArgumentException(
            "\"ttl\" must be a duration such as \"30s\" or a number of seconds, not "
                + describe(ttl));
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("\"ttl\" is " + ttl + ": it must be positive");
      }
      record.expiry(d);
    }
    batch.put(record.build(), condition);
  }

  private static Batch.Condition condition(Map<String, @Nullable Object> line) {
    Object ifAbsent = line.get("if_absent");
    Object ifRevision = line.get("if_revision");
    if (ifAbsent != null && !(ifAbsent instanceof Boolean)) {
      throw new IllegalArgumentException(
          "\"if_absent\" must be true or false, not " + describe(ifAbsent));
    }
    boolean absent = Boolean.TRUE.equals(ifAbsent);
    if (ifRevision != null) {
      if (!(ifRevision instanceof Long)) {
        throw new IllegalArgumentException(
            "\"if_revision\" must be a positive integer, not " + describe(ifRevision));
      }
      if (absent) {
        throw new IllegalArgumentException("\"if_absent\" and \"if_revision\" cannot be combined");
      }
      return Batch.Condition.ifRevision((Long) ifRevision);
    }
    if (absent) {
      if ("delete".equals(line.get("op"))) {
        throw new IllegalArgumentException("\"if_absent\" is only valid for op put");
      }
      return Batch.Condition.ifAbsent();
    }
    return Batch.Condition.none();
  }

  private static String describe(@Nullable Object value) {
    return value instanceof String ? Json.write(value) : Json.typeName(value);
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
