package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Help, version and invalid usage or input: nothing here needs a server. */
class UsageTest {
  private static final List<String> COMMANDS =
      List.of(
          "write",
          "read",
          "list",
          "delete",
          "databases",
          "delete-database",
          "info",
          "history",
          "watch",
          "export",
          "import",
          "apply",
          "server",
          "demo");

  /** Runs against a server that is never contacted: parsing fails first. */
  private final Cli cli = Cli.with("--server", "nats://127.0.0.1:1");

  @Test
  void help_everyCommand_printsUsageAndExits0() {
    for (String command : COMMANDS) {
      Cli.Result r = cli.run(command, "--help");
      assertThat(r.exitCode()).as(command).isZero();
      assertThat(r.out())
          .as(command)
          .contains("Usage: microstore " + command + " [OPTIONS]")
          .contains("--format");
    }
    Cli.Result top = cli.run("--help");
    assertThat(top.exitCode()).isZero();
    for (String command : COMMANDS) {
      assertThat(top.out()).contains("  " + command + " ");
    }
    assertThat(top.out()).contains("Exit codes:");
  }

  @Test
  void noCommand_printsUsage() {
    Cli.Result r = Cli.with().run();
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: microstore [OPTIONS] [COMMAND]");
  }

  @Test
  void version_printsVersionJnatsCommitAndJava() {
    String out = cli.run("--version").out();
    assertThat(out.lines())
        .hasSize(4)
        .satisfies(
            lines -> {
              assertThat(lines.get(0))
                  .isEqualTo("microstore " + System.getProperty("microstore.test.version"));
              assertThat(lines.get(1))
                  .isEqualTo("jnats " + System.getProperty("microstore.test.jnats-version"))
                  .isEqualTo("jnats " + io.nats.client.Nats.CLIENT_VERSION);
              assertThat(lines.get(2)).matches("commit ([0-9a-f]{40}(-dirty)?|unknown)");
              assertThat(lines.get(3))
                  .startsWith("java " + System.getProperty("java.version") + " (");
            });
    assertThat(cli.run("read", "--version").out()).isEqualTo(out);
  }

  @Test
  void version_saysUnknownForWhatTheBuildDidNotSet() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("version", "1.2.3");
    p.setProperty("commit", "${microstore.git.commit}");
    p.setProperty("jnats", " ");
    assertThat(MicrostoreCommand.Version.value(p, "version")).isEqualTo("1.2.3");
    assertThat(MicrostoreCommand.Version.value(p, "commit")).isEqualTo("unknown");
    assertThat(MicrostoreCommand.Version.value(p, "jnats")).isEqualTo("unknown");
    assertThat(MicrostoreCommand.Version.value(p, "missing")).isEqualTo("unknown");
  }

  @Test
  void badDuration_exits2_namingValueAndAcceptedForms() {
    Cli.Result r = cli.run("write", "k", "v", "--ttl", "5 minutes");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "microstore: Invalid value for option '--ttl': duration \"5 minutes\" is invalid: "
                + Durations.ACCEPTED
                + " (see 'microstore write --help')\n");
    assertThat(cli.run("watch", "--timeout", "1y").exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli.run("--bucket-ttl", "forever", "list").exitCode())
        .isEqualTo(ExitCodes.INVALID_INPUT);
  }

  @Test
  void zeroTtl_exits2() {
    Cli.Result r = cli.run("write", "k", "v", "--ttl", "0s");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).isEqualTo("microstore: ttl PT0S is invalid: it must be positive\n");
  }

  @Test
  void badMetadataJson_exits2() {
    Cli.Result r = cli.run("write", "k", "v", "--metadata", "{\"a\":}");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "microstore: --metadata is not valid JSON: unexpected '}', expected a value at position 6\n");
    Cli.Result array = cli.run("write", "k", "v", "--metadata", "[1]");
    assertThat(array.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(array.err()).contains("--metadata must be a JSON object");
  }

  @Test
  void badNumbers_exit2() {
    Cli.Result r = cli.run("read", "k", "--limit", "ten");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "microstore: Invalid value for option '--limit': 'ten' is not an int (see 'microstore read --help')\n");
    assertThat(cli.run("write", "k", "v", "--if-revision", "x").exitCode())
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli.run("--replicas", "many", "list").exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli.run("watch", "--count", "0").exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
  }

  @Test
  void outOfRangeNumbers_exit2() {
    Cli memory = Cli.with("--store", "memory:");
    Cli.Result negative = memory.run("read", "", "--prefix", "--limit", "-1");
    assertThat(negative.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(negative.err()).isEqualTo("microstore: limit -1 is invalid: must not be negative\n");
    Cli.Result revision = memory.run("write", "k", "v", "--if-revision", "0");
    assertThat(revision.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(revision.err())
        .isEqualTo("microstore: revision 0 is invalid: revisions start at 1\n");
  }

  @Test
  void conflictingOptions_exit2() {
    Cli.Result r = cli.run("write", "k", "v", "--if-absent", "--if-revision", "2");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).isEqualTo("microstore: --if-absent and --if-revision cannot be combined\n");
    Cli.Result user = cli.run("--user", "u", "list");
    assertThat(user.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(user.err()).isEqualTo("microstore: --user and --password must be given together\n");
  }

  @Test
  void unknownOptionOrCommand_missingArgument_badFormat_exit2WithOneLine() {
    for (List<String> args :
        List.of(
            List.of("read", "k", "--nope"),
            List.of("frobnicate"),
            List.of("read"),
            List.of("--format", "xml", "list"))) {
      Cli.Result r = cli.run(args.toArray(new String[0]));
      assertThat(r.exitCode()).as(args.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err()).as(args.toString()).startsWith("microstore: ").endsWith("--help')\n");
      assertThat(r.err().lines()).as(args.toString()).hasSize(1);
    }
  }

  @Test
  void missingCredentialFiles_exit2() {
    for (String option : List.of("--creds", "--nkey", "--tls-ca")) {
      Cli.Result r = cli.run(option, "/no/such/file", "list");
      assertThat(r.exitCode()).as(option).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err())
          .isEqualTo(
              "microstore: " + option + " file /no/such/file does not exist or is not readable\n");
    }
  }

  @Test
  void emptyKey_exits2() {
    Cli.Result r = Cli.with("--store", "memory:").run("write", "", "v");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(r.err()).isEqualTo("microstore: key \"\" is invalid: a key must not be empty\n");
  }
}
