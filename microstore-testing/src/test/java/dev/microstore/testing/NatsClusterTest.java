package dev.microstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NatsClusterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @ParameterizedTest
  @ValueSource(strings = {"stable", "newest"})
  void formsWithAMetaLeaderAndSurvivesLosingANode(String which) throws Exception {
    NatsServerBinary binary = TestSupport.binary(which);
    NatsCluster cluster = NatsCluster.builder().binary(binary).start();
    List<Path> tempDirs =
        cluster.nodes().stream().map(NatsServer::tempDir).collect(Collectors.toList());
    try {
      assertThat(cluster.size()).isEqualTo(3);
      assertThat(cluster.name()).isEqualTo(NatsCluster.DEFAULT_NAME);
      assertThat(cluster.nodes())
          .extracting(NatsServer::serverName)
          .containsExactly("n1", "n2", "n3");
      assertThat(cluster.nodes()).allMatch(NatsServer::isRunning);
      assertThat(cluster.urlList())
          .hasSize(3)
          .allMatch(u -> u.matches("nats://127\\.0\\.0\\.1:\\d+"))
          .doesNotHaveDuplicates();
      assertThat(cluster.urls()).isEqualTo(String.join(",", cluster.urlList()));
      assertThat(cluster.node(1).url()).isEqualTo(cluster.urlList().get(1));
      assertThat(Files.readString(cluster.node(0).configFile()))
          .contains("name: \"microstore-test\"")
          .contains("nats-route://127.0.0.1:");

      String leader = cluster.metaLeader().orElseThrow();
      assertThat(leader).isIn("n1", "n2", "n3");
      for (NatsServer node : cluster.nodes()) {
        assertThat(NatsCluster.metaLeader(node.monitoringGet("/jsz"))).contains(leader);
      }
      // JetStream works across the cluster: an R3 stream, made through node 1.
      assertThat(
              TestSupport.request(
                  cluster.node(0).port(),
                  "$JS.API.STREAM.CREATE.C",
                  "{\"name\":\"C\",\"subjects\":[\"c.>\"],\"storage\":\"file\",\"num_replicas\":3}"))
          .contains("stream_create_response")
          .doesNotContain("\"error\"");

      NatsServer killed =
          cluster.nodes().stream().filter(n -> n.serverName().equals(leader)).findFirst().get();
      killed.kill();
      assertThat(killed.isRunning()).isFalse();
      assertThat(killed.exitCode()).hasValue(137);

      NatsServer newLeader = cluster.awaitMetaLeader(TIMEOUT);
      assertThat(newLeader).isNotSameAs(killed);
      assertThat(newLeader.isRunning()).isTrue();
      for (NatsServer node : cluster.nodes()) {
        if (node != killed) {
          assertThat(NatsCluster.metaLeader(node.monitoringGet("/jsz")))
              .contains(newLeader.serverName());
        }
      }

      killed.restart();
      assertThat(killed.isRunning()).isTrue();
      cluster.awaitReady(TIMEOUT);
      assertThat(TestSupport.jsonNumber(killed.monitoringGet("/jsz"), "streams")).isEqualTo(1);

      cluster.close();
      assertThat(cluster.nodes()).noneMatch(NatsServer::isRunning);
      assertThat(tempDirs).allMatch(d -> !Files.exists(d));
    } finally {
      cluster.close();
    }
  }

  @Test
  void parsesTheMetaLeaderFromJsz() {
    String v29 =
        "{\n  \"server_id\": \"X\",\n  \"meta_cluster\": {\n    \"name\": \"microstore-test\",\n"
            + "    \"leader\": \"n2\",\n    \"peer\": \"abc\",\n    \"replicas\": [\n"
            + "      {\n        \"name\": \"n1\",\n        \"current\": true\n      }\n    ],\n"
            + "    \"cluster_size\": 3\n  }\n}";
    assertThat(NatsCluster.metaLeader(v29)).contains("n2");
    assertThat(NatsCluster.metaLeader("{\"meta_cluster\":{\"name\":\"c\",\"leader\":\"n3\"}}"))
        .contains("n3");
    assertThat(NatsCluster.metaLeader("{\"meta_cluster\":{\"name\":\"c\",\"cluster_size\":3}}"))
        .isEmpty();
    assertThat(NatsCluster.metaLeader("{\"meta_cluster\":{\"leader\":\"\"}}")).isEmpty();
    assertThat(NatsCluster.metaLeader("{\"streams\": 0}")).isEmpty();
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> NatsCluster.builder().size(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NatsCluster.builder().name("a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
