package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Commands against {@code --store memory:}; every run opens a new, empty in-memory store, so each
 * test is about one invocation.
 */
class MemoryStoreCommandsTest {
  private final Cli cli = Cli.with("--store", "memory:");

  @Test
  void write_printsRevision_inBothFormats() {
    assertThat(cli.run("write", "k", "v").out()).isEqualTo("wrote k (revision 1)\n");
    assertThat(cli.run("--format", "json", "write", "k", "v").out())
        .isEqualTo("{\"key\":\"k\",\"revision\":1}\n");
  }

  @Test
  void write_ifAbsentOnEmptyStore_succeeds() {
    assertThat(cli.run("write", "k", "v", "--if-absent").exitCode()).isZero();
  }

  @Test
  void write_ifRevisionOnMissingKey_exits4() {
    Cli.Result r = cli.run("write", "k", "v", "--if-revision", "3");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(r.err()).startsWith("microstore: ");
  }

  @Test
  void delete_ifRevisionOnMissingKey_exits4_andPlainDeleteSucceeds() {
    assertThat(cli.run("delete", "k", "--if-revision", "1").exitCode())
        .isEqualTo(ExitCodes.CONFLICT);
    assertThat(cli.run("delete", "k").exitCode()).isZero();
  }

  @Test
  void read_exactMissing_exits3_prefixEmpty_exits0() {
    Cli.Result missing = cli.run("read", "k");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err())
        .isEqualTo("microstore: key \"k\" not found in database \"default\"\n");
    Cli.Result prefix = cli.run("--format", "json", "read", "", "--prefix");
    assertThat(prefix.exitCode()).isZero();
    assertThat(prefix.out()).isEmpty();
  }

  @Test
  void listDatabasesExportHistory_onEmptyStore_printNothing() {
    for (String[] args :
        new String[][] {
          {"list"}, {"databases"}, {"export"}, {"--format", "json", "history", "k"}
        }) {
      Cli.Result r = cli.run(args);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isZero();
      assertThat(r.out()).as(String.join(" ", args)).isEmpty();
    }
    assertThat(cli.run("history", "k").out()).isEqualTo("no revisions of k\n");
  }

  @Test
  void info_missingDatabase_exits3() {
    assertThat(cli.run("info", "nothing").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void deleteDatabase_missing_exits0() {
    Cli.Result r = cli.run("delete-database", "nothing");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo("database nothing does not exist\n");
  }

  @Test
  void watch_timeout_exits0WithoutEvents() {
    Cli.Result r = cli.run("watch", "--timeout", "300ms");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEmpty();
  }

  @Test
  void import_fromStdin_countsRecords_andDryRun() {
    String lines =
        "{\"key\":\"a\",\"value_base64\":\"aGk=\",\"expiry_seconds\":60}\n{\"key\":\"b\",\"value\":\"x\"}\n";
    assertThat(cli.stdin(lines).run("import").out()).isEqualTo("imported 2 records\n");
    assertThat(cli.stdin(lines).run("--format", "json", "import", "--dry-run").out())
        .isEqualTo("{\"would_import\":2}\n");
  }

  @Test
  void demo_againstMemoryStore_runsEveryStep() {
    Cli.Result r = cli.run("demo");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("1. Open the store memory:")
        .contains("Read by prefix, with limit and offset")
        .contains("gone after")
        .contains("received 3 events")
        .contains("demo databases left: []");
  }

  @Test
  void storeUri_unknownScheme_exits2() {
    Cli.Result r = Cli.with("--store", "nope://x").run("list");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).startsWith("microstore: store URI scheme \"nope\" has no provider");
  }
}
