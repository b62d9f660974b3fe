package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.testing.NatsServer;
import dev.microstore.testing.NatsServerBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code microstore apply}: input checking and output against {@code --store memory:}, atomicity
 * against the newest nats-server (2.12+), and the clear version error against Debian's.
 */
class ApplyCommandTest {
  private static final String THREE_OPS =
      "{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\",\"metadata\":{\"n\":1}}\n"
          + "\n"
          + "{\"op\":\"put\",\"key\":\"b\",\"value\":\"2\",\"if_absent\":true,\"ttl\":\"1h\"}\n"
          + "{\"op\":\"delete\",\"key\":\"c\"}\n";

  private static NatsServer newest;
  private static NatsServer stable;

  private final Cli memory = Cli.with("--store", "memory:");

  @BeforeAll
  static void startServers() {
    Optional<NatsServerBinary> binary = NatsServerBinary.newest();
    if (binary.isPresent() && binary.get().isAtLeast(2, 12)) {
      newest = NatsServer.builder().binary(binary.get()).start();
    }
    NatsServerBinary debian = NatsServerBinary.find();
    if (!debian.isAtLeast(2, 12)) {
      stable = NatsServer.builder().binary(debian).start();
    }
  }

  @AfterAll
  static void stopServers() {
    for (NatsServer s : new NatsServer[] {newest, stable}) {
      if (s != null) {
        s.close();
      }
    }
  }

  // ---------------------------------------------------------------- output

  @Test
  void apply_fromStdin_printsEveryRevision_inBothFormats() {
    Cli.Result text = memory.stdin(THREE_OPS).run("apply");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).isEqualTo("a revision 1\nb revision 2\nc revision 3\n");

    Cli.Result json = memory.stdin(THREE_OPS).run("--format", "json", "apply", "-");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.lines())
        .containsExactly(
            "{\"key\":\"a\",\"revision\":1}",
            "{\"key\":\"b\",\"revision\":2}",
            "{\"key\":\"c\",\"revision\":3}");
  }

  @Test
  void apply_fromFile_readsTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ops.jsonl"), THREE_OPS, StandardCharsets.UTF_8);
    Cli.Result r = memory.workingDirectory(dir).run("apply", "ops.jsonl");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.lines()).hasSize(3);
  }

  // ---------------------------------------------------------------- bad input: exit 2

  @Test
  void apply_badLines_exit2NamingTheLine() {
    String[][] cases = {
      {
        "{\"op\":\"put\",\"key\":\"a\"}\nnot json\n",
        "standard input line 2: the line is not valid JSON"
      },
      {"{\"op\":\"upsert\",\"key\":\"a\"}\n", "line 1: \"op\" must be \"put\" or \"delete\""},
      {"{\"op\":\"put\"}\n", "line 1: \"key\" must be a non-empty string"},
      {"{\"op\":\"put\",\"key\":\"a\",\"colour\":1}\n", "unknown member \"colour\""},
      {
        "{\"op\":\"put\",\"key\":\"a\"}\n{\"op\":\"delete\",\"key\":\"a\"}\n",
        "line 2: key \"a\" is already in the batch"
      },
      {
        "{\"op\":\"put\",\"key\":\"a\",\"if_absent\":true,\"if_revision\":3}\n",
        "cannot be combined"
      },
      {"{\"op\":\"delete\",\"key\":\"a\",\"if_revision\":0}\n", "revision 0 is invalid"},
      {"{\"op\":\"put\",\"key\":\"a\",\"ttl\":\"soon\"}\n", "line 1:"},
      {"\n\n", "standard input has no operations"},
    };
    for (String[] c : cases) {
      Cli.Result r = memory.stdin(c[0]).run("apply");
      assertThat(r.exitCode()).as(c[0] + " -> " + r).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err()).as(c[0]).startsWith("microstore: ").contains(c[1]);
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void apply_moreThanTheLimit_exit2() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i <= 1000; i++) {
      lines.append("{\"op\":\"put\",\"key\":\"k").append(i).append("\",\"value\":\"v\"}\n");
    }
    Cli.Result r = memory.stdin(lines.toString()).run("apply");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).contains("line 1001").contains("at most 1000 operations");
  }

  @Test
  void apply_missingFile_exit2() {
    Cli.Result r = memory.run("apply", "does-not-exist.jsonl");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).contains("does-not-exist.jsonl does not exist");
  }

  // ---------------------------------------------------------------- against NATS

  @Test
  void apply_onNats_failedCondition_exit4AndAppliesNothing() {
    assumeTrue(newest != null, "no nats-server 2.12+ installed (scripts/install-nats-server.sh)");
    Cli cli = Cli.with("--server", newest.url(), "--database", "apply-conflict");
    assertThat(cli.run("write", "a", "old").exitCode()).isZero();

    Cli.Result r =
        cli.stdin(
                "{\"op\":\"put\",\"key\":\"new\",\"value\":\"x\"}\n"
                    + "{\"op\":\"delete\",\"key\":\"a\"}\n"
                    + "{\"op\":\"put\",\"key\":\"b\",\"value\":\"y\",\"if_revision\":99}\n")
            .run("apply");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(r.err()).contains("key \"b\"").contains("the batch was not applied");
    assertThat(r.out()).isEmpty();
    assertThat(cli.run("list").out()).isEqualTo("a\n");
  }

  @Test
  void apply_onNats_appliesEveryOperation_andReadsSeeTheRevisions() {
    assumeTrue(newest != null, "no nats-server 2.12+ installed (scripts/install-nats-server.sh)");
    Cli cli = Cli.with("--server", newest.url(), "--database", "apply-ok", "--format", "json");
    assertThat(cli.run("write", "c", "gone soon").exitCode()).isZero();

    Cli.Result r = cli.stdin(THREE_OPS).run("apply");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.lines())
        .containsExactly(
            "{\"key\":\"a\",\"revision\":2}",
            "{\"key\":\"b\",\"revision\":3}",
            "{\"key\":\"c\",\"revision\":4}");
    assertThat(cli.run("read", "a").out()).contains("\"revision\":2").contains("{\"n\":1}");
    assertThat(cli.run("read", "c").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void apply_onNatsOlderThan2_12_exit1NamingTheNeededVersion() {
    assumeTrue(stable != null, "Debian's nats-server supports atomic batches");
    Cli cli = Cli.with("--server", stable.url(), "--database", "apply-old");

    Cli.Result r = cli.stdin(THREE_OPS).run("apply");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STORE_FAILURE);
    assertThat(r.err()).contains("needs nats-server 2.12 or newer");
    assertThat(cli.run("databases").out()).doesNotContain("apply-old");
  }
}
