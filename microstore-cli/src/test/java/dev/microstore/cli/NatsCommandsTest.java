package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.internal.Json;
import dev.microstore.testing.FreePorts;
import dev.microstore.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command against a real nats-server (one per class); each test uses its own databases. */
class NatsCommandsTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static NatsServer server;
  private static Cli cli;

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().start();
    cli = Cli.with("--server", server.url());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static String newDatabase() {
    return "cli-test-" + DATABASES.incrementAndGet();
  }

  // ---------------------------------------------------------------- write and read

  @Test
  void write_text_printsKeyAndRevision() {
    String db = newDatabase();
    Cli.Result r = cli.run("--database", db, "write", "alice", "hello");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("wrote alice (revision 1)\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void write_json_printsKeyAndRevisionObject() {
    String db = newDatabase();
    cli.run("--database", db, "write", "a", "1");
    Cli.Result r = cli.run("--database", db, "--format", "json", "write", "b", "2");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"key\":\"b\",\"revision\":2}\n");
  }

  @Test
  void write_globalOptionsAfterTheSubcommand_areInherited() {
    String db = newDatabase();
    Cli.Result r =
        Cli.with()
            .run("write", "k", "v", "--server", server.url(), "--database", db, "--format", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(cli.run("--database", db, "read", "k").out()).contains("\"v\"");
  }

  @Test
  void write_serverFromEnvironment_isUsedWhenNoServerOption() {
    String db = newDatabase();
    Cli.Result r =
        Cli.with().env("MICROSTORE_SERVER", server.url()).run("--database", db, "write", "k", "v");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void write_valueFromStdin_keepsBytesExactly() {
    String db = newDatabase();
    byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
    assertThat(cli.stdin(binary).run("--database", db, "write", "bin").exitCode()).isZero();
    assertThat(cli.stdin(binary).run("--database", db, "write", "bin2", "-").exitCode()).isZero();
    for (String key : List.of("bin", "bin2")) {
      Cli.Result r = cli.run("--database", db, "--format", "json", "read", key);
      assertThat(r.out())
          .as(r.toString())
          .startsWith(
              "{\"key\":\""
                  + key
                  + "\",\"value\":null,\"value_base64\":\""
                  + Base64.getEncoder().encodeToString(binary)
                  + "\"");
    }
    Cli.Result text = cli.run("--database", db, "read", "bin");
    assertThat(text.out()).contains("<binary, 5 bytes>");
  }

  @Test
  void write_emptyStringArgument_isAnEmptyValue() {
    String db = newDatabase();
    assertThat(cli.stdin("not this").run("--database", db, "write", "e", "").exitCode()).isZero();
    assertThat(cli.run("--database", db, "--format", "json", "read", "e").out())
        .isEqualTo(
            "{\"key\":\"e\",\"value\":\"\",\"value_base64\":\"\",\"metadata\":{},\"revision\":1,"
                + "\"expiry_seconds\":null}\n");
  }

  @Test
  void read_json_hasExactlyTheDocumentedFieldsInOrder() {
    String db = newDatabase();
    cli.run(
        "--database",
        db,
        "--table",
        "users",
        "write",
        "alice",
        "héllo",
        "--metadata",
        "{\"role\":\"admin\",\"n\":5,\"tags\":[\"a\",true],\"x\":null}");
    Cli.Result r =
        cli.run("--database", db, "--table", "users", "--format", "json", "read", "alice");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "{\"key\":\"alice\",\"value\":\"héllo\",\"value_base64\":\""
                + Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8))
                + "\",\"metadata\":{\"role\":\"admin\",\"n\":5,\"tags\":[\"a\",true],\"x\":null},"
                + "\"revision\":1,\"expiry_seconds\":null}\n");
  }

  @Test
  void read_text_showsAlignedColumns() {
    String db = newDatabase();
    cli.run("--database", db, "write", "a", "first", "--metadata", "{\"k\":1}");
    cli.run("--database", db, "write", "bbbbbb", "second", "--ttl", "1h");
    Cli.Result r = cli.run("--database", db, "read", "", "--prefix");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> lines = r.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("KEY     REVISION  EXPIRES IN  VALUE");
    assertThat(lines.get(1)).startsWith("a       1         -           \"first\"   {\"k\":1}");
    assertThat(lines.get(2)).matches("bbbbbb  2         (59m\\d\\ds|1h)\\s+\"second\"\\s+-");
  }

  @Test
  void read_ttl_isReportedAsRemainingSeconds() {
    String db = newDatabase();
    cli.run("--database", db, "write", "t", "v", "--ttl", "PT1H");
    String line = cli.run("--database", db, "--format", "json", "read", "t").out();
    Object expiry = ((Map<?, ?>) Json.parse(line)).get("expiry_seconds");
    assertThat(((Number) expiry).doubleValue()).isBetween(3590.0, 3600.0);
  }

  @Test
  void read_prefixSuffixLimitOffset_pageSortedKeys() {
    String db = newDatabase();
    for (String k : List.of("a.1", "a.2", "a.3", "b.1", "b.3")) {
      cli.run("--database", db, "write", k, "v-" + k);
    }
    assertThat(keys(cli.run("--database", db, "--format", "json", "read", "a.", "--prefix")))
        .containsExactly("a.1", "a.2", "a.3");
    assertThat(keys(cli.run("--database", db, "--format", "json", "read", ".3", "--suffix")))
        .containsExactly("a.3", "b.3");
    assertThat(
            keys(
                cli.run(
                    "--database",
                    db,
                    "--format",
                    "json",
                    "read",
                    "",
                    "--prefix",
                    "--limit",
                    "2",
                    "--offset",
                    "1")))
        .containsExactly("a.2", "a.3");
    assertThat(cli.run("--database", db, "read", "zzz", "--prefix").out())
        .isEqualTo("no records\n");
  }

  @Test
  void read_goPluginEnvelopeWrittenWithRawNats_showsValueAndMetadata() throws Exception {
    Connection nc = Nats.connect(server.url());
    try {
      nc.keyValueManagement().create(KeyValueConfiguration.builder().name("golden").build());
      KeyValue kv = nc.keyValue("golden");
      kv.put(
          "users_alice",
          "{\"key\":\"alice\",\"data\":\"aGVsbG8=\",\"metadata\":{\"a\":\"x\",\"n\":5}}"
              .getBytes(StandardCharsets.UTF_8));
    } finally {
      nc.close();
    }
    Cli.Result text = cli.run("read", "alice", "--database", "golden", "--table", "users");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.lines().get(1))
        .matches("alice\\s+\\d+\\s+-\\s+\"hello\"\\s+\\{\"a\":\"x\",\"n\":5}");
    Cli.Result json =
        cli.run("read", "alice", "--database", "golden", "--table", "users", "--format", "json");
    Map<?, ?> record = (Map<?, ?>) Json.parse(json.out());
    assertThat(record.get("value")).isEqualTo("hello");
    assertThat(record.get("metadata")).isEqualTo(Map.of("a", "x", "n", 5L));
  }

  @Test
  void read_encodeKeys_storesAnyKey() {
    String db = newDatabase();
    Cli encoded = Cli.with("--server", server.url(), "--encode-keys", "--database", db);
    assertThat(encoded.run("write", "a key with spaces", "v").exitCode()).isZero();
    assertThat(encoded.run("read", "a key with spaces").out()).contains("\"v\"");
    assertThat(cli.run("--database", db, "write", "a key with spaces", "v").exitCode())
        .isEqualTo(2);
  }

  // ---------------------------------------------------------------- exit codes

  @Test
  void read_missingKey_exits3WithOneLine() {
    String db = newDatabase();
    cli.run("--database", db, "write", "x", "1");
    Cli.Result r = cli.run("--database", db, "read", "nope");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("microstore: key \"nope\" not found in database \"" + db + "\"\n");
  }

  @Test
  void write_ifAbsentOnExistingKey_exits4() {
    String db = newDatabase();
    cli.run("--database", db, "write", "k", "1");
    Cli.Result r = cli.run("--database", db, "write", "k", "2", "--if-absent");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(r.err()).startsWith("microstore: ").contains("\"k\"").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void write_ifRevision_succeedsOnCurrentAndExits4OnStale() {
    String db = newDatabase();
    cli.run("--database", db, "write", "k", "1");
    assertThat(cli.run("--database", db, "write", "k", "2", "--if-revision", "1").exitCode())
        .isZero();
    Cli.Result stale = cli.run("--database", db, "write", "k", "3", "--if-revision", "1");
    assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(ExitCodes.CONFLICT);
  }

  @Test
  void delete_ifRevisionStale_exits4_andVerboseAddsStackTrace() {
    String db = newDatabase();
    cli.run("--database", db, "write", "k", "1");
    cli.run("--database", db, "write", "k", "2");
    Cli.Result r = cli.run("--database", db, "--verbose", "delete", "k", "--if-revision", "1");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(r.err()).startsWith("microstore: ").contains("ConflictException", "\tat ");
  }

  @Test
  void anyCommand_serverNotListening_exits1Quickly() {
    String url = "nats://127.0.0.1:" + FreePorts.next();
    long start = System.nanoTime();
    Cli.Result r = Cli.with("--server", url, "--connect-timeout", "500ms").run("read", "k");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(r.err()).startsWith("microstore: cannot connect to NATS at ").endsWith("\n");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  @Test
  void invalidDatabaseName_exits2() {
    Cli.Result r = cli.run("--database", "bad name", "read", "k");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).startsWith("microstore: ");
  }

  @Test
  void bucketOptionOutOfRange_exits2() {
    Cli.Result r = cli.run("--history", "100", "write", "k", "v");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).isEqualTo("microstore: history 100 is invalid: must be 1 to 64\n");
  }

  // ---------------------------------------------------------------- list, delete, databases, info

  @Test
  void list_oneKeyPerLine_inBothFormats_streamedInWriteOrder_orSorted() {
    String db = newDatabase();
    for (String k : List.of("c", "a", "b")) {
      cli.run("--database", db, "--table", "t", "write", k, "v");
    }
    cli.run("--database", db, "write", "other", "v");
    // streamed from the server in the order of the keys' last changes
    assertThat(cli.run("--database", db, "--table", "t", "list").out()).isEqualTo("c\na\nb\n");
    assertThat(cli.run("--database", db, "list").out()).isEqualTo("t_c\nt_a\nt_b\nother\n");
    assertThat(cli.run("--database", db, "--table", "t", "list", "--sorted").out())
        .isEqualTo("a\nb\nc\n");
    assertThat(cli.run("--database", db, "list", "--sorted").out())
        .isEqualTo("other\nt_a\nt_b\nt_c\n");
    assertThat(
            cli.run(
                    "--database",
                    db,
                    "--table",
                    "t",
                    "--format",
                    "json",
                    "list",
                    "--sorted",
                    "--offset",
                    "1")
                .out())
        .isEqualTo("\"b\"\n\"c\"\n");
    assertThat(
            cli.run("--database", db, "--table", "t", "--format", "json", "list", "--offset", "1")
                .out())
        .isEqualTo("\"a\"\n\"b\"\n");
    assertThat(
            cli.run("--database", db, "list", "--prefix", "t_", "--suffix", "b", "--limit", "5")
                .out())
        .isEqualTo("t_b\n");
  }

  @Test
  void delete_removesKey_andMissingKeyIsNoError() {
    String db = newDatabase();
    cli.run("--database", db, "write", "k", "v");
    Cli.Result r = cli.run("--database", db, "delete", "k");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("deleted k\n");
    assertThat(cli.run("--database", db, "read", "k").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(cli.run("--database", db, "--format", "json", "delete", "k").out())
        .isEqualTo("{\"key\":\"k\",\"deleted\":true}\n");
  }

  @Test
  void databases_and_deleteDatabase() {
    String db = newDatabase();
    cli.run("--database", db, "write", "k", "v");
    assertThat(cli.run("databases").lines()).contains(db);
    assertThat(cli.run("--format", "json", "databases").lines()).contains("\"" + db + "\"");
    assertThat(cli.run("delete-database", db).out()).isEqualTo("deleted database " + db + "\n");
    assertThat(cli.run("databases").lines()).doesNotContain(db);
    Cli.Result again = cli.run("--format", "json", "delete-database", db);
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).isEqualTo("{\"database\":\"" + db + "\",\"deleted\":false}\n");
  }

  @Test
  void info_existingDatabase_inBothFormats_andMissingExits3() {
    String db = newDatabase();
    cli.run("--database", db, "--history", "5", "write", "k", "v");
    Cli.Result text = cli.run("info", db);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).contains("DATABASE  " + db).containsPattern("history\\s+5");
    Cli.Result json = cli.run("--format", "json", "info", db);
    Map<?, ?> info = (Map<?, ?>) Json.parse(json.out());
    assertThat(info.get("name")).isEqualTo(db);
    assertThat(info.get("history")).isEqualTo(5L);
    assertThat(info.get("records")).isEqualTo(1L);
    assertThat(info.get("storage")).isEqualTo("file");
    Cli.Result missing = cli.run("info", "no-such-db");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).isEqualTo("microstore: database \"no-such-db\" does not exist\n");
  }

  @Test
  void history_listsRevisionsOldestFirst() {
    String db = newDatabase();
    Cli store =
        Cli.with("--server", server.url(), "--database", db, "--history", "10", "--table", "t");
    store.run("write", "k", "one");
    store.run("write", "k", "two");
    store.run("delete", "k");
    Cli.Result json = store.run("--format", "json", "history", "k");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    List<String> lines = json.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("{\"key\":\"k\",\"op\":\"put\",\"value\":\"one\"");
    assertThat(lines.get(1)).startsWith("{\"key\":\"k\",\"op\":\"put\",\"value\":\"two\"");
    assertThat(lines.get(2))
        .isEqualTo(
            "{\"key\":\"k\",\"op\":\"delete\",\"value\":null,\"value_base64\":null,\"metadata\":{},"
                + "\"revision\":3,\"expiry_seconds\":null}");
    Cli.Result text = store.run("history", "k", "--limit", "2");
    assertThat(text.lines()).hasSize(3);
    assertThat(text.lines().get(0)).startsWith("REVISION  OP");
    assertThat(text.lines().get(2)).matches("3\\s+delete\\s+k\\s+-\\s+-\\s+-");
  }

  // ---------------------------------------------------------------- watch

  @Test
  void watch_initialThenLiveChanges_untilCount() throws Exception {
    String db = newDatabase();
    Cli store = Cli.with("--server", server.url(), "--database", db);
    store.run("write", "a.0", "before");
    StringWriter output = new StringWriter();
    CompletableFuture<Cli.Result> watch =
        CompletableFuture.supplyAsync(
            () ->
                store.run(
                    output,
                    "--format",
                    "json",
                    "watch",
                    "--prefix",
                    "a.",
                    "--initial",
                    "--count",
                    "3",
                    "--timeout",
                    "30s"));
    awaitOutput(output, "\"a.0\"");
    store.run("write", "b.ignored", "x");
    store.run("write", "a.1", "live", "--metadata", "{\"m\":1}");
    store.run("delete", "a.1");
    Cli.Result r = watch.get(30, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> lines = r.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("{\"key\":\"a.0\",\"op\":\"put\",\"value\":\"before\"");
    assertThat(lines.get(1))
        .startsWith("{\"key\":\"a.1\",\"op\":\"put\",\"value\":\"live\"")
        .contains("\"metadata\":{\"m\":1}");
    assertThat(lines.get(2)).startsWith("{\"key\":\"a.1\",\"op\":\"delete\",\"value\":null");
  }

  @Test
  void watch_text_initialRecordThenTimeout_exits0() {
    String db = newDatabase();
    Cli store = Cli.with("--server", server.url(), "--database", db);
    store.run("write", "k", "v", "--metadata", "{\"m\":true}");
    long start = System.nanoTime();
    Cli.Result r = store.run("watch", "--initial", "--timeout", "2s");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("put    k  (revision 1)  \"v\"  {\"m\":true}\n");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(2000);
  }

  /** The keys of JSON record lines. */
  private static List<Object> keys(Cli.Result r) {
    List<Object> keys = new ArrayList<>();
    for (Map<?, ?> record : parseLines(r.out())) {
      keys.add(record.get("key"));
    }
    return keys;
  }

  private static void awaitOutput(StringWriter output, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!output.toString().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + text + "\" in: " + output);
      }
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- export and import

  @Test
  void exportThenImport_intoEmptyDatabase_reproducesItExactly(@TempDir Path tmp) throws Exception {
    String source = newDatabase();
    String target = newDatabase();
    Cli from = Cli.with("--server", server.url(), "--database", source);
    from.run("write", "plain", "text value");
    from.run(
        "write",
        "meta",
        "{\"json\":true}",
        "--metadata",
        "{\"a\":{\"b\":[1,2.5,\"c\",null,false]}}");
    from.stdin(new byte[] {1, 2, (byte) 0xfe, 0}).run("write", "binary");
    from.run("write", "empty", "");
    from.run("write", "lines", "a\nb\u2028c\"q\"");
    from.run("write", "expiring", "soon", "--ttl", "1h");
    from.run("--table", "tab", "write", "in-table", "t");
    Cli.Result export = from.run("export");
    assertThat(export.exitCode()).as(export.toString()).isZero();
    assertThat(export.lines()).hasSize(7);
    List<Object> sortedKeys =
        parseLines(from.run("export", "--sorted").out()).stream()
            .map(m -> m.get("key"))
            .collect(java.util.stream.Collectors.toList());
    assertThat(sortedKeys)
        .containsExactly("binary", "empty", "expiring", "lines", "meta", "plain", "tab_in-table");
    Path file = tmp.resolve("export.jsonl");
    Files.writeString(file, export.out());

    Cli to = Cli.with("--server", server.url(), "--database", target);
    Cli.Result dry = to.run("import", file.toString(), "--dry-run");
    assertThat(dry.out()).isEqualTo("would import 7 records\n");
    assertThat(to.run("list").out()).isEmpty();

    Cli.Result imported = to.run("import", file.toString());
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.out()).isEqualTo("imported 7 records\n");

    List<Map<?, ?>> before = parseLines(export.out());
    List<Map<?, ?>> after = parseLines(to.run("export").out());
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      Map<?, ?> b = before.get(i);
      Map<?, ?> a = after.get(i);
      for (String field : List.of("key", "value", "value_base64", "metadata")) {
        assertThat(a.get(field)).as(b.get("key") + "." + field).isEqualTo(b.get(field));
      }
      if (b.get("expiry_seconds") == null) {
        assertThat(a.get("expiry_seconds")).isNull();
      } else {
        assertThat(((Number) a.get("expiry_seconds")).doubleValue())
            .isCloseTo(
                ((Number) b.get("expiry_seconds")).doubleValue(),
                org.assertj.core.data.Offset.offset(5.0));
      }
    }
  }

  @Test
  void importFromStdin_intoTable_json() {
    String db = newDatabase();
    String lines =
        "{\"key\":\"x\",\"value\":\"ignored\",\"value_base64\":\"aGk=\",\"metadata\":{},\"revision\":9,\"expiry_seconds\":null}\n"
            + "\n"
            + "{\"key\":\"y\",\"value\":\"only text\"}\n";
    Cli.Result r =
        cli.stdin(lines).run("--database", db, "--table", "t", "--format", "json", "import");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"imported\":2}\n");
    assertThat(cli.run("--database", db, "list").out()).isEqualTo("t_x\nt_y\n");
    assertThat(cli.run("--database", db, "--table", "t", "read", "x").out()).contains("\"hi\"");
  }

  @Test
  void import_badLine_exits2NamingTheLine_andWritesNothing() {
    String db = newDatabase();
    String lines =
        "{\"key\":\"ok\",\"value_base64\":\"aGk=\"}\n{\"key\":\"bad\",\"value_base64\":\"aGk=\",}\n";
    Cli.Result r = cli.stdin(lines).run("--database", db, "import", "-");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .startsWith("microstore: standard input line 2: the line is not valid JSON: ");
    assertThat(cli.run("--database", db, "list").out()).isEmpty();
  }

  @Test
  void import_missingFile_exits2() {
    Cli.Result r = cli.run("import", "/no/such/file.jsonl");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).isEqualTo("microstore: file /no/such/file.jsonl does not exist\n");
  }

  private static List<Map<?, ?>> parseLines(String text) {
    List<Map<?, ?>> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add((Map<?, ?>) Json.parse(line));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- demo against this server

  @Test
  void demo_withExplicitServer_usesItAndCleansUp() {
    Cli.Result r = cli.run("demo");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("1. Connect to " + server.url())
        .contains("Compare-and-set")
        .contains("conflict")
        .contains("demo databases left: []");
    assertThat(cli.run("databases").lines()).doesNotContain("demo-users", "demo-orders");
  }
}
