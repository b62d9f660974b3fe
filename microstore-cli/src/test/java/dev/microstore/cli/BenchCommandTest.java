package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.internal.Json;
import dev.microstore.testing.NatsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --quick}: every scenario runs and is reported; no timing is asserted. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void benchQuick_withItsOwnServer_reportsEveryScenarioAndWritesJson() throws Exception {
    Cli.Result r = Cli.with().workingDirectory(dir).run("bench", "--quick", "--json", "bench.json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    for (String name : BenchScenarios.NAMES) {
      assertThat(r.out()).as(r.toString()).contains(name);
    }
    assertThat(r.out()).contains("ratio").contains("target");
    Map<String, Object> json =
        Json.parseObject(Files.readString(dir.resolve("bench.json")), "bench.json");
    assertThat(json.get("server")).isInstanceOf(String.class);
    List<Object> scenarios = (List<Object>) json.get("scenarios");
    assertThat(scenarios).hasSize(BenchScenarios.NAMES.size());
    Map<String, Object> first = (Map<String, Object>) scenarios.get(0);
    assertThat(first)
        .containsKeys("name", "microstore", "baseline", "unit", "ratio", "target")
        .containsEntry("name", "exact-write");
    assertThat(dir.resolve(BenchCommand.DATA_DIR)).doesNotExist();
  }

  @Test
  void benchQuick_onAGivenServer_runsTheChosenScenarios_andDeletesItsDatabases() {
    try (NatsServer server = NatsServer.builder().start()) {
      Cli cli = Cli.with("--server", server.url());

      Cli.Result r = cli.run("bench", "--quick", "--only", "exact-read,bulk-write");

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("exact-read")
          .contains("bulk-write")
          .doesNotContain("list-table");
      assertThat(cli.run("databases").out()).doesNotContain("bench-");
    }
  }

  @Test
  void bench_unknownScenario_isInvalidInput() {
    try (NatsServer server = NatsServer.builder().start()) {
      Cli.Result r = Cli.with("--server", server.url()).run("bench", "--only", "nope");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(r.err()).contains("unknown scenario \"nope\"");
    }
  }
}
